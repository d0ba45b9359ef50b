/**
 * nginx's `combined` access-log line, as nginx sends it to syslog (`access_log syslog:...`, tag
 * `nginx`, no PID): `$remote_addr - $remote_user [$time_local] "$request" $status
 * $body_bytes_sent "$http_referer" "$http_user_agent"`.
 */

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
}

const twoDigits = (value: number): string => String(value).padStart(2, '0');

/** `02/Nov/2026:09:14:03 +0000` */
export function timeLocal(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  return (
    `${twoDigits(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())} +0000`
  );
}

/** nginx's default log escaping: `"`, `\`, control and non-ASCII bytes become `\xHH`. */
function escapeField(value: string): string {
  return value.replace(/["\\\x00-\x1f\x7f-\xff]/g, (char) => `\\x${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

export function accessLogLine(entry: AccessLogEntry): string {
  return (
    `${entry.clientIp} - - [${timeLocal(entry.time)}] "${escapeField(entry.request)}" ${entry.status} ${entry.bytes} ` +
    `"${escapeField(entry.referer)}" "${escapeField(entry.userAgent)}"`
  );
}
