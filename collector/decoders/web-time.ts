/**
 * Timestamps in web server log bodies, to epoch milliseconds (NaN when malformed):
 * - access logs: `10/Oct/2000:13:55:36 -0700` (strftime `%d/%b/%Y:%H:%M:%S %z`);
 * - Apache error logs: `Sun Dec 04 04:47:44 2005`, `Wed Oct 11 14:32:52.123456 2000` (no zone);
 * - nginx error logs: `2026/11/22 10:00:00` (no zone).
 * Times without a zone are read in the configured zone, as the parser does for RFC 3164.
 */
import { civilToEpochMs } from '../syslog/calendar.js';
import { localTimeToUtc } from '../syslog/time-zone.js';
import { isoString } from './iso-time.js';
import { readUint } from './scan.js';

const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

/** Month 1-12 of the English abbreviation at `pos` (as web servers write it), or 0. */
function monthAt(text: string, pos: number): number {
  const c0 = text.charCodeAt(pos);
  const c1 = text.charCodeAt(pos + 1);
  const c2 = text.charCodeAt(pos + 2);
  for (let month = 0; month < 12; month++) {
    const at = month * 3;
    if (MONTHS.charCodeAt(at) === c0 && MONTHS.charCodeAt(at + 1) === c1 && MONTHS.charCodeAt(at + 2) === c2) return month + 1;
  }
  return 0;
}

function validTime(month: number, day: number, hour: number, minute: number, second: number): boolean {
  return month > 0 && day >= 1 && day <= 31 && hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second <= 60;
}

/** `HH:MM:SS` at `pos` into the three numbers, or false. */
const clock = { hour: 0, minute: 0, second: 0 };
function readClock(text: string, pos: number): boolean {
  if (text.charCodeAt(pos + 2) !== 58 || text.charCodeAt(pos + 5) !== 58) return false;
  clock.hour = readUint(text, pos, pos + 2);
  clock.minute = readUint(text, pos + 3, pos + 5);
  clock.second = readUint(text, pos + 6, pos + 8);
  return clock.hour >= 0 && clock.minute >= 0 && clock.second >= 0;
}

/** `dd/Mon/yyyy:HH:MM:SS +hhmm` at `pos` (26 characters). */
export function readAccessLogTime(text: string, pos: number): number {
  if (text.length < pos + 26 || text.charCodeAt(pos + 2) !== 47 || text.charCodeAt(pos + 6) !== 47) return NaN;
  const day = readUint(text, pos, pos + 2);
  const month = monthAt(text, pos + 3);
  const year = readUint(text, pos + 7, pos + 11);
  if (text.charCodeAt(pos + 11) !== 58 || !readClock(text, pos + 12) || text.charCodeAt(pos + 20) !== 32) return NaN;
  const sign = text.charCodeAt(pos + 21);
  const offsetHours = readUint(text, pos + 22, pos + 24);
  const offsetMinutes = readUint(text, pos + 24, pos + 26);
  if ((sign !== 43 && sign !== 45) || offsetHours < 0 || offsetMinutes < 0 || year < 0) return NaN;
  if (!validTime(month, day, clock.hour, clock.minute, clock.second)) return NaN;
  const offsetMs = (offsetHours * 60 + offsetMinutes) * 60_000 * (sign === 45 ? -1 : 1);
  return civilToEpochMs(year, month, day, clock.hour, clock.minute, clock.second, 0) - offsetMs;
}

/**
 * `Www Mmm dd HH:MM:SS[.ffffff] yyyy` at `pos`, ending at `end` (the closing bracket); local time
 * in `timeZone`.
 */
export function readApacheErrorTime(text: string, pos: number, end: number, timeZone: string): number {
  if (end - pos < 24 || text.charCodeAt(pos + 3) !== 32 || text.charCodeAt(pos + 7) !== 32) return NaN;
  const month = monthAt(text, pos + 4);
  const day = readUint(text, text.charCodeAt(pos + 8) === 32 ? pos + 9 : pos + 8, pos + 10);
  if (text.charCodeAt(pos + 10) !== 32 || !readClock(text, pos + 11)) return NaN;
  let millisecond = 0;
  let p = pos + 19;
  if (text.charCodeAt(p) === 46) {
    const fractionStart = p + 1;
    p = fractionStart;
    while (p < end && text.charCodeAt(p) >= 48 && text.charCodeAt(p) <= 57) p++;
    if (p - fractionStart >= 3) millisecond = readUint(text, fractionStart, fractionStart + 3);
  }
  if (text.charCodeAt(p) !== 32 || end - p !== 5) return NaN;
  const year = readUint(text, p + 1, end);
  if (year < 0 || !validTime(month, day, clock.hour, clock.minute, clock.second)) return NaN;
  return localTimeToUtc(timeZone, civilToEpochMs(year, month, day, clock.hour, clock.minute, clock.second, millisecond));
}

/** `yyyy/mm/dd HH:MM:SS` at 0 (19 characters); local time in `timeZone`. */
export function readNginxErrorTime(text: string, timeZone: string): number {
  if (text.length < 19 || text.charCodeAt(4) !== 47 || text.charCodeAt(7) !== 47 || text.charCodeAt(10) !== 32) return NaN;
  const year = readUint(text, 0, 4);
  const month = readUint(text, 5, 7);
  const day = readUint(text, 8, 10);
  if (year < 0 || month < 1 || month > 12 || !readClock(text, 11)) return NaN;
  if (!validTime(month, day, clock.hour, clock.minute, clock.second)) return NaN;
  return localTimeToUtc(timeZone, civilToEpochMs(year, month, day, clock.hour, clock.minute, clock.second, 0));
}

/** Sets `@timestamp` from a body time when the message had no header time (a plain file line). */
export function setBodyTimestamp(event: { '@timestamp': string }, headerTime: number | undefined, epochMs: number): void {
  if (headerTime !== undefined) return;
  const iso = isoString(epochMs);
  if (iso.length > 0) event['@timestamp'] = iso;
}
