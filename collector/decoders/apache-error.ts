/**
 * Apache httpd error log lines, 2.2 and 2.4 style:
 * `[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] MESSAGE`
 * `[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 123:tid 456] [client 1.2.3.4:5678] AH00128: MESSAGE`
 * Through syslog (`ErrorLog syslog:`), httpd leaves the time out; the other fields stay.
 */
import type { EcsEvent } from '../ecs/event.js';
import type { SyslogMessage } from '../syslog/message.js';
import type { DecodeOptions } from './decoder.js';
import { DATASETS, setDataset, setSource } from './fields.js';
import { isIpRange } from './ip.js';
import { hasSpace, readUint, skipDigits } from './scan.js';
import { classifyApacheMessage, isErrorLevel } from './web-error-message.js';
import { readApacheErrorTime, setBodyTimestamp } from './web-time.js';

/** Groups after the time: level, pid, client, remote; more is message text. */
const MAX_GROUPS = 4;
const MAX_LEVEL_LENGTH = 40;

/** `[client ADDR]` with ADDR `ip`, `ip:port` or `ipv6:port` (2.4 appends the port without brackets). */
function setClient(event: EcsEvent, body: string, start: number, end: number): void {
  const colon = body.lastIndexOf(':', end - 1);
  if (colon > start && isIpRange(body, start, colon)) {
    const port = readUint(body, colon + 1, end);
    if (port >= 0) {
      setSource(event, body.slice(start, colon), port);
      return;
    }
  }
  setSource(event, body.slice(start, end));
}

/** `AHnnnnn: ` at `pos`: returns the index after it, or `pos`. */
function skipErrorCode(body: string, pos: number, event: EcsEvent): number {
  if (body.charCodeAt(pos) !== 65 || body.charCodeAt(pos + 1) !== 72) return pos;
  const codeEnd = skipDigits(body, pos + 2);
  if (codeEnd === pos + 2 || !body.startsWith(': ', codeEnd)) return pos;
  event.error = { code: body.slice(pos, codeEnd) };
  return codeEnd + 2;
}

/** Index after the group closing at `close` and the space after it. */
function afterGroup(body: string, close: number): number {
  return body.charCodeAt(close + 1) === 32 ? close + 2 : close + 1;
}

/** `[pid N:tid M]`, `[client ADDR]`, `[remote ADDR]` in `body[start, close)`; false for others. */
function readContextGroup(body: string, start: number, close: number, event: EcsEvent): boolean {
  if (body.startsWith('pid ', start)) {
    const pid = readUint(body, start + 4, skipDigits(body, start + 4));
    if (pid >= 0) (event.process ??= {}).pid ??= pid;
    return true;
  }
  if (body.startsWith('client ', start)) {
    setClient(event, body, start + 7, close);
    return true;
  }
  // `remote` is the peer before mod_remoteip rewrote the client; `client` is the one we want.
  return body.startsWith('remote ', start);
}

/**
 * `requireTime`: plain file lines must start with the time (that is how they are recognised);
 * syslog-forwarded lines from httpd have none.
 */
function decode(body: string, event: EcsEvent, msg: SyslogMessage, options: DecodeOptions, requireTime: boolean): boolean {
  if (body.charCodeAt(0) !== 91) return false;
  let pos = 0;
  const timeClose = body.indexOf(']', 1);
  const time = timeClose < 0 ? Number.NaN : readApacheErrorTime(body, 1, timeClose, options.timeZone);
  if (!Number.isNaN(time)) {
    setBodyTimestamp(event, msg.timestamp, time);
    pos = afterGroup(body, timeClose);
  } else if (requireTime) return false;
  let level = '';
  for (let group = 0; group < MAX_GROUPS && body.charCodeAt(pos) === 91; group++) {
    const start = pos + 1;
    const close = body.indexOf(']', start);
    if (close < 0) break;
    if (!readContextGroup(body, start, close, event)) {
      // `[error]` (2.2) or `[core:error]` (2.4): one short word, before any other group.
      if (level.length > 0 || close - start > MAX_LEVEL_LENGTH || hasSpace(body, start, close)) break;
      const colon = body.indexOf(':', start);
      if (colon > start && colon < close) {
        event.log.logger = body.slice(start, colon);
        level = body.slice(colon + 1, close);
      } else level = body.slice(start, close);
    }
    pos = afterGroup(body, close);
  }
  if (level.length === 0) return false;
  event.log.level = level;
  const messageStart = skipErrorCode(body, pos, event);
  const error = isErrorLevel(level);
  if (error) (event.error ??= {}).message = body.slice(messageStart);
  if (!classifyApacheMessage(event, body, messageStart, body.length)) {
    event.event.category = ['web'];
    event.event.type = [error ? 'error' : 'info'];
  }
  setDataset(event, DATASETS.apacheError);
  return true;
}

/** For plain file lines: only lines that start with the Apache time are taken. */
export function decodeApacheErrorFile(body: string, event: EcsEvent, msg: SyslogMessage, options: DecodeOptions): boolean {
  return decode(body, event, msg, options, true);
}

/** For messages from httpd/apache2 via syslog, with or without the time. */
export function decodeApacheErrorSyslog(body: string, event: EcsEvent, msg: SyslogMessage, options: DecodeOptions): boolean {
  return decode(body, event, msg, options, false);
}
