/**
 * fail2ban's `sshd` filter (filter.d/sshd.conf of fail2ban 1.0, `mode = normal`) in JavaScript,
 * for rsyslog lines `TIMESTAMP HOST sshd[PID]: MESSAGE`: which lines are authentication failures
 * and for which address. The rules are tried in the filter's order and the first that matches
 * decides. Like fail2ban, lines of one connection (host and sshd PID, its `mlfid`) are merged:
 * helper lines (`<F-NOFAIL>`: pam_unix's `authentication failure`, `Received disconnect ...: 11:`,
 * `Connection closed`, `Accepted`) are no failures on their own, but become failures once the
 * connection has named two different users (as `error: PAM: Authentication failure for illegal
 * user X` and `Invalid user X` do) or has a failure still waiting for an address; a failure line
 * without an address (`Disconnecting: Too many authentication failures`) takes the connection's.
 * `<HOST>` is an IP address, or a host name (RHEL's `rhost=` with `UseDNS yes`).
 */
import { isIP } from 'node:net';

const IPV4 = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
const IPV6 = String.raw`[0-9A-Fa-f]*:[0-9A-Fa-f:.]*`;
const HOST = `(?<host>${IPV4}|${IPV6}|[\\w\\-.^_]*\\w)`;
/** `__suff`: up to three of ` port N`, ` on X`, ` [preauth]`, then spaces. */
const SUFF = String.raw`(?: (?:port \d+|on \S+|\[preauth\])){0,3}\s*`;
/** `__on_port_opt` */
const ON_PORT = String.raw`(?: (?:port \d+|on \S+)){0,2}`;
/** `__authng_user` */
const AUTHNG_USER = String.raw`(?: (?:invalid|authenticating) user (?<user>\S+|.*?))?`;
const NOT_ALLOWED_REASONS = [
  'not listed in AllowUsers',
  'listed in DenyUsers',
  'not in any group',
  'a group is listed in DenyGroups',
  "none of user's groups are listed in AllowGroups",
].join('|');

/** One failregex: `nofail` and `forget`/`gained` are its `<F-NOFAIL>`, `<F-MLFFORGET>`, `<F-MLFGAINED>`. */
interface Rule {
  pattern: RegExp;
  nofail?: boolean | ((groups: Record<string, string | undefined>) => boolean);
  forget?: boolean;
  gained?: boolean;
}

const rule = (pattern: string, flags: Omit<Rule, 'pattern'> = {}): Rule => ({ pattern: new RegExp(pattern), ...flags });

/** `cmnfailre`, `mdre-normal-other` and `cfooterre` in the filter's order, on the message after `__pref`. */
const RULES: readonly Rule[] = [
  rule(String.raw`^[aA]uthentication (?:failure|error|failed) for (?<user>.*) from ${HOST}(?: via \S+)?${SUFF}$`),
  rule(String.raw`^User not known to the underlying authentication module for (?<user>.*) from ${HOST}${SUFF}$`),
  // `publickey = nofail`: a failed key counts for an invalid user; for a valid one it is a helper.
  rule(
    String.raw`^Failed publickey for invalid user (?<user>\S+|(?:(?! from ).)*?) from ${HOST}${ON_PORT}(?: ssh\d*)?(?:: .*|(?:(?! from ).)*)$`,
  ),
  rule(
    String.raw`^Failed (?<method>\S+) for (?:invalid user )?(?<user>\S+|(?:(?! from ).)*?) from ${HOST}${ON_PORT}(?: ssh\d*)?(?:: .*|(?:(?! from ).)*)$`,
    {
      nofail: (groups) => groups.method === 'publickey',
    },
  ),
  rule(String.raw`^(?<user>ROOT) LOGIN REFUSED FROM ${HOST}`),
  rule(String.raw`^[iI](?:llegal|nvalid) user (?<user>.*?) from ${HOST}${SUFF}$`),
  rule(String.raw`^User (?<user>\S+|.*?) from ${HOST} not allowed because (?:${NOT_ALLOWED_REASONS})${SUFF}$`),
  rule(String.raw`^refused connect from \S+ \(${HOST}\)`),
  rule(String.raw`^Received disconnect from ${HOST}${ON_PORT}:\s*3: .*: Auth fail${SUFF}$`, { forget: true }),
  rule(
    String.raw`^pam_[a-z]+\(sshd:auth\):\s+authentication failure;(?:\s+(?:(?:logname|e?uid|tty)=\S*)){0,4}\s+ruser=\S*\s+rhost=${HOST}(?:\s+user=(?<user>\S*))?${SUFF}$`,
    { nofail: true },
  ),
  rule(String.raw`^maximum authentication attempts exceeded for (?<user>.*) from ${HOST}${ON_PORT}(?: ssh\d*)?${SUFF}$`),
  rule(String.raw`^User (?<user>\S+|.*?) not allowed because account is locked${SUFF}`),
  rule(
    String.raw`^Disconnecting(?: from)?(?: (?:invalid|authenticating)) user (?<user>\S+) ${HOST}${ON_PORT}:\s*Change of username or service not allowed:\s*.*\[preauth\]\s*$`,
    { forget: true },
  ),
  rule(String.raw`^Disconnecting: Too many authentication failures(?: for (?<user>\S+|.*?))?${SUFF}$`),
  rule(String.raw`^Received disconnect from ${HOST}${ON_PORT}:\s*11:`, { nofail: true, forget: true }),
  rule(String.raw`^(?:Connection (?:closed|reset)|Disconnected) (?:by|from)${AUTHNG_USER} ${HOST}(?:${SUFF}|\s*)$`, {
    nofail: true,
    forget: true,
  }),
  rule(String.raw`^Accepted \w+ for (?<user>\S+) from ${HOST}(?:\s|$)`, { forget: true, gained: true }),
  rule(String.raw`^Connection from ${HOST}`, { nofail: true }),
];

/** What a matched line says: its host (if any), the user it names, and its helper flags. */
export interface SshdMatch {
  host?: string;
  user?: string;
  nofail: boolean;
  forget: boolean;
  gained: boolean;
}

export function matchSshdMessage(message: string): SshdMatch | undefined {
  for (const { pattern, nofail, forget, gained } of RULES) {
    // Every rule names its host or user, so a match always has groups.
    const values = pattern.exec(message)?.groups;
    if (!values) continue;
    const match: SshdMatch = {
      nofail: typeof nofail === 'function' ? nofail(values) : nofail === true,
      forget: forget === true,
      gained: gained === true,
    };
    if (values.host !== undefined) match.host = values.host;
    if (values.user) match.user = values.user;
    return match;
  }
  return undefined;
}

/** A connection's merged failure data, as fail2ban caches it per `mlfid`. */
interface ConnectionState {
  ip4?: string;
  ip6?: string;
  dns?: string;
  users?: Set<string>;
  nofail?: boolean;
  gained?: boolean;
  pending?: boolean;
}

/** fail2ban's mlfid cache keeps 100 connections (fail2ban-regex never reaches its 5-minute expiry). */
const CONNECTION_CACHE_SIZE = 100;

function setHost(state: ConnectionState, host: string | undefined): void {
  if (host === undefined) return;
  const family = isIP(host);
  if (family === 4) state.ip4 = host;
  else if (family === 6) state.ip6 = host;
  else state.dns = host;
}

/** fail2ban's Filter._mergeFailure and findFailure for the sshd filter, line by line. */
export class SshdFailureFilter {
  private readonly connections = new Map<string, ConnectionState>();

  /** The host this line counts a failure for, or undefined when it counts none. */
  failureHost(line: SshdLine): string | undefined {
    const match = matchSshdMessage(line.message);
    if (!match) return undefined;
    const key = `${line.hostname} ${line.pid ?? ''}`;
    let nofail = match.nofail || match.gained;
    let gained = match.gained;
    const cached = this.connections.get(key);
    let state: ConnectionState;
    let users: Set<string> | undefined;
    if (cached) {
      if (match.user) (cached.users ??= new Set()).add(match.user);
      users = cached.users;
      // Only the last line's helper state counts; a success forgets failures waiting for an address.
      cached.nofail = undefined;
      cached.gained = undefined;
      if (match.gained) cached.pending = false;
      setHost(cached, match.host);
      if (nofail) cached.nofail = true;
      if (gained) cached.gained = true;
      state = cached;
      if (match.forget) this.connections.delete(key);
    } else {
      state = {};
      setHost(state, match.host);
      if (nofail) state.nofail = true;
      if (gained) state.gained = true;
      if (!match.forget) {
        if (match.user) state.users = users = new Set([match.user]);
        if (this.connections.size >= CONNECTION_CACHE_SIZE) this.connections.delete(this.connections.keys().next().value as string);
        this.connections.set(key, state);
      }
    }
    const pending = state.pending === true;
    state.pending = false;
    if (pending || (users !== undefined && users.size > 1)) {
      // Failures waiting for an address, or a second user name: the helper counts after all.
      state.nofail = undefined;
      state.gained = undefined;
      nofail = false;
      gained = false;
    }
    if (nofail || gained) return undefined;
    const host = state.ip4 ?? state.ip6 ?? state.dns;
    if (host === undefined) state.pending = true;
    return host;
  }
}

/** `TIMESTAMP HOST sshd[PID]: [error: |fatal: [PAM: ]]MESSAGE` */
const SSHD_LINE =
  /^(?<timestamp>\S+) (?<hostname>\S+) sshd(?:\((?:\S+)\))?(?:\[(?<pid>\d+)\])?: (?:(?:error|fatal): (?:PAM: )?)?(?<message>.*)$/;
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
  const time = parseRfc3339Seconds(groups.timestamp ?? '');
  if (time === undefined) return undefined;
  return { time, hostname: groups.hostname ?? '', pid: groups.pid, message: groups.message ?? '' };
}

/** The first IP address mentioned in a message (`from X`, `rhost=X`, `by X`, `user U X port`). */
export function mentionedAddress(message: string): string | undefined {
  for (const token of message.split(' ')) {
    const candidate = token.startsWith('rhost=') ? token.slice(6) : token.endsWith(':') ? token.slice(0, -1) : token;
    if (candidate.length >= 2 && isIP(candidate) !== 0) return candidate;
  }
  return undefined;
}
