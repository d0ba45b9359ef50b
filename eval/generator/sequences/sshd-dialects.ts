/**
 * What differs between sshd builds and configurations in the lines of logins: the program name,
 * how a password is asked for, what each wrong one leaves in the log, and the forms of older
 * releases. Each host has one dialect; the connection sequences (ssh.ts) write through it, so
 * every component (benign or attack) speaks the host's dialect.
 */
import * as sshd from '../messages/sshd.js';
import { pamSessionOpened, pamSessionOpenedWithoutUid } from '../messages/pam.js';
import type { Account } from '../organization.js';

export interface SshdDialect {
  /** Program name of the per-connection lines: `sshd`, or `sshd-session` from OpenSSH 9.8. */
  program: string;
  /** The method a typed password is logged under. */
  passwordMethod: 'password' | 'keyboard-interactive/pam';
  /** PAM's `rhost=`: the address, or (with `UseDNS yes`) the client's verified host name. */
  rhost(ip: string): string;
  /** Lines at the start of a connection, before authentication (RHEL 7's reverse-mapping warning). */
  greeting(ip: string): string[];
  /** Lines right after `Invalid user` (OpenSSH 7.4's `input_userauth_request`). */
  invalidUserFollowUp(user: string): string[];
  /** Lines of one wrong password (attempts numbered from 1 per connection), after PAM's delay. */
  failedAttempt(attempt: number, user: string, validUser: boolean, ip: string, port: number): string[];
  /** OpenSSH 7.6+ names the user in preauth disconnect lines and says `Disconnected from user X`. */
  namesUsers: boolean;
  /** systemd 230+ logs `Session N logged out. Waiting for processes to exit.` before removing it. */
  logindLogsLogout: boolean;
  sessionOpened(account: Account): string;
}

/** Debian/Ubuntu OpenSSH 8.9+ with password authentication (and PAM behind it). */
export function opensshPassword(program = 'sshd'): SshdDialect {
  return {
    program,
    passwordMethod: 'password',
    rhost: (ip) => ip,
    greeting: () => [],
    invalidUserFollowUp: () => [],
    failedAttempt: (_attempt, user, validUser, ip, port) => [sshd.failedPassword(user, validUser, ip, port)],
    namesUsers: true,
    logindLogsLogout: true,
    sessionOpened: (account) => pamSessionOpened('sshd', account.name, account.uid, { uid: 0 }),
  };
}

/** sshd's MaxAuthTries (6) / 2: from this many failures on, it logs failed attempts at INFO. */
const LOUD_AFTER_FAILURES = 3;

/**
 * `UsePAM yes`, `KbdInteractiveAuthentication yes`, `PasswordAuthentication no` (Debian 12,
 * OpenSSH 9.2): a valid account's wrong password leaves only `error: PAM: Authentication failure`
 * (and pam_unix's line) at LogLevel INFO until the connection's fourth failure; an unknown
 * account's failures are logged at once.
 */
export function pamKeyboardInteractive(program = 'sshd'): SshdDialect {
  return {
    ...opensshPassword(program),
    passwordMethod: 'keyboard-interactive/pam',
    failedAttempt: (attempt, user, validUser, ip, port) => {
      const lines = [sshd.pamAuthenticationError(user, validUser, ip)];
      if (!validUser || attempt > LOUD_AFTER_FAILURES)
        lines.push(sshd.failedAuthentication('keyboard-interactive/pam', user, validUser, ip, port));
      return lines;
    },
  };
}

/** FNV-1a of an address: a stable per-address choice without state. */
function addressHash(ip: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < ip.length; i++) hash = Math.imul(hash ^ ip.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** A client's reverse DNS as `UseDNS yes` sees it: none, a name that does not map back, or verified. */
export function reverseDns(ip: string): { kind: 'none' | 'mismatch' | 'verified'; name: string } {
  const hash = addressHash(ip);
  const label = ip.replaceAll(/[.:]/g, '-');
  const roll = hash % 100;
  if (roll < 30) return { kind: 'none', name: ip };
  if (roll < 55)
    return { kind: 'mismatch', name: `${label}.${['dynamic', 'static', 'pool', 'broadband'][hash % 4]}.isp${hash % 7}.example.net` };
  return { kind: 'verified', name: `host-${label}.${['cust', 'vps', 'dsl'][hash % 3]}.provider${hash % 5}.example.com` };
}

/** RHEL/CentOS 7 (OpenSSH 7.4p1, Linux-PAM 1.1.8, systemd 219), `UseDNS yes` as shipped. */
export function rhel7(): SshdDialect {
  return {
    program: 'sshd',
    passwordMethod: 'password',
    rhost: (ip) => {
      const dns = reverseDns(ip);
      return dns.kind === 'verified' ? dns.name : ip;
    },
    greeting: (ip) => {
      const dns = reverseDns(ip);
      return dns.kind === 'mismatch' ? [sshd.reverseMappingFailed(dns.name, ip)] : [];
    },
    invalidUserFollowUp: (user) => [sshd.invalidUserRequest(user)],
    failedAttempt: (_attempt, user, validUser, ip, port) => [sshd.failedPassword(user, validUser, ip, port)],
    namesUsers: false,
    logindLogsLogout: false,
    sessionOpened: (account) => pamSessionOpenedWithoutUid('sshd', account.name, { uid: 0 }),
  };
}

/** Site 1's hosts, and any host that says nothing else. */
export const DEFAULT_SSHD_DIALECT = opensshPassword();
