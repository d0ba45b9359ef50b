/**
 * Misuse of a shell on our hosts, off hours.
 * sudo_abuse: a non-admin account (an insider over the VPN, or a stolen key from the internet)
 * tries sudo, which refuses it or rejects its password, tries `su -`, and sometimes gets root
 * and plants a UID-0 account.
 * rogue_account_creation: an admin account quietly creates a UID-0 account (or one in the sudo
 * group) with sudo, no failures at all.
 */
import type { AnyContext, HostRuntime } from '../context.js';
import type { Employee } from '../organization.js';
import type { Random } from '../random.js';
import type { AttackGenerator, EpisodePlan, EpisodeSummary } from './episode.js';
import { minutes, seconds } from '../clock.js';
import { closeSession, openSession, type LoginOptions } from '../sequences/ssh.js';
import {
  createAccount,
  elevated,
  setPassword,
  su,
  sudo,
  sudoRefused,
  sudoWrongPasswords,
  type NewAccount,
  type Terminal,
} from '../sequences/privilege.js';
import { ADMIN_SUDO_COMMANDS, type SudoCommandTemplate } from '../catalog/commands.js';

const ROOT = { name: 'root', uid: 0 };
/** Names chosen to pass for system or service accounts. */
const BACKDOOR_NAMES = ['backup2', 'sysadm', 'support1', 'dbadmin', 'svc-maint', 'systemd-sync', 'nagios2', 'ops'];
const ESCALATION_COMMANDS = [
  '/bin/bash',
  '/usr/bin/su -',
  '/usr/bin/cat /etc/shadow',
  '/usr/sbin/visudo',
  '/usr/bin/vim /etc/sudoers',
  '/usr/bin/passwd root',
  '/usr/bin/cp /bin/bash /tmp/.sh',
  '/usr/bin/chmod u+s /tmp/.sh',
  '/usr/bin/id',
];

/** A shell someone misuses: on which host, as whom, from where, and how they got in. */
export interface ShellAbuse {
  host: HostRuntime;
  ip: string;
  /** Whoever holds a stolen key does not know the account's password. */
  stolenKey: boolean;
  login: LoginOptions;
}

/** After the login: sudo refused, su failing, and now and then root and a UID-0 account. */
export function abuseShell(ctx: AnyContext, rng: Random, plan: EpisodePlan, { host, ip, stolenKey, login }: ShellAbuse): string {
  const { session, time: loggedIn } = openSession(ctx, rng, { host, ip, origin: plan }, plan.start, login);
  const terminal: Terminal = { host, account: login.account, tty: session.tty, origin: plan };

  let time = loggedIn + seconds(rng.between(20, 180));
  const refusals = rng.int(2, 5);
  for (let i = 0; i < refusals; i++) {
    if (stolenKey && rng.chance(0.6)) time = sudoWrongPasswords(ctx, rng, terminal, time, rng.pick(ESCALATION_COMMANDS));
    else time = sudoRefused(ctx, terminal, time, rng.pick(ESCALATION_COMMANDS));
    time += seconds(rng.between(5, 90));
  }
  const suFailures = rng.int(2, 8);
  for (let i = 0; i < suFailures; i++) time = su(ctx, rng, terminal, time, ROOT, false) + seconds(rng.between(2, 40));

  let outcome = 'gave up';
  if (rng.chance(0.6)) {
    const backdoor = rng.pick(BACKDOOR_NAMES);
    const rootSeconds = rng.between(60, 600);
    const suStart = time;
    su(ctx, rng, terminal, suStart, ROOT, true, rootSeconds);
    const rootTerminal = elevated(terminal);
    let rootTime = suStart + seconds(rng.between(10, 40));
    rootTime = createAccount(ctx, rng, rootTerminal, rootTime, {
      name: backdoor,
      uid: 0,
      gid: 0,
      home: rng.pick(['/root', `/home/${backdoor}`, '/var/lib/misc']),
    });
    setPassword(ctx, rng, rootTerminal, rootTime, backdoor);
    time = suStart + seconds(rootSeconds) + seconds(rng.between(5, 30));
    outcome = `root via su, created UID 0 ${backdoor}`;
  }
  closeSession(ctx, rng, session, time + seconds(rng.between(5, 60)));
  return `${refusals} sudo refusals, ${suFailures} su failures, ${outcome}`;
}

export const sudoAbuse: AttackGenerator = (ctx, rng, plan): EpisodeSummary => {
  const candidates = ctx.org.employees.filter((employee) => employee.role !== 'admin');
  const user: Employee = rng.pick(candidates);
  const hostName = rng.pick(user.hosts.filter((name) => !user.sudoHosts.includes(name)));
  const host = ctx.host(hostName);
  const stolenKey = rng.chance(0.4);
  const ip = stolenKey ? ctx.internet.scanner(rng) : user.vpnIp;
  const detail = abuseShell(ctx, rng, plan, { host, ip, stolenKey, login: { account: user, method: 'publickey', key: user.key } });
  return { source: `${user.name} from ${ip}`, target: hostName, detail };
};

/** A UID-0 account, or one in the admins' group (`sudo` on Debian, `wheel` on RHEL). */
function rogueCommands(rng: Random, name: string, adminGroup: string): { command: string; account: NewAccount } {
  if (rng.chance(0.75)) {
    const home = rng.pick(['/root', `/home/${name}`, '/var/lib/misc']);
    return { command: `/usr/sbin/useradd -o -u 0 -g 0 -M -d ${home} -s /bin/bash ${name}`, account: { name, uid: 0, gid: 0, home } };
  }
  const uid = rng.int(1050, 1099);
  return { command: `/usr/sbin/useradd -m -s /bin/bash -G ${adminGroup} ${name}`, account: { name, uid, groups: [adminGroup] } };
}

/** An admin's session that quietly creates a root-equivalent account; returns the useradd command. */
export function plantAccount(
  ctx: AnyContext,
  rng: Random,
  plan: EpisodePlan,
  host: HostRuntime,
  ip: string,
  login: LoginOptions,
  cover: readonly SudoCommandTemplate[],
  adminGroup = 'sudo',
): string {
  const admin = login.account;
  const { session, time: loggedIn } = openSession(ctx, rng, { host, ip, origin: plan }, plan.start, login);
  const terminal: Terminal = { host, account: admin, tty: session.tty, origin: plan };
  let time = loggedIn + seconds(rng.between(15, 120));
  // Something ordinary first, as cover.
  if (rng.chance(0.6)) {
    const coverCommand = rng.pick(cover);
    time =
      sudo(ctx, rng, terminal, time, coverCommand.command, { pwd: `/home/${admin.name}`, runSeconds: rng.between(1, 30) }) +
      seconds(rng.between(10, 60));
  }
  const name = rng.pick(BACKDOOR_NAMES);
  const { command, account } = rogueCommands(rng, name, adminGroup);
  createAccount(ctx, rng, elevated(terminal), time + seconds(0.015), account);
  time =
    sudo(ctx, rng, terminal, time, command, { pwd: `/home/${admin.name}`, runSeconds: rng.between(0.1, 0.4) }) +
    seconds(rng.between(3, 20));
  const passwordSet = setPassword(ctx, rng, elevated(terminal), time, name);
  time = sudo(ctx, rng, terminal, time, `/usr/bin/passwd ${name}`, {
    pwd: `/home/${admin.name}`,
    runSeconds: (passwordSet - time) / 1e6 + 0.01,
  });
  closeSession(ctx, rng, session, time + minutes(rng.between(0.2, 5)));
  return command;
}

export const rogueAccountCreation: AttackGenerator = (ctx, rng, plan): EpisodeSummary => {
  const admin = rng.pick(ctx.org.admins);
  const host = ctx.host(rng.pick(admin.hosts.filter((name) => name !== 'fw-01')));
  const command = plantAccount(
    ctx,
    rng,
    plan,
    host,
    admin.vpnIp,
    { account: admin, method: admin.authMethod, key: admin.key },
    ADMIN_SUDO_COMMANDS,
  );
  return { source: `${admin.name} from ${admin.vpnIp}`, target: host.name, detail: command };
};
