/**
 * RFC 3339 timestamps as RFC 5424 (and rsyslog's high-precision RFC 3164 variant) carry them:
 * `2003-08-24T05:14:15.000003-07:00`.
 *
 * Fractions have 1-6 digits, as RFC 5424 says (its example of an invalid TIMESTAMP has 9); the
 * result keeps milliseconds, truncated. Beyond RFC 5424's grammar, on purpose: lower-case `t`/`z`,
 * `+hhmm` without the colon, and no offset at all, read as wall-clock time in the configured zone.
 * A leap second (:60) counts as the first second of the next minute.
 */
import { civilToEpochMs, daysInMonth, MS_PER_HOUR } from './calendar.js';
import { isDigit, readFixedDigits } from './chars.js';
import { localTimeToUtc } from './time-zone.js';
import type { TimestampSlot } from './timestamp-slot.js';

/** `YYYY-MM-DDTHH:MM:SS`, the shortest form read. */
const MIN_LENGTH = 19;
const MAX_FRACTION_DIGITS = 6;

/**
 * Wall-clock epoch ms (as if UTC) of `YYYY-MM-DD?hh:mm:ss` at `pos`, whatever character stands at
 * `?` (the caller checks it), or NaN when the fields are missing or out of range. A leap second
 * (:60) counts as the first second of the next minute.
 */
export function readDateTime(text: string, pos: number, end: number): number {
  if (pos + MIN_LENGTH > end) return Number.NaN;
  const year = readFixedDigits(text, pos, 4, end);
  const month = readFixedDigits(text, pos + 5, 2, end);
  const day = readFixedDigits(text, pos + 8, 2, end);
  const hour = readFixedDigits(text, pos + 11, 2, end);
  const minute = readFixedDigits(text, pos + 14, 2, end);
  const second = readFixedDigits(text, pos + 17, 2, end);
  if (
    year < 0 ||
    text.charCodeAt(pos + 4) !== 45 /* - */ ||
    month < 1 ||
    month > 12 ||
    text.charCodeAt(pos + 7) !== 45 /* - */ ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour < 0 ||
    hour > 23 ||
    text.charCodeAt(pos + 13) !== 58 /* : */ ||
    minute < 0 ||
    minute > 59 ||
    text.charCodeAt(pos + 16) !== 58 /* : */ ||
    second < 0 ||
    second > 60
  ) {
    return Number.NaN;
  }
  return civilToEpochMs(year, month, day, hour, minute, second, 0);
}

/**
 * Reads a timestamp at `pos`; returns the index just after it and fills `slot`, or returns -1
 * (slot untouched) when no valid timestamp starts there.
 */
export function readRfc3339(text: string, pos: number, end: number, timeZone: string, slot: TimestampSlot): number {
  const wholeSeconds = readDateTime(text, pos, end);
  const separator = text.charCodeAt(pos + 10);
  if (Number.isNaN(wholeSeconds) || (separator !== 84 /* T */ && separator !== 116) /* t */) return -1;
  let p = pos + MIN_LENGTH;
  let millisecond = 0;
  if (p < end && text.charCodeAt(p) === 46 /* . */) {
    const fractionStart = ++p;
    while (p < end && isDigit(text.charCodeAt(p)) && p - fractionStart < MAX_FRACTION_DIGITS) {
      if (p - fractionStart < 3) millisecond = millisecond * 10 + (text.charCodeAt(p) - 48);
      p++;
    }
    const digits = p - fractionStart;
    if (digits === 0 || (p < end && isDigit(text.charCodeAt(p)))) return -1;
    if (digits === 1) millisecond *= 100;
    else if (digits === 2) millisecond *= 10;
  }
  const wallClock = wholeSeconds + millisecond;
  const zoneMark = p < end ? text.charCodeAt(p) : -1;
  if (zoneMark === 90 /* Z */ || zoneMark === 122 /* z */) {
    slot.epochMs = wallClock;
    p++;
  } else if (zoneMark === 43 /* + */ || zoneMark === 45 /* - */) {
    const offsetHours = readFixedDigits(text, p + 1, 2, end);
    const colon = text.charCodeAt(p + 3) === 58 /* : */ ? 1 : 0;
    const offsetMinutes = readFixedDigits(text, p + 3 + colon, 2, end);
    if (offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59) return -1;
    const offset = offsetHours * MS_PER_HOUR + offsetMinutes * 60_000;
    slot.epochMs = zoneMark === 43 ? wallClock - offset : wallClock + offset;
    p += 5 + colon;
  } else {
    slot.epochMs = localTimeToUtc(timeZone, wallClock);
  }
  slot.yearInferred = false;
  return p;
}
