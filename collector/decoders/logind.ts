/** systemd-logind session lines: `New session 12 of user alice.`, `Removed session 12.` */
import type { EcsEvent } from '../ecs/event.js';
import { ACTIONS } from './actions.js';
import { classify, DATASETS, setDataset, setLabel, setUserName } from './fields.js';
import { indexOfSpaceBefore } from './scan.js';

/** Session ids are short (`12`, `c1`); anything longer is not one. */
const MAX_SESSION_ID_LENGTH = 32;

function sessionId(body: string, start: number, end: number, event: EcsEvent): boolean {
  if (end <= start || end - start > MAX_SESSION_ID_LENGTH) return false;
  setLabel(event, 'session_id', body.slice(start, end));
  return true;
}

function withoutFinalDot(body: string): number {
  let end = body.length;
  while (end > 0 && body.charCodeAt(end - 1) === 32) end--;
  return end > 0 && body.charCodeAt(end - 1) === 46 ? end - 1 : end;
}

export function decodeLogind(body: string, event: EcsEvent): boolean {
  if (body.startsWith('New session ')) {
    const idEnd = indexOfSpaceBefore(body, 12, body.length);
    if (!body.startsWith(' of user ', idEnd) || !sessionId(body, 12, idEnd, event)) return false;
    classify(event, ACTIONS.logindNewSession, ['session'], ['start'], 'success');
    setUserName(event, body.slice(idEnd + 9, withoutFinalDot(body)));
  } else if (body.startsWith('Removed session ')) {
    if (!sessionId(body, 16, withoutFinalDot(body), event)) return false;
    classify(event, ACTIONS.logindSessionRemoved, ['session'], ['end'], 'success');
  } else if (body.startsWith('Session ') && body.includes(' logged out.')) {
    if (!sessionId(body, 8, indexOfSpaceBefore(body, 8, body.length), event)) return false;
    classify(event, ACTIONS.logindSessionLoggedOut, ['session'], ['end'], 'success');
  } else return false;
  setDataset(event, DATASETS.systemAuth);
  return true;
}
