/**
 * Service status lines of SysV init scripts (`cupsd startup succeeded`, `sshd shutdown failed`)
 * and the logrotate cron job (`ALERT exited abnormally with [1]`).
 */
import type { EcsEvent } from '../ecs/event.js';
import { ACTIONS } from './actions.js';
import { classify } from './fields.js';

/** Service names are single short words. */
const MAX_SERVICE_NAME_LENGTH = 64;

function outcomeWord(body: string, pos: number): 'success' | 'failure' | undefined {
  if (body.startsWith('succeeded', pos)) return 'success';
  if (body.startsWith('failed', pos)) return 'failure';
  return undefined;
}

/** `NAME startup succeeded|failed` / `NAME shutdown succeeded|failed` (the NAME is one word). */
export function decodeServiceStatus(body: string, event: EcsEvent): boolean {
  const space = body.indexOf(' ');
  if (space <= 0 || space > MAX_SERVICE_NAME_LENGTH) return false;
  const startup = body.startsWith(' startup ', space);
  if (!startup && !body.startsWith(' shutdown ', space)) return false;
  const outcome = outcomeWord(body, space + (startup ? 9 : 10));
  if (outcome === undefined) return false;
  if (startup) classify(event, ACTIONS.serviceStarted, ['process'], ['start'], outcome);
  else classify(event, ACTIONS.serviceStopped, ['process'], ['end'], outcome);
  return true;
}

/** logrotate's cron job: `ALERT exited abnormally with [N]`. */
export function decodeLogrotate(body: string, event: EcsEvent): boolean {
  if (!body.startsWith('ALERT exited abnormally')) return false;
  classify(event, ACTIONS.logrotateFailed, ['process'], ['end'], 'failure');
  return true;
}
