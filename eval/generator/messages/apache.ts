/**
 * Apache's access-log line in Debian's `vhost_combined` format (`%v:%p %h %l %u %t "%r" %>s %O
 * "%{Referer}i" "%{User-Agent}i"`), the format of `other_vhosts_access.log`, and the requests
 * Apache makes to itself ("internal dummy connection") when it recycles its worker processes.
 */
import { timeLocal } from './nginx.js';

export interface VhostAccessLogEntry {
  /** `ServerName` of the virtual host that answered, and the port it listens on. */
  vhost: string;
  port: number;
  clientIp: string;
  /** Epoch seconds of the request. */
  time: number;
  utcOffsetMinutes: number;
  request: string;
  status: number;
  /** `%O`: bytes sent, headers included (so never 0 for an answered request). */
  bytes: number;
  referer: string;
  userAgent: string;
}

const NAMED_ESCAPES: Record<string, string> = { '\b': '\\b', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };

/** ap_escape_logitem: `"` and `\` get a backslash, other control and non-ASCII bytes `\xhh`. */
function escapeItem(value: string): string {
  return value.replace(/["\\\x00-\x1f\x7f-\xff]/g, (char) => {
    if (char === '"' || char === '\\') return `\\${char}`;
    return NAMED_ESCAPES[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

export function vhostCombinedLine(entry: VhostAccessLogEntry): string {
  return (
    `${entry.vhost}:${entry.port} ${entry.clientIp} - - [${timeLocal(entry.time, entry.utcOffsetMinutes)}] ` +
    `"${escapeItem(entry.request)}" ${entry.status} ${entry.bytes} "${escapeItem(entry.referer)}" "${escapeItem(entry.userAgent)}"`
  );
}

/** What a worker's request to its own listener looks like (`OPTIONS *` from the loopback address). */
export function dummyConnection(
  serverVersion: string,
): Pick<VhostAccessLogEntry, 'clientIp' | 'request' | 'status' | 'bytes' | 'referer' | 'userAgent'> {
  return {
    clientIp: '::1',
    request: 'OPTIONS * HTTP/1.0',
    status: 200,
    bytes: 126,
    referer: '-',
    userAgent: `${serverVersion} (internal dummy connection)`,
  };
}
