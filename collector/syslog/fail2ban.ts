/**
 * Lines of fail2ban's own log file (`logtarget = /var/log/fail2ban.log`, the default), which
 * Python's logging writes as `%(asctime)s %(name)-24s[%(process)d]: %(levelname)-7s %(message)s`:
 * `2020-08-16 03:28:37,986 fail2ban.filter         [28143]: INFO    [sshd] Found 192.0.2.7 - ...`.
 *
 * The time carries no zone and is read in `opts.timeZone`, as RFC 3164 times are; the logger name
 * becomes the APP-NAME and the PID the PROCID, exactly what fail2ban puts in the tag when it logs
 * through syslog (`fail2ban.filter[28143]: INFO [sshd] Found ...`), so both reach the same decoder.
 * There is no host name. The level stays at the start of the message, where the decoder reads it.
 */
import { readFixedDigits, SPACE } from './chars.js';
import type { ParseOptions, SyslogMessage } from './message.js';
import { messageText } from './message-text.js';
import { readDateTime } from './rfc3339.js';
import { localTimeToUtc } from './time-zone.js';

/** `YYYY-MM-DD HH:MM:SS,mmm` */
const TIME_LENGTH = 23;
/** Logger names (`fail2ban.actions`) are short; padding makes the gap to `[` at most 24 wide. */
const MAX_NAME_LENGTH = 64;
const MAX_PID_DIGITS = 10;

/** Epoch ms of `YYYY-MM-DD HH:MM:SS,mmm` at `pos` read in `timeZone`, or NaN. */
function readTime(text: string, pos: number, end: number, timeZone: string): number {
  const wholeSeconds = readDateTime(text, pos, end);
  const millisecond = readFixedDigits(text, pos + 20, 3, end);
  const separators = text.charCodeAt(pos + 10) === SPACE && text.charCodeAt(pos + 19) === 44; /* , */
  if (Number.isNaN(wholeSeconds) || millisecond < 0 || !separators) return Number.NaN;
  return localTimeToUtc(timeZone, wholeSeconds + millisecond);
}

/** Fills `msg` and returns true when the line from `pos` is a fail2ban log line; else false, `msg` untouched. */
export function parseFail2ban(text: string, pos: number, end: number, opts: ParseOptions, msg: SyslogMessage): boolean {
  const time = readTime(text, pos, end, opts.timeZone);
  if (Number.isNaN(time) || text.charCodeAt(pos + TIME_LENGTH) !== SPACE) return false;
  const nameStart = pos + TIME_LENGTH + 1;
  let nameEnd = nameStart;
  while (nameEnd < end && nameEnd - nameStart <= MAX_NAME_LENGTH) {
    const code = text.charCodeAt(nameEnd);
    if (code === SPACE || code === 91 /* [ */) break;
    nameEnd++;
  }
  if (nameEnd === nameStart || nameEnd - nameStart > MAX_NAME_LENGTH) return false;
  let open = nameEnd;
  while (open < end && text.charCodeAt(open) === SPACE && open - nameEnd < MAX_NAME_LENGTH) open++;
  if (text.charCodeAt(open) !== 91) return false;
  let close = open + 1;
  while (close < end && close - open <= MAX_PID_DIGITS) {
    const code = text.charCodeAt(close);
    if (code < 48 || code > 57) break;
    close++;
  }
  if (close === open + 1 || text.charCodeAt(close) !== 93 /* ] */ || text.charCodeAt(close + 1) !== 58 /* : */) return false;
  msg.timestamp = time;
  msg.yearInferred = false;
  msg.appName = text.slice(nameStart, nameEnd);
  msg.procId = text.slice(open + 1, close);
  msg.message = messageText(text, close + 2, end);
  return true;
}
