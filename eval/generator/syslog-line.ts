/**
 * Lines as rsyslog writes them to files with its default high-precision template
 * (RSYSLOG_FileFormat): `TIMESTAMP HOSTNAME TAG: MSG`, the timestamp in RFC 3339 with microseconds.
 */
import { MICROS_PER_SECOND } from './clock.js';

const twoDigits = (value: number): string => (value < 10 ? `0${value}` : String(value));

/** `+05:30`, `-03:00`, `+00:00`: the zone suffix of an RFC 3339 time (`colon` false: `+0530`). */
export function utcOffsetSuffix(offsetMinutes: number, colon = true): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  return `${sign}${twoDigits(Math.floor(absolute / 60))}${colon ? ':' : ''}${twoDigits(absolute % 60)}`;
}

/**
 * `2026-11-02T09:14:03.123456+00:00` for a time in epoch microseconds; with an offset, the local
 * wall-clock time and that offset (`2026-11-02T14:44:03.123456+05:30`), as rsyslog writes a
 * host's local time.
 */
export function formatRfc3339Micros(time: number, offsetMinutes = 0): string {
  const local = time + offsetMinutes * 60 * MICROS_PER_SECOND;
  const wholeSeconds = Math.floor(local / MICROS_PER_SECOND);
  const micros = local - wholeSeconds * MICROS_PER_SECOND;
  const date = new Date(wholeSeconds * 1000);
  return (
    `${date.getUTCFullYear()}-${twoDigits(date.getUTCMonth() + 1)}-${twoDigits(date.getUTCDate())}` +
    `T${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())}` +
    `.${String(micros).padStart(6, '0')}${utcOffsetSuffix(offsetMinutes)}`
  );
}

/** The syslog tag: `program[pid]`, or `program` for senders that log without a PID (sudo, kernel, nginx). */
export function syslogTag(program: string, pid?: number): string {
  return pid === undefined ? program : `${program}[${pid}]`;
}

export function syslogLine(time: number, hostname: string, tag: string, message: string, offsetMinutes = 0): string {
  return `${formatRfc3339Micros(time, offsetMinutes)} ${hostname} ${tag}: ${message}`;
}
