/**
 * People and automation on site 2's servers over SSH. Admins log in by key from wherever they
 * are that day (home line, coworking, VPN, phone hotspot), the owner also from his phone at odd
 * hours, the on-call admin at night from home; developers by key, one also by password on the
 * legacy CRM; the designer uploads files by SFTP with a password. Passwords are mistyped more
 * often than at site 1, sometimes twice. The CI service deploys from a new cloud address each
 * time; the backup box pulls every server at night.
 */
import type { GenerationContext, HostRuntime } from '../../context.js';
import type { Random } from '../../random.js';
import { BENIGN } from '../../log-stream.js';
import { LocalClock, MICROS_PER_DAY, hours, minutes, seconds } from '../../clock.js';
import { closeSession, openSession } from '../../sequences/ssh.js';
import { sudo, type Terminal } from '../../sequences/privilege.js';
import { subsystemRequest } from '../../messages/sshd.js';
import { SITE2_UTC_OFFSET_MINUTES, type Agency, type Site2Host, type SshAccess, type StaffMember } from '../organization.js';
import type { OnlineInterval } from './online-time.js';
import { SUDO_COMMANDS } from '../catalog/commands.js';
import { mistypes } from './typing.js';

type Context = GenerationContext<Agency>;

/** Sessions per online interval on one host, by what the person does there. */
function sessionsPerInterval(member: StaffMember, access: SshAccess, host: Site2Host): number {
  if (access.sftp) return 1.2;
  if (member.admin) return host.role === 'crm' ? 0.3 : 0.8;
  return host.role === 'crm' ? 0.7 : 0.8;
}

interface Visit {
  host: HostRuntime<Site2Host>;
  access: SshAccess;
  ip: string;
  start: number;
  length: number;
}

/** One SSH session and what happens in it; returns when it ends. */
function visit(ctx: Context, rng: Random, member: StaffMember, { host, access, ip, start, length }: Visit): number {
  const { session, time: loggedIn } = openSession(ctx, rng, { host, ip, origin: BENIGN }, start, {
    account: member,
    method: access.method,
    key: member.key,
    mistypes: access.method === 'password' ? mistypes(rng, member.typos) : 0,
  });
  const end = loggedIn + length;
  let time = loggedIn;
  if (access.sftp) {
    // The session's child process takes the subsystem request.
    ctx.log(
      loggedIn + seconds(rng.between(0.01, 0.2)),
      host,
      host.sshd.program,
      session.monitorPid + 2,
      subsystemRequest('sftp', member.name),
      BENIGN,
    );
  } else if (access.sudo) {
    const terminal: Terminal = { host, account: member, tty: session.tty, origin: BENIGN };
    const commands = rng.poisson(member.admin ? 1.8 : 0.6);
    for (let i = 0; i < commands; i++) {
      time += seconds(10 + rng.exponential(length / 1e6 / (commands + 1)));
      if (time >= end) break;
      const template = rng.pick(SUDO_COMMANDS[host.spec.role]);
      time = sudo(ctx, rng, terminal, time, template.command, {
        pwd: template.pwd === '~' ? `/home/${member.name}` : template.pwd,
        mistypes: i === 0 && rng.chance(member.typos.once) ? 1 : 0,
        runSeconds: rng.between(template.runSeconds[0], template.runSeconds[1]),
      });
    }
  }
  return closeSession(ctx, rng, session, Math.max(end, time + seconds(rng.between(5, 60))));
}

function workSessions(ctx: Context, rng: Random, member: StaffMember, intervals: readonly OnlineInterval[]): void {
  for (const interval of intervals) {
    for (const access of member.ssh) {
      const host = ctx.host(access.host);
      const count = rng.poisson(sessionsPerInterval(member, access, host.spec));
      for (let i = 0; i < count; i++) {
        const start = interval.start + Math.round(rng.float() * (interval.end - interval.start));
        const length = Math.max(minutes(0.5), Math.min(minutes(1 + rng.exponential(access.sftp ? 6 : 25)), interval.end - start));
        visit(ctx, rng, member, { host, access, ip: interval.address, start, length });
      }
    }
  }
}

/**
 * The owner checks a server from his phone now and then, at any waking hour, any day; the phone's
 * SSH app has no key, so on mx1 he types the password (keyboard-interactive, on a phone keyboard).
 */
function phoneChecks(ctx: Context, rng: Random, member: StaffMember): void {
  const clock = new LocalClock(member.utcOffsetMinutes);
  const reachable = member.ssh.filter((access) => access.host !== 'crm-old');
  if (reachable.length === 0) return;
  for (let day = clock.dayStart(ctx.startTime); day < ctx.endTime; day += MICROS_PER_DAY) {
    if (!rng.chance(0.6)) continue;
    // Mail trouble is what he is called about most.
    const picked = rng.weighted(
      reachable,
      reachable.map((access) => (access.host === 'mx1' ? 2 : 1)),
    );
    const access: SshAccess = picked.host === 'mx1' ? { ...picked, method: 'password' } : picked;
    const start = day + hours(rng.between(7, 23.8));
    visit(ctx, rng, member, {
      host: ctx.host(access.host),
      access,
      ip: member.carrier.sessionAddress(rng),
      start,
      length: minutes(rng.between(1, 8)),
    });
  }
}

/** Woken by an alert, the on-call admin fixes something from home between midnight and five. */
function onCallNights(ctx: Context, rng: Random, member: StaffMember): void {
  const clock = new LocalClock(member.utcOffsetMinutes);
  for (let day = clock.dayStart(ctx.startTime); day < ctx.endTime; day += MICROS_PER_DAY) {
    if (!rng.chance(0.12)) continue;
    const access = rng.pick(member.ssh.filter((candidate) => candidate.sudo));
    const start = day + hours(rng.between(0, 5));
    visit(ctx, rng, member, { host: ctx.host(access.host), access, ip: member.home.at(start), start, length: minutes(rng.between(5, 35)) });
  }
}

function deploys(ctx: Context, rng: Random): void {
  const { deploy, networks } = ctx.org;
  const host = ctx.hostsWhere((spec) => spec.role === 'apps')[0];
  if (!host) return;
  const clock = new LocalClock(SITE2_UTC_OFFSET_MINUTES);
  for (let day = clock.dayStart(ctx.startTime); day < ctx.endTime; day += MICROS_PER_DAY) {
    if (clock.weekday(day + hours(12)) === 0) continue;
    for (let i = rng.poisson(clock.weekday(day + hours(12)) === 6 ? 1 : 4); i > 0; i--) {
      // Pushes from India in the day and from Lisbon into the Indian evening.
      const start = day + hours(rng.between(10, 23));
      const { session, time } = openSession(ctx, rng, { host, ip: networks.ciRunners.pick(rng), origin: BENIGN }, start, {
        account: deploy,
        method: 'publickey',
        key: deploy.key,
      });
      const terminal: Terminal = { host, account: deploy, tty: session.tty, origin: BENIGN };
      const done = sudo(ctx, rng, terminal, time + seconds(rng.between(4, 30)), '/usr/bin/systemctl restart app.service', {
        pwd: '/home/deploy',
        runSeconds: rng.between(1, 6),
      });
      closeSession(ctx, rng, session, done + seconds(rng.between(0.5, 4)));
    }
  }
}

function backups(ctx: Context, rng: Random): void {
  const { backup } = ctx.org;
  const clock = new LocalClock(SITE2_UTC_OFFSET_MINUTES);
  for (let day = clock.dayStart(ctx.startTime); day < ctx.endTime; day += MICROS_PER_DAY) {
    let start = day + hours(1.5) + seconds(rng.between(0, 90));
    for (const host of ctx.hostsWhere(() => true)) {
      const { session, time } = openSession(ctx, rng, { host, ip: backup.sourceIp, origin: BENIGN }, start, {
        account: backup,
        method: 'publickey',
        key: backup.key,
      });
      start = closeSession(ctx, rng, session, time + minutes(rng.between(3, 20))) + seconds(rng.between(2, 20));
    }
  }
}

export function generateStaffSsh(ctx: Context, rng: Random, online: ReadonlyMap<string, readonly OnlineInterval[]>): void {
  for (const member of ctx.org.staff) {
    const memberRng = rng.fork(member.name);
    workSessions(ctx, memberRng, member, online.get(member.name) ?? []);
    if (member.role === 'owner') phoneChecks(ctx, memberRng.fork('phone'), member);
    if (member.role === 'sysadmin') onCallNights(ctx, memberRng.fork('on-call'), member);
  }
  deploys(ctx, rng.fork('deploys'));
  backups(ctx, rng.fork('backups'));
}
