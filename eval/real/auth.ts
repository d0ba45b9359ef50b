/**
 * Ground truth of authentication logs (sshd, PAM, sudo, su, cron, login managers, account tools).
 *
 * One sshd connection logs several lines per attempt (sshd's own `Failed ...`, pam_unix's
 * `authentication failure`, `Invalid user`, `PAM N more authentication failures`, ...), and
 * some servers log only some of them. Lines are grouped into connections by host and sshd PID,
 * each failure form is counted in its own family, and a connection's attempts are the largest
 * family count: every form is seen, and no attempt is counted twice. Rules: eval/real/README.md.
 */
import { isIP } from 'node:net';
import { ipActor, userActor, type TypeTruth, type Verdict } from './ground-truth.js';

export interface SyslogRecord {
  /** Epoch seconds. */
  time: number;
  host: string;
  program: string;
  pid: string | undefined;
  message: string;
}

/** Failed attempts from one address that make it a brute-forcer. */
export const BRUTE_FORCE_FAILURES = 10;
/** Failures an address with a successful login may have and still be its owner's (typos). */
export const OWNER_TYPOS = 2;
/** A PID seen again after this long is a new connection (sshd's LoginGraceTime is 2 min). */
const CONNECTION_GAP_SECONDS = 600;
/** Below this UID, or with a nologin shell, a created account is a package's system account. */
const SYSTEM_UID_LIMIT = 1000;

const AUTH_PROGRAMS = new Set([
  'sshd',
  'sshd-session',
  'sudo',
  'su',
  'CRON',
  'cron',
  'crond',
  'login',
  'systemd-logind',
  'useradd',
  'userdel',
  'usermod',
  'groupadd',
  'groupdel',
  'gpasswd',
  'passwd',
  'chpasswd',
  'chage',
  'kdm',
  'gdm',
  'gdm-password',
  'lightdm',
  'polkitd',
  'pkexec',
]);

/** `sshd(pam_unix)` (old PAM tags) counts as `sshd`. */
const programName = (program: string): string => program.replace(/\(.*$/, '');

export function isAuthProgram(program: string): boolean {
  return AUTH_PROGRAMS.has(programName(program));
}

const ADDR = String.raw`(?<addr>[0-9A-Fa-f.:]+)`;
/** Failure forms, each a family of its own; a connection's attempts = its largest family count. */
/** `count`: 1 per line (default), the line's `n`, or at most once per connection. */
const FAILURE_FAMILIES: readonly { family: string; pattern: RegExp; count?: 'n' | 'once' }[] = [
  { family: 'failed', pattern: new RegExp(String.raw`^Failed \S+ for (?:invalid user )?.*? from ${ADDR}`) },
  { family: 'pam_unix', pattern: /^(?:pam_unix\(sshd[^:]*:auth\): )?authentication failure;/ },
  { family: 'pam_unix', pattern: /^PAM (?<n>\d+) more authentication failures?/, count: 'n' },
  {
    family: 'pam_sshd',
    pattern: new RegExp(
      String.raw`^(?:error: )?PAM: (?:[aA]uthentication failure|User not known to the underlying authentication module) for .*? from ${ADDR}`,
    ),
  },
  { family: 'refused', pattern: new RegExp(String.raw`^User \S+ from ${ADDR} not allowed because`) },
  { family: 'refused', pattern: new RegExp(String.raw`^ROOT LOGIN REFUSED FROM ${ADDR}`) },
  { family: 'refused', pattern: new RegExp(String.raw`^(?:error: )?Received disconnect from ${ADDR}(?: port \d+)?:\s*3: .*Auth fail`) },
  {
    family: 'gave_up',
    pattern: new RegExp(String.raw`^(?:Connection closed by|Disconnected from|Connection reset by) authenticating user \S+ ${ADDR}`),
    count: 'once',
  },
  { family: 'gave_up', pattern: /maximum authentication attempts exceeded|Too many authentication failures/, count: 'once' },
];
const INVALID_USER = [
  new RegExp(String.raw`^(?:Invalid|Illegal) user (?<user>.*?) from ${ADDR}`),
  /^input_userauth_request: invalid user (?<user>.*?) \[preauth\]/,
  new RegExp(String.raw`^(?:Connection closed by|Disconnected from|Connection reset by) invalid user (?<user>\S*) ${ADDR}`),
];
const ACCEPTED = new RegExp(String.raw`^Accepted \S+ for (?<user>\S+) from ${ADDR}`);
const REPEATED = /^message repeated (?<n>\d+) times: \[ ?(?<message>.*?) ?\]$/;
/** Local authorised use: `U : TTY=... COMMAND=` (sudo), sessions, `su` by a user. */
const LOCAL_USE = [
  /^\s*(?<by>\S+) : .*?(?:USER=(?<user>\S+) ; )?COMMAND=/,
  /session opened for user (?<user>[^\s(]+)(?:\(uid=\d+\))?(?: by (?<by>[^\s(]+)?)?/,
  /session closed for user (?<user>[^\s(]+)/,
  /^Successful su for (?<user>\S+) by (?<by>\S+)/,
  /^\(to (?<user>\S+)\) (?<by>\S+) on/,
  /^\((?<user>[^)\s]+)\) CMD /,
];
const NEW_USER = /^new user: name=(?<user>[^,]+), UID=(?<uid>\d+), .*shell=(?<shell>[^,\s]+)/;

/** The address a message names: the pattern's, else the first token that is an IP address. */
function addressIn(message: string, matched: string | undefined): string | undefined {
  if (matched !== undefined && isIP(matched) !== 0) return matched;
  for (const raw of message.split(/[\s[\](),;]+/)) {
    const token = raw.startsWith('rhost=') ? raw.slice(6) : raw;
    if (isIP(token) !== 0) return token;
    if (token.endsWith(':') && isIP(token.slice(0, -1)) !== 0) return token.slice(0, -1);
  }
  return undefined;
}

interface Connection {
  address: string | undefined;
  lastTime: number;
  families: Map<string, number>;
  invalidUsers: Set<string>;
  accepted: string[];
  lines: number[];
}

function attemptsOf(connection: Connection): number {
  return Math.max(connection.invalidUsers.size, ...connection.families.values());
}

function addSshdLine(connection: Connection, message: string): void {
  const repeated = REPEATED.exec(message)?.groups;
  const times = repeated === undefined ? 1 : Number(repeated.n);
  const text = repeated?.message ?? message;
  let matchedAddress: string | undefined;
  for (const { family, pattern, count } of FAILURE_FAMILIES) {
    const match = pattern.exec(text);
    if (match === null) continue;
    const groups = match.groups ?? {};
    const before = connection.families.get(family) ?? 0;
    connection.families.set(family, count === 'once' ? 1 : before + (count === 'n' ? Number(groups.n) : 1) * times);
    matchedAddress ??= groups.addr;
  }
  for (const pattern of INVALID_USER) {
    const groups = pattern.exec(text)?.groups;
    if (groups === undefined) continue;
    connection.invalidUsers.add(groups.user ?? '');
    matchedAddress ??= groups.addr;
  }
  const accepted = ACCEPTED.exec(text)?.groups;
  if (accepted !== undefined) {
    for (let i = 0; i < times; i++) connection.accepted.push(accepted.user ?? '');
    matchedAddress ??= accepted.addr;
  }
  connection.address ??= addressIn(text, matchedAddress);
}

interface AddressStats {
  failures: number;
  successes: number;
}

/** Ground truth of the auth lines of one file. */
export function authTruth(lines: readonly { index: number; record: SyslogRecord }[]): TypeTruth {
  const truth: TypeTruth = { actors: new Map(), lineActor: new Map() };
  const open = new Map<string, Connection>();
  const connections: Connection[] = [];
  const localUsers = new Set<string>();
  for (const { index, record } of lines) {
    if (programName(record.program).startsWith('sshd')) {
      const key = `${record.host} ${record.pid ?? `line ${index}`}`;
      let connection = open.get(key);
      const address = addressIn(record.message, undefined);
      const stale =
        connection !== undefined &&
        (record.time - connection.lastTime > CONNECTION_GAP_SECONDS ||
          (address !== undefined && connection.address !== undefined && address !== connection.address));
      if (connection === undefined || stale) {
        connection = { address: undefined, lastTime: record.time, families: new Map(), invalidUsers: new Set(), accepted: [], lines: [] };
        open.set(key, connection);
        connections.push(connection);
      }
      connection.lastTime = record.time;
      connection.lines.push(index);
      addSshdLine(connection, record.message);
      continue;
    }
    const created = NEW_USER.exec(record.message)?.groups;
    if (created !== undefined) {
      const system = Number(created.uid) < SYSTEM_UID_LIMIT || /nologin|false$/.test(created.shell ?? '');
      if (system) truth.actors.set(userActor(created.user ?? ''), { class: 'legitimate', why: 'system account created by a package' });
      continue;
    }
    for (const pattern of LOCAL_USE) {
      const groups = pattern.exec(record.message)?.groups;
      if (groups === undefined) continue;
      for (const user of [groups.user, groups.by]) if (user !== undefined && user !== '') localUsers.add(user);
      const actor = groups.user ?? groups.by;
      if (actor !== undefined) truth.lineActor.set(index, userActor(actor));
      break;
    }
  }

  const stats = new Map<string, AddressStats>();
  for (const connection of connections) {
    const attempts = attemptsOf(connection);
    if (connection.address === undefined) continue;
    let entry = stats.get(connection.address);
    if (entry === undefined) stats.set(connection.address, (entry = { failures: 0, successes: 0 }));
    entry.failures += attempts;
    entry.successes += connection.accepted.length;
    for (const line of connection.lines) truth.lineActor.set(line, ipActor(connection.address));
  }
  for (const [address, { failures, successes }] of stats) {
    truth.actors.set(ipActor(address), addressVerdict(failures, successes));
  }
  // Accounts used by their owners: logged in from a legitimate address, or used locally.
  for (const connection of connections) {
    if (connection.address === undefined || stats.get(connection.address) === undefined) continue;
    if (truth.actors.get(ipActor(connection.address))?.class !== 'legitimate') continue;
    for (const user of connection.accepted) localUsers.add(user);
  }
  for (const user of localUsers) {
    if (!truth.actors.has(userActor(user)))
      truth.actors.set(userActor(user), { class: 'legitimate', why: 'owner login, sudo, su or cron' });
  }
  return truth;
}

export function addressVerdict(failures: number, successes: number): Verdict {
  if (failures >= BRUTE_FORCE_FAILURES)
    return { class: 'attacker', attack: 'brute-forcer', why: `${failures} failed authentication attempts` };
  if (successes > 0 && failures <= OWNER_TYPOS) return { class: 'legitimate', why: `${successes} successful logins, ${failures} failures` };
  if (failures > 0) return { class: 'gray', why: `${failures} failed attempts${successes > 0 ? ` and ${successes} logins` : ''}` };
  return { class: 'gray', why: 'connected without authenticating' };
}
