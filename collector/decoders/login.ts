/**
 * login(1) from shadow-utils and util-linux: `ROOT LOGIN ON tty1`, `LOGIN ON tty1 BY alice`,
 * `FAILED LOGIN (1) on '/dev/tty1' FOR 'UNKNOWN', Authentication failure`,
 * `TOO MANY LOGIN TRIES (5) on '/dev/tty1' FOR 'alice'`, with optional `FROM host` parts.
 */
import type { EcsEvent } from '../ecs/event.js';
import { ACTIONS } from './actions.js';
import { classify, DATASETS, setDataset, setSource, setUserName } from './fields.js';
import { indexOfSpaceBefore, trimEndSpaces } from './scan.js';

/** Value after ` KEYWORD ` (case-insensitive forms passed in both spellings), unquoted; '' if absent. */
function wordAfter(body: string, upper: string, lower: string, pos: number, stopAtComma: boolean): string {
  let at = body.indexOf(upper, pos);
  if (at < 0) at = body.indexOf(lower, pos);
  if (at < 0) return '';
  let start = at + upper.length;
  if (body.charCodeAt(start) === 39) start++;
  let end = stopAtComma ? body.indexOf(', ', start) : -1;
  if (end < 0) end = indexOfSpaceBefore(body, start, body.length);
  if (body.charCodeAt(end - 1) === 39) end--;
  return end > start ? body.slice(start, end) : '';
}

function remoteHost(body: string, pos: number, event: EcsEvent): void {
  const host = wordAfter(body, ' FROM ', ' from ', pos, false);
  if (host.length > 0) setSource(event, host);
}

function done(event: EcsEvent): true {
  setDataset(event, DATASETS.systemAuth);
  return true;
}

export function decodeLogin(body: string, event: EcsEvent): boolean {
  if (body.startsWith('ROOT LOGIN ')) {
    if (body.startsWith('REFUSED', 11)) return false;
    classify(event, ACTIONS.login, ['authentication'], ['start'], 'success');
    setUserName(event, 'root');
    remoteHost(body, 11, event);
    return done(event);
  }
  if (body.startsWith('LOGIN ON ')) {
    const user = wordAfter(body, ' BY ', ' by ', 9, false);
    if (user.length === 0) return false;
    classify(event, ACTIONS.login, ['authentication'], ['start'], 'success');
    setUserName(event, user);
    remoteHost(body, 9, event);
    return done(event);
  }
  const failed = body.startsWith('FAILED LOGIN ');
  if (failed || body.startsWith('TOO MANY LOGIN TRIES ')) {
    if (failed) classify(event, ACTIONS.login, ['authentication'], ['info'], 'failure');
    else classify(event, ACTIONS.loginTooManyTries, ['authentication'], ['info']);
    const user = wordAfter(body, ' FOR ', ' for ', 13, true);
    // login writes UNKNOWN rather than a name that is no account (it may be a mistyped password).
    if (user !== 'UNKNOWN') setUserName(event, user);
    remoteHost(body, 13, event);
    const reasonAt = body.lastIndexOf(', ');
    if (failed && reasonAt > 0) event.event.reason = trimEndSpaces(body.slice(reasonAt + 2));
    return done(event);
  }
  return false;
}
