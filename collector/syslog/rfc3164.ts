/**
 * BSD syslog (RFC 3164) as senders write it: `[<PRI>][TIMESTAMP SP [HOSTNAME SP]][TAG[[PID]]:] CONTENT`.
 *
 * - TIMESTAMP: a BSD timestamp (bsd-timestamp.ts) or an RFC 3339 one (rsyslog's high-precision
 *   format, rfc3339.ts), followed by SP or the end of the message. Anything else is no timestamp.
 * - HOSTNAME vs TAG: HOSTNAME is optional, so the first word after the timestamp is the TAG when it
 *   ends with `:` or holds a `[` (`su:`, `sshd[42]:`), else the HOSTNAME. Without a timestamp there
 *   is no HOSTNAME (as a relay does in RFC 3164 section 4.3.2, all of it is content).
 * - TAG: characters up to `:` or `[`, no SP, at most MAX_TAG_LENGTH. `tag:`, `tag[pid]:` and
 *   `tag[pid]` followed by SP are taken; parentheses and slashes are part of the tag
 *   (`sshd(pam_unix)[19939]:`, `/usr/sbin/cron[42]:`), and a `:` inside parentheses does not end
 *   it (kernel lines such as `audit(1131538222.234:0): initialized`). A first word that is none of
 *   these (RFC 3164's `Use the BFG!`, `-- MARK --`, `syslogd 1.4.1: restart.`) is content, with no
 *   appName.
 * - CONTENT: after the tag's `:`; leading SP/HT and a BOM are dropped (message-text.ts).
 */
import { indexOfSpace, isDigit, SPACE } from './chars.js';
import { readBsdTimestamp } from './bsd-timestamp.js';
import type { ParseOptions, SyslogMessage } from './message.js';
import { messageText } from './message-text.js';
import { readRfc3339 } from './rfc3339.js';
import type { TimestampSlot } from './timestamp-slot.js';

/** Longer first words are content, not a tag (real tags, paths included, stay well below). */
const MAX_TAG_LENGTH = 256;
const MAX_PID_LENGTH = 128;
const COLON = 58;
const OPEN_PARENTHESIS = 40;
const CLOSE_PARENTHESIS = 41;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

function skipSpaces(text: string, pos: number, end: number): number {
  while (pos < end && text.charCodeAt(pos) === SPACE) pos++;
  return pos;
}

/**
 * Reads a TAG at `pos` and sets `msg.appName`, `msg.procId` and `msg.message` (CONTENT); without a
 * recognisable tag, the whole text from `pos` is the content.
 */
export function readTagAndContent(text: string, pos: number, end: number, msg: SyslogMessage): void {
  let tagEnd = pos;
  let code = -1;
  let parenthesisDepth = 0;
  while (tagEnd < end) {
    code = text.charCodeAt(tagEnd);
    if (code <= SPACE) break;
    if (code === OPEN_PARENTHESIS) parenthesisDepth++;
    else if (code === CLOSE_PARENTHESIS && parenthesisDepth > 0) parenthesisDepth--;
    else if (parenthesisDepth === 0 && (code === COLON || code === OPEN_BRACKET)) break;
    tagEnd++;
  }
  let contentStart = pos;
  if (tagEnd > pos && tagEnd < end && tagEnd - pos <= MAX_TAG_LENGTH) {
    if (code === COLON) {
      msg.appName = text.slice(pos, tagEnd);
      contentStart = tagEnd + 1;
    } else if (code === OPEN_BRACKET) {
      const pidStart = tagEnd + 1;
      let pidEnd = pidStart;
      while (pidEnd < end && pidEnd - pidStart <= MAX_PID_LENGTH) {
        const pidCode = text.charCodeAt(pidEnd);
        if (pidCode === CLOSE_BRACKET || pidCode <= SPACE) break;
        pidEnd++;
      }
      const next = pidEnd + 1 < end ? text.charCodeAt(pidEnd + 1) : -1;
      if (pidEnd < end && text.charCodeAt(pidEnd) === CLOSE_BRACKET && (next === COLON || next === SPACE || next < 0)) {
        msg.appName = text.slice(pos, tagEnd);
        if (pidEnd > pidStart) msg.procId = text.slice(pidStart, pidEnd);
        contentStart = next === COLON ? pidEnd + 2 : pidEnd + 1;
      }
    }
  }
  msg.message = messageText(text, contentStart, end);
}

/** Index after a timestamp at `pos` followed by SP or the end, filling `slot`; else -1. */
function readTimestamp(text: string, pos: number, end: number, opts: ParseOptions, slot: TimestampSlot): number {
  const stop = isDigit(text.charCodeAt(pos))
    ? readRfc3339(text, pos, end, opts.timeZone, slot)
    : readBsdTimestamp(text, pos, end, opts, slot);
  return stop >= 0 && (stop === end || text.charCodeAt(stop) === SPACE) ? stop : -1;
}

/**
 * Parses from just after the PRI (or the start of a PRI-less line) into `msg`. Returns false, and
 * leaves `msg` untouched, when `requireTimestamp` is set and no timestamp starts at `pos`.
 */
export function parseRfc3164(
  text: string,
  pos: number,
  end: number,
  opts: ParseOptions,
  msg: SyslogMessage,
  slot: TimestampSlot,
  requireTimestamp: boolean,
): boolean {
  const timestampEnd = readTimestamp(text, pos, end, opts, slot);
  if (timestampEnd < 0) {
    if (requireTimestamp) return false;
    readTagAndContent(text, pos, end, msg);
    return true;
  }
  msg.timestamp = slot.epochMs;
  msg.yearInferred = slot.yearInferred;
  let p = skipSpaces(text, timestampEnd, end);
  const wordEnd = indexOfSpace(text, p, end);
  if (wordEnd > p && text.charCodeAt(wordEnd - 1) !== COLON && !hasOpenBracket(text, p, wordEnd)) {
    msg.hostname = text.slice(p, wordEnd);
    p = skipSpaces(text, wordEnd, end);
  }
  readTagAndContent(text, p, end, msg);
  return true;
}

function hasOpenBracket(text: string, pos: number, end: number): boolean {
  for (let i = pos; i < end; i++) if (text.charCodeAt(i) === OPEN_BRACKET) return true;
  return false;
}
