/**
 * sshd connections as sequences of timed lines: failed password connections, preauth probes,
 * and logins that open a session (sshd, PAM, systemd-logind) and later close it. All components
 * (benign and attacks) use these, so an attack's lines look exactly like everyone else's.
 */
import type { AnyContext, HostRuntime } from '../context.js';
import type { Origin } from '../log-stream.js';
import type { Account, SshKey } from '../organization.js';
import type { Random } from '../random.js';
import { seconds } from '../clock.js';
import * as sshd from '../messages/sshd.js';
import { pamAuthFailure, pamCheckPassUserUnknown, pamIgnoringMaxRetries, pamMoreFailures, pamSessionClosed } from '../messages/pam.js';
import { newSession, sessionLoggedOut, sessionRemoved } from '../messages/logind.js';

/** sshd's default MaxAuthTries. */
export const MAX_AUTH_TRIES = 6;

/** Where a connection comes from and what produced it. */
export interface SshPeer {
  host: HostRuntime;
  ip: string;
  origin: Origin;
}

/** A client's ephemeral port: Linux's range, or the IANA range other systems use. */
export function clientPort(rng: Random): number {
  return rng.chance(0.7) ? rng.int(32_768, 60_999) : rng.int(49_152, 65_535);
}

/** pam_faildelay holds each failure about two seconds before sshd logs it. */
export const failDelay = (rng: Random): number => seconds(rng.between(1.6, 3.4));

export type FailedConnectionEnding = 'bye' | 'closed' | 'reset';

/** How password guessers leave, in the proportions the OpenSSH corpus shows. */
export function pickEnding(rng: Random): FailedConnectionEnding {
  return rng.weighted<FailedConnectionEnding>(['bye', 'closed', 'reset'], [60, 32, 8]);
}

export interface FailedConnection {
  user: string;
  validUser: boolean;
  /** Password attempts on this connection; at MAX_AUTH_TRIES sshd disconnects the client. */
  attempts: number;
  ending: FailedConnectionEnding;
}

/** A connection that tries passwords and never gets in. Returns the time of its last line. */
export function failedPasswordConnection(ctx: AnyContext, rng: Random, peer: SshPeer, start: number, connection: FailedConnection): number {
  const { host, ip, origin } = peer;
  const { user, validUser } = connection;
  const attempts = Math.min(connection.attempts, MAX_AUTH_TRIES);
  const pid = host.pids.at(start);
  const port = clientPort(rng);
  const log = (time: number, message: string): void => ctx.log(time, host, host.sshd.program, pid, message, origin);

  const dialect = host.sshd;
  let time = start + seconds(rng.between(0.05, 0.8));
  logLines(log, time, dialect.greeting(ip));
  if (!validUser) {
    log(time, sshd.invalidUser(user, ip, port));
    logLines(log, time, dialect.invalidUserFollowUp(user));
  }
  for (let attempt = 1; attempt <= attempts; attempt++) {
    time += seconds(rng.between(0.01, 0.3));
    if (!validUser) log(time, pamCheckPassUserUnknown('sshd'));
    if (attempt === 1) {
      log(
        time + 1,
        pamAuthFailure({
          service: 'sshd',
          logname: '',
          uid: 0,
          tty: 'ssh',
          ruser: '',
          rhost: dialect.rhost(ip),
          ...(validUser ? { user } : {}),
        }),
      );
    }
    time += failDelay(rng);
    logLines(log, time, dialect.failedAttempt(attempt, user, validUser, ip, port));
  }

  const who: sshd.PreauthUser = dialect.namesUsers ? { kind: validUser ? 'authenticating' : 'invalid', name: user } : undefined;
  time += seconds(rng.between(0.01, 0.4));
  if (attempts >= MAX_AUTH_TRIES) {
    log(time, sshd.maxAuthTriesExceeded(user, validUser, ip, port));
    log(
      time + 1,
      dialect.namesUsers ? sshd.disconnectingTooManyFailures(user, validUser, ip, port) : sshd.disconnectingTooManyFailuresUnnamed(),
    );
  } else if (connection.ending === 'bye') {
    log(time, sshd.receivedDisconnect(ip, port, 'Bye Bye', true));
    log(time + 1, sshd.disconnectedFrom(who, ip, port, true));
  } else if (connection.ending === 'closed') {
    log(time, sshd.connectionClosed(who, ip, port, true));
  } else {
    log(time, sshd.connectionReset(who, ip, port));
  }
  if (attempts > 1) log(time + 2, pamMoreFailures(attempts - 1, dialect.rhost(ip), validUser ? user : undefined));
  if (attempts >= MAX_AUTH_TRIES) log(time + 3, pamIgnoringMaxRetries('sshd', attempts));
  return time + 3;
}

/** Lines written at one instant keep their order: each a microsecond after the one before. */
function logLines(log: (time: number, message: string) => void, time: number, lines: readonly string[]): void {
  for (let i = 0; i < lines.length; i++) log(time + i, lines[i] as string);
}

export type ProbeKind = 'closed' | 'no-identification' | 'kex-closed' | 'kex-reset' | 'banner' | 'negotiation';

const OLD_KEX_OFFERS = [
  'diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1',
  'diffie-hellman-group1-sha1,diffie-hellman-group14-sha1',
  'diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1',
];
const OLD_HOSTKEY_OFFERS = ['ssh-rsa,ssh-dss', 'ssh-rsa', 'ssh-dss'];

/** A connection that never reaches authentication: scanners and banner grabbers. */
export function probeConnection(ctx: AnyContext, rng: Random, peer: SshPeer, start: number, kind: ProbeKind): number {
  const { host, ip, origin } = peer;
  const pid = host.pids.at(start);
  const port = clientPort(rng);
  const log = (time: number, message: string): void => ctx.log(time, host, host.sshd.program, pid, message, origin);
  const time = start + seconds(rng.between(0.05, 2));
  switch (kind) {
    case 'closed':
      log(time, sshd.connectionClosed(undefined, ip, port, true));
      break;
    case 'no-identification':
      // sshd waits for the client's banner until LoginGraceTime runs out.
      log(start + seconds(rng.between(5, 120)), sshd.noIdentificationString(ip, port));
      break;
    case 'kex-closed':
      log(time, sshd.kexIdentificationClosed());
      break;
    case 'kex-reset':
      log(time, sshd.kexIdentificationReset());
      break;
    case 'banner':
      log(time, sshd.bannerInvalidFormat(ip, port));
      break;
    case 'negotiation':
      if (rng.chance(0.6)) log(time, sshd.unableToNegotiate(ip, port, 'key exchange method', rng.pick(OLD_KEX_OFFERS)));
      else log(time, sshd.unableToNegotiate(ip, port, 'host key type', rng.pick(OLD_HOSTKEY_OFFERS)));
      break;
  }
  return time;
}

export interface LoginOptions {
  account: Account;
  method: 'publickey' | 'password';
  key?: SshKey;
  /** Wrong passwords typed before the right one, on the same connection. */
  mistypes?: number;
}

/** A logged-in SSH session, for the lines that close it later. */
export interface OpenSession {
  peer: SshPeer;
  account: Account;
  port: number;
  monitorPid: number;
  sessionId: number;
  /** The terminal the session got, for sudo and su lines. */
  tty: string;
}

/** A connection that will log in: sshd's monitor process, the client's port, when it is ready. */
export interface LoginConnection {
  peer: SshPeer;
  monitorPid: number;
  port: number;
  time: number;
  log(time: number, message: string): void;
}

export function connectForLogin(ctx: AnyContext, rng: Random, peer: SshPeer, start: number): LoginConnection {
  const { host, origin } = peer;
  // The monitor forks a preauth child at once and the session's child after login (PIDs +1, +2).
  const monitorPid = host.pids.block(start, 3);
  const port = clientPort(rng);
  const log = (time: number, message: string): void => ctx.log(time, host, host.sshd.program, monitorPid, message, origin);
  return { peer, monitorPid, port, time: start + seconds(rng.between(0.1, 0.6)), log };
}

/** After `Accepted ...` at `time`: PAM opens the session (`pamOpened`), logind registers it. */
export function beginSession(
  ctx: AnyContext,
  rng: Random,
  connection: LoginConnection,
  account: Account,
  time: number,
  pamOpened: string,
): { session: OpenSession; time: number } {
  const { peer, monitorPid, port, log } = connection;
  const { host, origin } = peer;
  time += seconds(rng.between(0.005, 0.05));
  log(time, pamOpened);
  const sessionId = host.loginSessions.at(time);
  time += seconds(rng.between(0.005, 0.06));
  ctx.log(time, host, 'systemd-logind', host.logindPid, newSession(sessionId, account.name), origin);
  const session: OpenSession = {
    peer,
    account,
    port,
    monitorPid,
    sessionId,
    tty: `pts/${rng.weighted([0, 1, 2, 3, 4, 5], [8, 6, 3, 2, 1, 1])}`,
  };
  return { session, time };
}

export function openSession(
  ctx: AnyContext,
  rng: Random,
  peer: SshPeer,
  start: number,
  options: LoginOptions,
): { session: OpenSession; time: number } {
  const { ip, host } = peer;
  const { account, method } = options;
  const dialect = host.sshd;
  const connection = connectForLogin(ctx, rng, peer, start);
  const { port, log } = connection;
  let time = connection.time;
  logLines(log, time, dialect.greeting(ip));
  const mistypes = method === 'password' ? (options.mistypes ?? 0) : 0;
  for (let attempt = 1; attempt <= mistypes; attempt++) {
    if (attempt === 1)
      log(
        time,
        pamAuthFailure({ service: 'sshd', logname: '', uid: 0, tty: 'ssh', ruser: '', rhost: dialect.rhost(ip), user: account.name }),
      );
    time += failDelay(rng);
    logLines(log, time, dialect.failedAttempt(attempt, account.name, true, ip, port));
    // The user retypes the password.
    time += seconds(rng.between(2, 9));
  }
  log(time, sshd.accepted(method === 'password' ? dialect.passwordMethod : method, account.name, ip, port, options.key));
  return beginSession(ctx, rng, connection, account, time, dialect.sessionOpened(account));
}

/** The client logs out (or its connection drops); returns the time of the last line. */
export function closeSession(ctx: AnyContext, rng: Random, session: OpenSession, start: number): number {
  const { peer, account, port, monitorPid, sessionId } = session;
  const { host, ip, origin } = peer;
  const dialect = host.sshd;
  // After privilege separation the session's child process logs the disconnect.
  const childPid = monitorPid + 2;
  let time = start;
  if (rng.chance(0.9)) {
    ctx.log(time, host, dialect.program, childPid, sshd.receivedDisconnect(ip, port, 'disconnected by user', false), origin);
    time += 1;
    const disconnected = dialect.namesUsers
      ? sshd.disconnectedFromUser(account.name, ip, port)
      : sshd.disconnectedFrom(undefined, ip, port, false);
    ctx.log(time, host, dialect.program, childPid, disconnected, origin);
  } else {
    ctx.log(
      time,
      host,
      dialect.program,
      childPid,
      sshd.clientTimeout(dialect.namesUsers ? { name: account.name, ip, port } : undefined),
      origin,
    );
  }
  time += seconds(rng.between(0.002, 0.03));
  ctx.log(time, host, dialect.program, monitorPid, pamSessionClosed('sshd', account.name), origin);
  if (dialect.logindLogsLogout) {
    time += seconds(rng.between(0.002, 0.05));
    ctx.log(time, host, 'systemd-logind', host.logindPid, sessionLoggedOut(sessionId), origin);
  }
  time += seconds(rng.between(0.01, 0.3));
  ctx.log(time, host, 'systemd-logind', host.logindPid, sessionRemoved(sessionId), origin);
  return time;
}
