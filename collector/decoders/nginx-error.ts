/**
 * nginx error log lines:
 * `yyyy/mm/dd HH:MM:SS [LEVEL] PID#TID: [*CID ]MESSAGE[, client: IP, server: S, request: "R", ..., host: "H"]`
 */
import type { EcsEvent } from '../ecs/event.js';
import type { SyslogMessage } from '../syslog/message.js';
import type { DecodeOptions } from './decoder.js';
import { DATASETS, setDataset, setSource } from './fields.js';
import { readRequestLine } from './http-request.js';
import { indexAfterQuoted, readUint, skipDigits } from './scan.js';
import { classifyNginxMessage, isErrorLevel } from './web-error-message.js';
import { readNginxErrorTime, setBodyTimestamp } from './web-time.js';

const MAX_LEVEL_LENGTH = 8;

/** Index of `, client: ` outside double quotes (the message may quote client-chosen paths), or -1. */
function clientFieldAt(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 34) {
      const after = indexAfterQuoted(text, i + 1);
      if (after < 0) return -1;
      i = after - 1;
    } else if (code === 44 && text.startsWith(', client: ', i)) return i;
  }
  return -1;
}

/** Reads `client: IP, server: S, request: "R"[, ...], host: "H"` from `pos` (just after `client: `). */
function readContext(body: string, pos: number, event: EcsEvent): void {
  let clientEnd = body.indexOf(',', pos);
  if (clientEnd < 0) clientEnd = body.length;
  setSource(event, body.slice(pos, clientEnd));
  const requestAt = body.indexOf(', request: "', clientEnd);
  let after = clientEnd;
  if (requestAt >= 0) {
    const requestEnd = indexAfterQuoted(body, requestAt + 12);
    if (requestEnd < 0) return;
    readRequestLine(event, body, requestAt + 12, requestEnd - 1);
    after = requestEnd;
  }
  const hostAt = body.indexOf(', host: "', after);
  if (hostAt >= 0) {
    const hostEnd = indexAfterQuoted(body, hostAt + 9);
    if (hostEnd > hostAt + 10) (event.url ??= {}).domain = body.slice(hostAt + 9, hostEnd - 1);
  }
}

export function decodeNginxError(body: string, event: EcsEvent, msg: SyslogMessage, options: DecodeOptions): boolean {
  const time = readNginxErrorTime(body, options.timeZone);
  if (Number.isNaN(time) || body.charCodeAt(19) !== 32 || body.charCodeAt(20) !== 91) return false;
  const levelEnd = body.indexOf('] ', 21);
  if (levelEnd < 0 || levelEnd - 21 > MAX_LEVEL_LENGTH) return false;
  const pidEnd = skipDigits(body, levelEnd + 2);
  const pid = readUint(body, levelEnd + 2, pidEnd);
  if (pid < 0 || body.charCodeAt(pidEnd) !== 35 /* # */) return false;
  let messageStart = body.indexOf(': ', pidEnd);
  if (messageStart < 0) return false;
  messageStart += 2;
  if (body.charCodeAt(messageStart) === 42 /* * */) messageStart = skipDigits(body, messageStart + 1) + 1;

  const level = body.slice(21, levelEnd);
  event.log.level = level;
  setBodyTimestamp(event, msg.timestamp, time);
  const process = (event.process ??= {});
  process.pid ??= pid;
  const clientAt = clientFieldAt(body, messageStart);
  const messageEnd = clientAt < 0 ? body.length : clientAt;
  if (clientAt >= 0) readContext(body, clientAt + 10, event);
  const error = isErrorLevel(level);
  if (error) event.error = { message: body.slice(messageStart, messageEnd) };
  if (!classifyNginxMessage(event, body, messageStart, messageEnd)) {
    event.event.category = ['web'];
    event.event.type = [error ? 'error' : 'info'];
  }
  setDataset(event, DATASETS.nginxError);
  return true;
}
