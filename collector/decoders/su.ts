/**
 * su, in the wordings of shadow-utils (`Successful su for root by alice`, `+ pts/0 alice:root`)
 * and util-linux (`(to root) alice on pts/0`, `FAILED SU (to root) alice on pts/0`).
 * `user.name` is who ran su, `user.effective.name` whom they became (or tried to).
 */
import type { EcsEvent } from '../ecs/event.js';
import { ACTIONS } from './actions.js';
import { classify, DATASETS, setDataset, setEffectiveUserName, setUserName } from './fields.js';
import { trimEndSpaces } from './scan.js';

function switchUser(event: EcsEvent, success: boolean, actor: string, target: string): true {
  if (success) classify(event, ACTIONS.switchUser, ['authentication'], ['start'], 'success');
  else classify(event, ACTIONS.switchUser, ['authentication'], ['info'], 'failure');
  setUserName(event, actor);
  setEffectiveUserName(event, target);
  setDataset(event, DATASETS.systemAuth);
  return true;
}

/** `Successful su for TARGET by ACTOR` / `FAILED su for TARGET by ACTOR` from `pos` = TARGET. */
function forBy(body: string, pos: number, event: EcsEvent, success: boolean): boolean {
  const byAt = body.lastIndexOf(' by ');
  if (byAt <= pos) return false;
  return switchUser(event, success, trimEndSpaces(body.slice(byAt + 4)), body.slice(pos, byAt));
}

/** `(to TARGET) ACTOR on TTY` from `pos` = TARGET. */
function toOn(body: string, pos: number, event: EcsEvent, success: boolean): boolean {
  const close = body.indexOf(') ', pos);
  if (close <= pos) return false;
  const onAt = body.lastIndexOf(' on ');
  const actorEnd = onAt > close ? onAt : trimEndSpaces(body).length;
  return switchUser(event, success, body.slice(close + 2, actorEnd), body.slice(pos, close));
}

/** `+ TTY ACTOR:TARGET` (success) / `- TTY ACTOR:TARGET` (failure). */
function plusMinus(body: string, event: EcsEvent, success: boolean): boolean {
  const space = body.indexOf(' ', 2);
  const colon = space < 0 ? -1 : body.indexOf(':', space);
  if (colon < 0) return false;
  return switchUser(event, success, body.slice(space + 1, colon), trimEndSpaces(body.slice(colon + 1)));
}

export function decodeSu(body: string, event: EcsEvent): boolean {
  switch (body.charCodeAt(0)) {
    case 83: // S
      return body.startsWith('Successful su for ') && forBy(body, 18, event, true);
    case 70: // F
      if (body.startsWith('FAILED su for ')) return forBy(body, 14, event, false);
      if (body.startsWith('FAILED SU (to ')) return toOn(body, 14, event, false);
      return false;
    case 40: // (
      return body.startsWith('(to ') && toOn(body, 4, event, true);
    case 43: // +
      return body.charCodeAt(1) === 32 && plusMinus(body, event, true);
    case 45: // -
      return body.charCodeAt(1) === 32 && plusMinus(body, event, false);
    default:
      return false;
  }
}
