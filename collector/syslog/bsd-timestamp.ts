/**
 * BSD syslog timestamps (RFC 3164 `Mmm dd hh:mm:ss`) as real senders write them:
 * - day space-padded (`Oct  1`), zero-padded (`Oct 01`) or bare (`Oct 1`);
 * - month names in any letter case;
 * - an optional year before the time (`Oct 11 2026 22:14:15`, Cisco-like senders), which is then
 *   used instead of inferring one;
 * - an optional fraction after the seconds (`22:14:15.123`), kept to milliseconds.
 *
 * The time is wall-clock time in `opts.timeZone`. Without a year, the year is the current one in
 * that zone at `opts.now`, or the previous one when that would put the message more than a day in
 * the future (a December message read in early January). A 29 February goes to the latest leap
 * year not after the inferred one.
 */
import { daysFromCivil, daysInMonth, isLeapYear, MS_PER_DAY, MS_PER_HOUR, yearFromDays } from './calendar.js';
import { isDigit, readFixedDigits, SPACE } from './chars.js';
import type { ParseOptions } from './message.js';
import { localTimeToUtc, utcOffsetAt } from './time-zone.js';
import type { TimestampSlot } from './timestamp-slot.js';

/** Month number (1-12) of a three-letter English month name in any case, or 0. */
function monthAt(text: string, pos: number): number {
  const c0 = text.charCodeAt(pos) | 32;
  const c1 = text.charCodeAt(pos + 1) | 32;
  const c2 = text.charCodeAt(pos + 2) | 32;
  // Lower-case letters only; `| 32` never maps a non-letter onto one.
  if (c0 > 122 || c1 > 122 || c2 > 122) return 0;
  switch ((c0 << 16) | (c1 << 8) | c2) {
    case 0x6a616e:
      return 1; // jan
    case 0x666562:
      return 2; // feb
    case 0x6d6172:
      return 3; // mar
    case 0x617072:
      return 4; // apr
    case 0x6d6179:
      return 5; // may
    case 0x6a756e:
      return 6; // jun
    case 0x6a756c:
      return 7; // jul
    case 0x617567:
      return 8; // aug
    case 0x736570:
      return 9; // sep
    case 0x6f6374:
      return 10; // oct
    case 0x6e6f76:
      return 11; // nov
    case 0x646563:
      return 12; // dec
    default:
      return 0;
  }
}

/**
 * Reads a BSD timestamp at `pos`; returns the index just after it and fills `slot`, or -1 (slot
 * untouched). The caller checks what follows (SP or end of message).
 */
export function readBsdTimestamp(text: string, pos: number, end: number, opts: ParseOptions, slot: TimestampSlot): number {
  // Shortest form: `Oct 1 22:14:15`.
  if (pos + 14 > end) return -1;
  const month = monthAt(text, pos);
  if (month === 0 || text.charCodeAt(pos + 3) !== SPACE) return -1;
  let p = pos + 4;
  if (text.charCodeAt(p) === SPACE) p++; // space-padded day
  const firstDayDigit = text.charCodeAt(p);
  if (!isDigit(firstDayDigit)) return -1;
  let day = firstDayDigit - 48;
  p++;
  if (isDigit(text.charCodeAt(p))) {
    day = day * 10 + (text.charCodeAt(p) - 48);
    p++;
  }
  if (text.charCodeAt(p) !== SPACE) return -1;
  p++;
  let year = -1;
  if (p + 4 < end && text.charCodeAt(p + 4) === SPACE) {
    year = readFixedDigits(text, p, 4, end);
    if (year < 0) return -1;
    p += 5;
  }
  const hour = readFixedDigits(text, p, 2, end);
  const minute = readFixedDigits(text, p + 3, 2, end);
  const second = readFixedDigits(text, p + 6, 2, end);
  if (
    hour < 0 ||
    hour > 23 ||
    text.charCodeAt(p + 2) !== 58 /* : */ ||
    minute < 0 ||
    minute > 59 ||
    text.charCodeAt(p + 5) !== 58 /* : */ ||
    second < 0 ||
    second > 60 ||
    day < 1 ||
    day > daysInMonth(year < 0 ? 2000 : year, month) // 2000: leap, allows 29 Feb
  ) {
    return -1;
  }
  p += 8;
  let millisecond = 0;
  if (p + 1 < end && text.charCodeAt(p) === 46 /* . */ && isDigit(text.charCodeAt(p + 1))) {
    const fractionStart = ++p;
    while (p < end && isDigit(text.charCodeAt(p))) {
      if (p - fractionStart < 3) millisecond = millisecond * 10 + (text.charCodeAt(p) - 48);
      p++;
    }
    const digits = p - fractionStart;
    if (digits === 1) millisecond *= 100;
    else if (digits === 2) millisecond *= 10;
  }
  const timeOfDay = hour * MS_PER_HOUR + minute * 60_000 + second * 1000 + millisecond;
  slot.yearInferred = year < 0;
  if (year >= 0) {
    slot.epochMs = localTimeToUtc(opts.timeZone, daysFromCivil(year, month, day) * MS_PER_DAY + timeOfDay);
    return p;
  }
  const now = Number.isFinite(opts.now) ? opts.now : Date.now();
  year = yearFromDays(Math.floor((now + utcOffsetAt(opts.timeZone, now)) / MS_PER_DAY));
  slot.epochMs = inferredYearEpochMs(year, month, day, timeOfDay, opts.timeZone);
  if (slot.epochMs > now + MS_PER_DAY) {
    slot.epochMs = inferredYearEpochMs(year - 1, month, day, timeOfDay, opts.timeZone);
  }
  return p;
}

function inferredYearEpochMs(year: number, month: number, day: number, timeOfDay: number, timeZone: string): number {
  if (month === 2 && day === 29) {
    while (!isLeapYear(year)) year--;
  }
  return localTimeToUtc(timeZone, daysFromCivil(year, month, day) * MS_PER_DAY + timeOfDay);
}
