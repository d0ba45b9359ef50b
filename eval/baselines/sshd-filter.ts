/**
 * fail2ban's `sshd` filter (filter.d/sshd.conf of fail2ban 1.0, `mode = normal`) in JavaScript,
 * for rsyslog lines `TIMESTAMP HOST sshd[PID]: MESSAGE`: which lines are authentication failures
 * and for which address. Lines the filter matches only as helpers (`<F-NOFAIL>`: pam_unix's
 * `authentication failure`, `Connection closed`, `Received disconnect ...: 11:`, `Accepted`) are
 * not failures. `<HOST>` is matched as an IP address (our sshd logs addresses, UseDNS no).
 * Forms that carry no address (`Disconnecting: Too many authentication failures`, `... account is
 * locked`) are left out; fail2ban needs an address from an earlier line of the connection there.
 */
import { isIP } from 'node:net';

const IPV4 = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
const IPV6 = String.raw`[0-9A-Fa-f]*:[0-9A-Fa-f:.]*`;
const HOST = `(?<host>${IPV4}|${IPV6})`;
/** `__suff`: up to three of ` port N`, ` on X`, ` [preauth]`, then spaces. */
const SUFF = String.raw`(?: (?:port \d+|on \S+|\[preauth\])){0,3}\s*`;
/** `__on_port_opt` */
const ON_PORT = String.raw`(?: (?:port \d+|on \S+)){0,2}`;
const NOT_ALLOWED_REASONS = [
  'not listed in AllowUsers',
  'listed in DenyUsers',
  'not in any group',
  'a group is listed in DenyGroups',
  "none of user's groups are listed in AllowGroups",
].join('|');

/** The failure forms of `cmnfailre`, on the message after `__pref` (`error: `, `fatal: `, `PAM: `). */
const FAILURE_PATTERNS: readonly RegExp[] = [
  new RegExp(String.raw`^[aA]uthentication (?:failure|error|failed) for .* from ${HOST}(?: via \S+)?${SUFF}$`),
  new RegExp(String.raw`^User not known to the underlying authentication module for .* from ${HOST}${SUFF}$`),
  // `publickey = nofail`: a failed key counts only for an invalid user; any other method counts.
  new RegExp(String.raw`^Failed publickey for invalid user (?:\S+|(?:(?! from ).)*?) from ${HOST}${ON_PORT}(?: ssh\d*)?(?:: .*|(?:(?! from ).)*)$`),
  new RegExp(String.raw`^Failed (?!publickey )\S+ for (?:invalid user )?(?:\S+|(?:(?! from ).)*?) from ${HOST}${ON_PORT}(?: ssh\d*)?(?:: .*|(?:(?! from ).)*)$`),
  new RegExp(String.raw`^ROOT LOGIN REFUSED FROM ${HOST}`),
  new RegExp(String.raw`^[iI](?:llegal|nvalid) user .*? from ${HOST}${SUFF}$`),
  new RegExp(String.raw`^User (?:\S+|.*?) from ${HOST} not allowed because (?:${NOT_ALLOWED_REASONS})${SUFF}$`),
  new RegExp(String.raw`^refused connect from \S+ \(${HOST}\)`),
  new RegExp(String.raw`^Received disconnect from ${HOST}${ON_PORT}:\s*3: .*: Auth fail${SUFF}$`),
  new RegExp(String.raw`^maximum authentication attempts exceeded for .* from ${HOST}${ON_PORT}(?: ssh\d*)?${SUFF}$`),
  new RegExp(String.raw`^Disconnecting(?: from)?(?: (?:invalid|authenticating)) user \S+ ${HOST}${ON_PORT}:\s*Change of username or service not allowed:\s*.*\[preauth\]\s*$`),
];

/** `TIMESTAMP HOST sshd[PID]: [error: |fatal: [PAM: ]]MESSAGE` */
const SSHD_LINE = /^(?<timestamp>\S+) (?<hostname>\S+) sshd(?:\((?:\S+)\))?(?:\[(?<pid>\d+)\])?: (?:(?:error|fatal): (?:PAM: )?)?(?<message>.*)$/;
const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

export interface SshdLine {
  /** Epoch seconds, with the fraction the timestamp carries. */
  time: number;
  hostname: string;
  pid: string | undefined;
  message: string;
}

/** RFC 3339 timestamp to epoch seconds (keeping microseconds, which Date.parse would drop). */
export function parseRfc3339Seconds(timestamp: string): number | undefined {
  const match = RFC3339.exec(timestamp);
  if (!match) return undefined;
  const wholeMs = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(wholeMs)) return undefined;
  const fraction = match[2] ? Number(`0.${match[2]}`) : 0;
  return wholeMs / 1000 + fraction;
}

export function parseSshdLine(line: string): SshdLine | undefined {
  const groups = SSHD_LINE.exec(line)?.groups;
  if (!groups) return undefined;
  const time = parseRfc3339Seconds(groups['timestamp'] ?? '');
  if (time === undefined) return undefined;
  return { time, hostname: groups['hostname'] ?? '', pid: groups['pid'], message: groups['message'] ?? '' };
}

/** The address a failure line blames, or undefined when the message is not a failure. */
export function failureAddress(message: string): string | undefined {
  for (const pattern of FAILURE_PATTERNS) {
    const host = pattern.exec(message)?.groups?.['host'];
    if (host !== undefined && isIP(host) !== 0) return host;
  }
  return undefined;
}

/** The first IP address mentioned in a message (`from X`, `rhost=X`, `by X`, `user U X port`). */
export function mentionedAddress(message: string): string | undefined {
  for (const token of message.split(' ')) {
    const candidate = token.startsWith('rhost=') ? token.slice(6) : token.endsWith(':') ? token.slice(0, -1) : token;
    if (candidate.length >= 2 && isIP(candidate) !== 0) return candidate;
  }
  return undefined;
}
