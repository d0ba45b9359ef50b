/**
 * Display managers: GDM's own failure line `Couldn't authenticate user`, and KDM's lines, which
 * carry the display and the worker's PID before the message (`:0[5021]: pam_unix(kdm:session):
 * session opened for user alice by (uid=0)`). Their PAM lines go to pam.ts.
 */
import type { EcsEvent } from '../ecs/event.js';
import { ACTIONS } from './actions.js';
import { classify, DATASETS, setDataset } from './fields.js';
import { decodePam } from './pam.js';
import { readUint } from './scan.js';

/** `:0`, `:1.0`: far shorter; a longer first word is no display. */
const MAX_DISPLAY_LENGTH = 16;

export function decodeDisplayManager(body: string, event: EcsEvent): boolean {
  if (!body.startsWith("Couldn't authenticate user")) return false;
  classify(event, ACTIONS.displayManagerLogin, ['authentication'], ['info'], 'failure');
  setDataset(event, DATASETS.systemAuth);
  return true;
}

/** KDM: `:DISPLAY[PID]: MESSAGE`; the PID becomes process.pid when the header had none. */
export function decodeKdm(body: string, event: EcsEvent): boolean {
  if (body.charCodeAt(0) !== 58 /* : */) return false;
  const open = body.indexOf('[', 1);
  const close = open < 0 ? -1 : body.indexOf(']: ', open);
  if (close < 0 || open > MAX_DISPLAY_LENGTH) return false;
  const inner = body.slice(close + 3);
  if (!decodeDisplayManager(inner, event) && !decodePam(inner, event)) return false;
  const pid = readUint(body, open + 1, close);
  const process = (event.process ??= {});
  if (pid > 0 && pid <= 0x7fffffff && process.pid === undefined) process.pid = pid;
  return true;
}
