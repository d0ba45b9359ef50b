/**
 * nginx's `combined` access-log line, as nginx sends it to syslog (`access_log syslog:...`, tag
 * `nginx`, no PID): `$remote_addr - $remote_user [$time_local] "$request" $status
 * $body_bytes_sent "$http_referer" "$http_user_agent"`.
 */

import { utcOffsetSuffix } from '../syslog-line.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface AccessLogEntry {
  clientIp: string;
  /** Epoch seconds of the request. */
  time: number;
  /** The request line as the client sent it, e.g. `GET /index.html HTTP/1.1`. */
  request: string;
  status: number;
  bytes: number;
  referer: string;
  userAgent: string;
  /** The server's zone offset, which `$time_local` is written in; default 0 (UTC). */
  utcOffsetMinutes?: number;
}

const twoDigits = (value: number): string => String(value).padStart(2, '0');

/** `02/Nov/2026:09:14:03 +0000` (nginx `$time_local`, Apache `%t` without brackets). */
export function timeLocal(epochSeconds: number, offsetMinutes = 0): string {
  const date = new Date((epochSeconds + offsetMinutes * 60) * 1000);
  return (
    `${twoDigits(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())} ${utcOffsetSuffix(offsetMinutes, false)}`
  );
}

/** nginx's default log escaping: `"`, `\`, control and non-ASCII bytes become `\xHH`. */
function escapeField(value: string): string {
  return value.replace(/["\\\x00-\x1f\x7f-\xff]/g, (char) => `\\x${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

export function accessLogLine(entry: AccessLogEntry): string {
  return (
    `${entry.clientIp} - - [${timeLocal(entry.time, entry.utcOffsetMinutes)}] "${escapeField(entry.request)}" ${entry.status} ${entry.bytes} ` +
    `"${escapeField(entry.referer)}" "${escapeField(entry.userAgent)}"`
  );
}
