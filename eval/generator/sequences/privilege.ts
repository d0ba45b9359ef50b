/**
 * What a logged-in user does that reaches the auth log: sudo (granted, refused, wrong password),
 * su, and account creation. `Terminal` is the user's shell on a host.
 */
import type { AnyContext, HostRuntime } from '../context.js';
import type { Origin } from '../log-stream.js';
import type { Account } from '../organization.js';
import type { Random } from '../random.js';
import { seconds } from '../clock.js';
import { pamAuthFailure, pamPasswordChanged, pamSessionClosed, pamSessionOpened } from '../messages/pam.js';
import { sudoCommand, sudoIncorrectPasswords, sudoNotInSudoers, type SudoInvocation } from '../messages/sudo.js';
import { suFailed, suStarted } from '../messages/su.js';
import { addedToGroup, addedToShadowGroup, newGroup, newUser } from '../messages/accounts.js';

export interface Terminal {
  host: HostRuntime;
  account: Account;
  /** `pts/N` */
  tty: string;
  origin: Origin;
}

function invocation(terminal: Terminal, command: string, pwd?: string, runAs = 'root'): SudoInvocation {
  return { user: terminal.account.name, tty: terminal.tty, pwd: pwd ?? `/home/${terminal.account.name}`, runAs, command };
}

function sudoPamFailure(terminal: Terminal): string {
  const { name, uid } = terminal.account;
  return pamAuthFailure({ service: 'sudo', logname: name, uid, tty: `/dev/${terminal.tty}`, ruser: name, rhost: '', user: name });
}

export interface SudoOptions {
  pwd?: string;
  /** Wrong passwords before the right one (0 when sudo's timestamp is fresh or NOPASSWD). */
  mistypes?: number;
  /** How long the command runs before its PAM session closes, in seconds. */
  runSeconds?: number;
}

/** A sudo command that is allowed and runs. Returns when its session closes. */
export function sudo(ctx: AnyContext, rng: Random, terminal: Terminal, time: number, command: string, options: SudoOptions = {}): number {
  const { host, account, origin } = terminal;
  if (options.mistypes) {
    ctx.log(time, host, 'sudo', undefined, sudoPamFailure(terminal), origin);
    time += seconds(rng.between(3, 8));
  }
  ctx.log(time, host, 'sudo', undefined, sudoCommand(invocation(terminal, command, options.pwd)), origin);
  time += seconds(rng.between(0.001, 0.01));
  ctx.log(time, host, 'sudo', undefined, pamSessionOpened('sudo', 'root', 0, account), origin);
  time += seconds(options.runSeconds ?? rng.between(0.05, 20));
  ctx.log(time, host, 'sudo', undefined, pamSessionClosed('sudo', 'root'), origin);
  return time;
}

/** sudo refuses a user who is not in sudoers (after the user typed the right password). */
export function sudoRefused(ctx: AnyContext, terminal: Terminal, time: number, command: string, pwd?: string): number {
  ctx.log(time, terminal.host, 'sudo', undefined, sudoNotInSudoers(invocation(terminal, command, pwd)), terminal.origin);
  return time;
}

/** Three wrong passwords at sudo's prompt. */
export function sudoWrongPasswords(ctx: AnyContext, rng: Random, terminal: Terminal, time: number, command: string, attempts = 3): number {
  ctx.log(time, terminal.host, 'sudo', undefined, sudoPamFailure(terminal), terminal.origin);
  time += seconds(rng.between(4, 15) * attempts);
  ctx.log(time, terminal.host, 'sudo', undefined, sudoIncorrectPasswords(invocation(terminal, command), attempts), terminal.origin);
  return time;
}

/** `su -` to another user: fails with a wrong password, or opens a session lasting `runSeconds`. */
export function su(
  ctx: AnyContext,
  rng: Random,
  terminal: Terminal,
  time: number,
  target: Account,
  succeed: boolean,
  runSeconds = 60,
): number {
  const { host, account, tty, origin } = terminal;
  const pid = host.pids.at(time);
  if (!succeed) {
    ctx.log(
      time,
      host,
      'su',
      pid,
      pamAuthFailure({
        service: 'su-l',
        logname: account.name,
        uid: account.uid,
        tty: `/dev/${tty}`,
        ruser: account.name,
        rhost: '',
        user: target.name,
      }),
      origin,
    );
    time += seconds(rng.between(2, 3.5));
    ctx.log(time, host, 'su', pid, suFailed(target.name, account.name, tty), origin);
    return time;
  }
  ctx.log(time, host, 'su', pid, suStarted(target.name, account.name, tty), origin);
  time += seconds(rng.between(0.001, 0.01));
  ctx.log(time, host, 'su', pid, pamSessionOpened('su-l', target.name, target.uid, account), origin);
  time += seconds(runSeconds);
  ctx.log(time, host, 'su', pid, pamSessionClosed('su-l', target.name), origin);
  return time;
}

export interface NewAccount {
  name: string;
  uid: number;
  /** A new group of the same name is created unless `gid` names an existing one. */
  gid?: number;
  shell?: string;
  home?: string;
  groups?: string[];
}

/** What `useradd` (run as root from `terminal`) logs; returns the time of its last line. */
export function createAccount(ctx: AnyContext, rng: Random, terminal: Terminal, time: number, account: NewAccount): number {
  const { host, origin } = terminal;
  const pid = host.pids.at(time);
  const gid = account.gid ?? account.uid;
  if (account.gid === undefined) ctx.log(time, host, 'useradd', pid, newGroup(account.name, gid), origin);
  time += seconds(rng.between(0.001, 0.02));
  const home = account.home ?? `/home/${account.name}`;
  const shell = account.shell ?? '/bin/bash';
  const from = host.spec.legacyShadow === true ? {} : { from: `/dev/${terminal.tty}` };
  ctx.log(time, host, 'useradd', pid, newUser({ name: account.name, uid: account.uid, gid, home, shell, ...from }), origin);
  for (const group of account.groups ?? []) {
    time += seconds(rng.between(0.001, 0.01));
    ctx.log(time, host, 'useradd', pid, addedToGroup(account.name, group), origin);
    time += seconds(rng.between(0.001, 0.01));
    ctx.log(time, host, 'useradd', pid, addedToShadowGroup(account.name, group), origin);
  }
  return time;
}

/** `passwd NAME` run as root: the new password is typed twice, then PAM logs the change. */
export function setPassword(ctx: AnyContext, rng: Random, terminal: Terminal, time: number, user: string): number {
  time += seconds(rng.between(5, 25));
  ctx.log(time, terminal.host, 'passwd', terminal.host.pids.at(time), pamPasswordChanged(user), terminal.origin);
  return time;
}

/**
 * The same terminal running as root (under sudo): tools that log the invoking user read it from
 * the login record (getlogin), so they name the user with uid 0, e.g. `by alice(uid=0)`.
 */
export function elevated(terminal: Terminal): Terminal {
  return { ...terminal, account: { name: terminal.account.name, uid: 0 } };
}
