/**
 * What an nginx or Apache error-log message means, for the few kinds analysts act on: missing
 * files (scanners), forbidden paths, failed basic-auth logins, malformed requests, rate limits,
 * upstream failures. Matching is by the messages' fixed wording, cheapest checks first.
 */
import type { EcsEvent } from '../ecs/event.js';
import { ACTIONS } from './actions.js';
import { classify, setUserName } from './fields.js';

function failure(event: EcsEvent, action: string): true {
  classify(event, action, ['web'], ['error'], 'failure');
  return true;
}

function fileNotFound(event: EcsEvent, path: string): true {
  if (path.length > 0) event.file = { path };
  return failure(event, ACTIONS.httpFileNotFound);
}

function authFailure(event: EcsEvent, user: string): true {
  classify(event, ACTIONS.httpAuthFailure, ['authentication', 'web'], ['info'], 'failure');
  setUserName(event, user);
  return true;
}

/** nginx wording; `text[start, end)` is the message without the `*CID ` connection number. */
export function classifyNginxMessage(event: EcsEvent, text: string, start: number, end: number): boolean {
  if (text.startsWith('open() "', start)) {
    const close = text.indexOf('" failed (2: ', start + 8);
    return close > 0 && close < end && fileNotFound(event, text.slice(start + 8, close));
  }
  if (text.charCodeAt(start) === 34 /* " */) {
    const close = text.indexOf('" is not found (2: ', start + 1);
    return close > 0 && close < end && fileNotFound(event, text.slice(start + 1, close));
  }
  if (text.startsWith('access forbidden by rule', start) || text.startsWith('directory index of "', start)) {
    return failure(event, ACTIONS.httpAccessForbidden);
  }
  if (text.startsWith('user "', start)) {
    const close = text.indexOf('"', start + 6);
    if (close < 0 || close >= end) return false;
    if (!text.startsWith(': password mismatch', close + 1) && !text.startsWith(' was not found in ', close + 1)) return false;
    return authFailure(event, text.slice(start + 6, close));
  }
  if (text.startsWith('limiting ', start)) return failure(event, ACTIONS.httpRateLimited);
  if (text.startsWith('client sent invalid ', start)) return failure(event, ACTIONS.httpInvalidRequest);
  const upstreamAt = text.indexOf('upstream', start);
  if (upstreamAt >= 0 && upstreamAt < end) return failure(event, ACTIONS.httpUpstreamError);
  return false;
}

/** Apache wording; `text[start, end)` is the message after any `AHnnnnn: ` code. */
export function classifyApacheMessage(event: EcsEvent, text: string, start: number, end: number): boolean {
  switch (text.charCodeAt(start)) {
    case 70: // F
      return text.startsWith('File does not exist: ', start) && fileNotFound(event, text.slice(start + 21, end));
    case 115: // s
      return text.startsWith('script not found or unable to stat: ', start) && fileNotFound(event, text.slice(start + 36, end));
    case 68: // D
      return text.startsWith('Directory index forbidden by rule', start) && failure(event, ACTIONS.httpAccessForbidden);
    case 99: // c
      return text.startsWith('client denied by server configuration', start) && failure(event, ACTIONS.httpAccessForbidden);
    case 67: // C
      return text.startsWith('Cannot serve directory ', start) && failure(event, ACTIONS.httpAccessForbidden);
    case 73: // I
      return (
        (text.startsWith('Invalid URI in request', start) || text.startsWith('Invalid method in request', start)) &&
        failure(event, ACTIONS.httpInvalidRequest)
      );
    case 117: {
      // u
      if (!text.startsWith('user ', start)) return false;
      const failureAt = text.indexOf(': authentication failure for ', start + 5);
      if (failureAt > 0 && failureAt < end) return authFailure(event, text.slice(start + 5, failureAt));
      const notFoundAt = text.indexOf(' not found', start + 5);
      return notFoundAt > 0 && notFoundAt < end && authFailure(event, text.slice(start + 5, notFoundAt));
    }
    default:
      return false;
  }
}

/** Levels that make an error-log line an error (`event.type: error`) rather than information. */
export function isErrorLevel(level: string): boolean {
  return level === 'error' || level === 'crit' || level === 'alert' || level === 'emerg';
}
