/**
 * Access logs in Common/Combined Log Format, as nginx and Apache write them, with an optional
 * virtual host first (Apache `vhost_combined`):
 * `[VHOST[:PORT] ]CLIENT IDENT USER [dd/Mon/yyyy:HH:MM:SS +zzzz] "REQUEST" STATUS BYTES["REFERRER" "AGENT"]`
 * Anything after the user agent (nginx `"$http_x_forwarded_for"`, timings) is ignored.
 */
import type { EcsEvent } from '../ecs/event.js';
import type { SyslogMessage } from '../syslog/message.js';
import { ACTIONS } from './actions.js';
import { classify, setDataset, setSource, setUserName, type Dataset } from './fields.js';
import { readRequestLine } from './http-request.js';
import { indexAfterQuoted, readUint } from './scan.js';
import { readAccessLogTime, setBodyTimestamp } from './web-time.js';

/** The part before the time holds 3 or 4 short tokens; a bracket further away is not ours. */
const MAX_PREFIX_LENGTH = 1024;
const TIME_LENGTH = 26;

/** Reused between calls: token boundaries before the time. */
const tokenStarts = [0, 0, 0, 0];
const tokenEnds = [0, 0, 0, 0];

/** Splits `text[0, end)` into at most four space-separated tokens; returns the count or -1. */
function splitPrefix(text: string, end: number): number {
  let count = 0;
  let start = 0;
  for (let i = 0; i <= end; i++) {
    if (i === end || text.charCodeAt(i) === 32) {
      if (i === start || count === 4) return -1;
      tokenStarts[count] = start;
      tokenEnds[count] = i;
      count++;
      start = i + 1;
    }
  }
  return count;
}

function token(text: string, index: number): string {
  return text.slice(tokenStarts[index] as number, tokenEnds[index] as number);
}

function isDash(text: string, index: number): boolean {
  const start = tokenStarts[index] as number;
  return (tokenEnds[index] as number) - start === 1 && text.charCodeAt(start) === 45;
}

/** Reused between calls: the bounds of the last field read by `readQuoted`, without the quotes. */
const quoted = { start: 0, end: 0 };

/** Reads the quoted field whose `"` is at `pos` into `quoted`; returns the index after it, or -1. */
function readQuoted(text: string, pos: number): number {
  if (text.charCodeAt(pos) !== 34) return -1;
  const after = indexAfterQuoted(text, pos + 1);
  quoted.start = pos + 1;
  // An unterminated last field (a line cut short) runs to the end.
  quoted.end = after < 0 ? text.length : after - 1;
  return after < 0 ? text.length : after;
}

function isDashField(text: string): boolean {
  return quoted.end - quoted.start === 1 && text.charCodeAt(quoted.start) === 45;
}

/** Parses an access log line into `event`; false (nothing set) when the line is not one. */
export function decodeAccessLog(body: string, event: EcsEvent, msg: SyslogMessage, dataset: Dataset): boolean {
  const bracket = body.indexOf(' [');
  if (bracket <= 0 || bracket > MAX_PREFIX_LENGTH) return false;
  const count = splitPrefix(body, bracket);
  if (count !== 3 && count !== 4) return false;
  const timeStart = bracket + 2;
  const time = readAccessLogTime(body, timeStart);
  const requestQuote = timeStart + TIME_LENGTH + 2;
  if (Number.isNaN(time) || !body.startsWith('] "', timeStart + TIME_LENGTH)) return false;
  const afterRequest = readQuoted(body, requestQuote);
  if (afterRequest >= body.length || body.charCodeAt(afterRequest) !== 32) return false;
  const requestStart = quoted.start;
  const requestEnd = quoted.end;
  const statusStart = afterRequest + 1;
  const status = readUint(body, statusStart, statusStart + 3);
  if (status < 100 || status > 999 || body.charCodeAt(statusStart + 3) !== 32) return false;
  let bytesEnd = statusStart + 4;
  while (bytesEnd < body.length && body.charCodeAt(bytesEnd) !== 32) bytesEnd++;
  const bytes = readUint(body, statusStart + 4, bytesEnd);

  const client = count === 4 ? 1 : 0;
  setSource(event, token(body, client));
  if (count === 4) {
    // `%v:%p`: the virtual host name, then the port.
    const vhost = token(body, 0);
    const colon = vhost.indexOf(':');
    (event.url ??= {}).domain = colon > 0 ? vhost.slice(0, colon) : vhost;
  }
  if (!isDash(body, client + 2)) setUserName(event, token(body, client + 2));
  setBodyTimestamp(event, msg.timestamp, time);
  readRequestLine(event, body, requestStart, requestEnd);
  const http = (event.http ??= {});
  http.response = bytes >= 0 ? { status_code: status, body: { bytes } } : { status_code: status };
  if (bytesEnd + 1 < body.length) {
    const afterReferrer = readQuoted(body, bytesEnd + 1);
    if (afterReferrer >= 0) {
      if (!isDashField(body) && quoted.end > quoted.start) (http.request ??= {}).referrer = body.slice(quoted.start, quoted.end);
      if (afterReferrer < body.length && readQuoted(body, afterReferrer + 1) >= 0 && !isDashField(body) && quoted.end > quoted.start) {
        event.user_agent = { original: body.slice(quoted.start, quoted.end) };
      }
    }
  }
  classify(event, ACTIONS.httpRequest, ['web'], ['access'], status >= 400 ? 'failure' : 'success');
  setDataset(event, dataset);
  return true;
}
