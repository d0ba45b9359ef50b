/**
 * Lines as rsyslog writes them to files with its default high-precision template
 * (RSYSLOG_FileFormat): `TIMESTAMP HOSTNAME TAG: MSG`, the timestamp in RFC 3339 with microseconds.
 */
import { MICROS_PER_SECOND } from './clock.js';

const twoDigits = (value: number): string => (value < 10 ? `0${value}` : String(value));

/** `2026-11-02T09:14:03.123456+00:00` for a time in epoch microseconds. */
export function formatRfc3339Micros(time: number): string {
  const wholeSeconds = Math.floor(time / MICROS_PER_SECOND);
  const micros = time - wholeSeconds * MICROS_PER_SECOND;
  const date = new Date(wholeSeconds * 1000);
  return (
    `${date.getUTCFullYear()}-${twoDigits(date.getUTCMonth() + 1)}-${twoDigits(date.getUTCDate())}` +
    `T${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())}` +
    `.${String(micros).padStart(6, '0')}+00:00`
  );
}

/** The syslog tag: `program[pid]`, or `program` for senders that log without a PID (sudo, kernel, nginx). */
export function syslogTag(program: string, pid?: number): string {
  return pid === undefined ? program : `${program}[${pid}]`;
}

export function syslogLine(time: number, hostname: string, tag: string, message: string): string {
  return `${formatRfc3339Micros(time)} ${hostname} ${tag}: ${message}`;
}
