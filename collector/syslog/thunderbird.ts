/**
 * Lines of loghub's Thunderbird supercomputer log (the shared corpus, loghub/Thunderbird_2k.log):
 * `LABEL EPOCH YYYY.MM.DD NODE Mmm D hh:mm:ss LOCATION TAG[PID]: CONTENT`, e.g.
 * `- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed`.
 *
 * The collector's prefix carries the exact time (EPOCH, seconds) and the node's plain name (NODE),
 * so those become `timestamp` and `hostname`; no year needs inferring. LOCATION (`dn228/dn228`,
 * `src@eadmin1`) and the alert LABEL (`-` = normal) are dataset annotations and are dropped.
 */
import { indexOfSpace, isDigit, readFixedDigits, SPACE } from './chars.js';
import { readBsdTimestamp } from './bsd-timestamp.js';
import type { ParseOptions, SyslogMessage } from './message.js';
import { readTagAndContent } from './rfc3164.js';
import type { TimestampSlot } from './timestamp-slot.js';

const MAX_LABEL_LENGTH = 32;
const MAX_EPOCH_DIGITS = 11;

/** Fills `msg` and returns true when the line from `pos` has the Thunderbird prefix; else false, `msg` untouched. */
export function parseThunderbird(
  text: string,
  pos: number,
  end: number,
  opts: ParseOptions,
  msg: SyslogMessage,
  slot: TimestampSlot,
): boolean {
  let p = indexOfSpace(text, pos, end);
  if (p === pos || p - pos > MAX_LABEL_LENGTH || p >= end) return false;
  p++;
  const epochStart = p;
  let epochSeconds = 0;
  while (p < end && isDigit(text.charCodeAt(p)) && p - epochStart < MAX_EPOCH_DIGITS) {
    epochSeconds = epochSeconds * 10 + (text.charCodeAt(p) - 48);
    p++;
  }
  if (p === epochStart || text.charCodeAt(p) !== SPACE) return false;
  p++;
  // YYYY.MM.DD
  if (
    readFixedDigits(text, p, 4, end) < 0 ||
    text.charCodeAt(p + 4) !== 46 ||
    readFixedDigits(text, p + 5, 2, end) < 0 ||
    text.charCodeAt(p + 7) !== 46 ||
    readFixedDigits(text, p + 8, 2, end) < 0 ||
    text.charCodeAt(p + 10) !== SPACE
  ) {
    return false;
  }
  const nodeStart = p + 11;
  const nodeEnd = indexOfSpace(text, nodeStart, end);
  if (nodeEnd === nodeStart || nodeEnd >= end) return false;
  const timestampEnd = readBsdTimestamp(text, nodeEnd + 1, end, opts, slot);
  if (timestampEnd < 0 || timestampEnd >= end || text.charCodeAt(timestampEnd) !== SPACE) return false;
  const locationEnd = indexOfSpace(text, timestampEnd + 1, end);
  if (locationEnd >= end) return false;
  msg.timestamp = epochSeconds * 1000;
  msg.yearInferred = false;
  msg.hostname = text.slice(nodeStart, nodeEnd);
  readTagAndContent(text, locationEnd + 1, end, msg);
  return true;
}
