/**
 * parseSyslog: one message (a UDP datagram, a TCP frame or a line of a log file) -> SyslogMessage.
 * Never throws. Hand-written scanning with charCodeAt, no regular expressions, a handful of
 * substrings per message.
 *
 * How the format is chosen:
 * - `<` starts a PRI: 1-3 digits, 0..191, then `>` (leading zeros accepted). Anything else after a
 *   leading `<` is 'invalid' (`<999>x`, `<13`, `<html>`).
 * - After the PRI, `VERSION SP` followed by `-`, a digit, or nothing commits the message to
 *   RFC 5424 (rfc5424.ts): a header that breaks the grammar from there on, or ends early, makes it
 *   'invalid'. `VERSION SP` followed by anything else is BSD content: `<13>1 junk` is 'rfc3164' with
 *   no timestamp and message `1 junk`, while `<13>1 2 3` and `<13>1 ` are 'invalid' RFC 5424.
 * - Any other PRI is RFC 3164 (rfc3164.ts), which always parses: `<13>some text` is 'rfc3164' with
 *   no timestamp and message `some text`.
 * - Without a PRI, a line that starts with a BSD or RFC 3339 timestamp is RFC 3164 as files hold
 *   it (`Dec 10 06:55:46 LabSZ sshd[24200]: ...`); a loghub Thunderbird line is read by
 *   thunderbird.ts, a line of fail2ban's own log file by fail2ban.ts (both 'rfc3164', as if sent
 *   by syslog); anything else (web server logs, `Use the BFG!`) is 'plain'.
 * - An empty message (nothing but CR/LF or a BOM) is 'invalid'.
 *
 * What is kept:
 * - Trailing CR and LF (any mix) are never part of `message`; a BOM at the very start of the input
 *   (first line of a file) or at the start of MSG/CONTENT is dropped, and so is whitespace leading
 *   MSG/CONTENT (rsyslog's RFC 5424 relay of a local BSD message reads `- -  Failed ...`).
 * - 'plain' and 'invalid' keep the whole input, minus those, as `message`. 'invalid' also keeps
 *   `priority` when the PRI itself was valid, and nothing else.
 * - Every result has all SyslogMessage keys, unset ones holding undefined, so all results share
 *   one object shape and the code reading them stays monomorphic.
 * - RFC 3164 times and RFC 3339 times without an offset are read in `opts.timeZone` (an unknown
 *   zone acts as UTC; check it with isValidTimeZone from time-zone.ts); a non-finite `opts.now`
 *   falls back to the clock.
 */
import { isDigit } from './chars.js';
import type { ParseOptions, SyslogFormat, SyslogMessage } from './message.js';
import { endWithoutLineBreak, skipBom } from './message-text.js';
import { MAX_PRIORITY } from './priority.js';
import { parseRfc3164 } from './rfc3164.js';
import { looksLikeRfc5424, parseRfc5424 } from './rfc5424.js';
import { parseFail2ban } from './fail2ban.js';
import { parseThunderbird } from './thunderbird.js';
import { createTimestampSlot } from './timestamp-slot.js';

export { priorityParts } from './priority.js';
export type { PriorityParts } from './priority.js';

/** `parseError` of a message that hit a parser bug (caught, never thrown); tests assert it never shows. */
export const INTERNAL_PARSE_ERROR = 'internal parser error';

const slot = createTimestampSlot();

function newMessage(format: SyslogFormat, message: string): SyslogMessage {
  return {
    format,
    priority: undefined,
    version: undefined,
    timestamp: undefined,
    yearInferred: undefined,
    hostname: undefined,
    appName: undefined,
    procId: undefined,
    msgId: undefined,
    structuredData: undefined,
    structuredDataTruncated: undefined,
    message,
    parseError: undefined,
  };
}

function invalidMessage(message: string, priority: number | undefined, parseError: string): SyslogMessage {
  const msg = newMessage('invalid', message);
  msg.priority = priority;
  msg.parseError = parseError;
  return msg;
}

/**
 * Index after the PRI starting with `<` at `pos`, with `msg.priority` set; or -1 with
 * `msg.parseError` set.
 */
function readPriority(text: string, pos: number, end: number, msg: SyslogMessage): number {
  let p = pos + 1;
  let priority = 0;
  while (p < end && p - pos <= 4 && isDigit(text.charCodeAt(p))) {
    priority = priority * 10 + (text.charCodeAt(p) - 48);
    p++;
  }
  const digits = p - pos - 1;
  if (digits === 0) msg.parseError = 'PRI has no digits';
  else if (digits > 3 || priority > MAX_PRIORITY) msg.parseError = 'PRI out of range';
  else if (p >= end || text.charCodeAt(p) !== 62 /* > */) msg.parseError = 'PRI not closed';
  else {
    msg.priority = priority;
    return p + 1;
  }
  return -1;
}

function parseMessage(text: string, opts: ParseOptions): SyslogMessage {
  const end = endWithoutLineBreak(text);
  const start = skipBom(text, 0, end);
  if (start >= end) return invalidMessage('', undefined, 'empty message');
  const msg = newMessage('rfc3164', '');
  if (text.charCodeAt(start) === 60 /* < */) {
    const afterPriority = readPriority(text, start, end, msg);
    if (afterPriority < 0) return invalidMessage(text.slice(start, end), undefined, msg.parseError as string);
    if (looksLikeRfc5424(text, afterPriority, end)) {
      msg.format = 'rfc5424';
      if (parseRfc5424(text, afterPriority, end, opts, msg, slot)) return msg;
      return invalidMessage(text.slice(start, end), msg.priority, msg.parseError as string);
    }
    parseRfc3164(text, afterPriority, end, opts, msg, slot, false);
    return msg;
  }
  if (parseRfc3164(text, start, end, opts, msg, slot, true)) return msg;
  if (parseThunderbird(text, start, end, opts, msg, slot)) return msg;
  if (parseFail2ban(text, start, end, opts, msg)) return msg;
  msg.format = 'plain';
  msg.message = text.slice(start, end);
  return msg;
}

/** Parses one syslog message or log line. Never throws; see the top of this file for the rules. */
export function parseSyslog(text: string, opts: ParseOptions): SyslogMessage {
  try {
    return parseMessage(text, opts);
  } catch {
    // Only a bug can land here; the robustness test makes sure none does.
    return invalidMessage(typeof text === 'string' ? text : '', undefined, INTERNAL_PARSE_ERROR);
  }
}
