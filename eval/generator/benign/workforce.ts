/**
 * Employees at work: SSH sessions during working hours from their office desk or VPN address,
 * the occasional mistyped password, admins' sudo commands, developers restarting their services,
 * the on-call admin at night, weekend check-ins, and new accounts for new colleagues.
 */
import type { GenerationContext } from '../context.js';
import type { Employee } from '../organization.js';
import type { Random } from '../random.js';
import { BENIGN } from '../log-stream.js';
import { MICROS_PER_DAY, dayStart, hours, isWeekend, minutes, seconds } from '../clock.js';
import { closeSession, openSession } from '../sequences/ssh.js';
import { createAccount, elevated, setPassword, su, sudo, sudoRefused, type Terminal } from '../sequences/privilege.js';
import { ADMIN_SUDO_COMMANDS, DEVELOPER_REFUSED_COMMANDS, DEVELOPER_SUDO_COMMANDS, type SudoCommandTemplate } from '../catalog/commands.js';

const POSTGRES = { name: 'postgres', uid: 114 };
const SESSIONS_PER_DAY: Record<Employee['role'], number> = { admin: 4, developer: 2.5, analyst: 0.8 };
const SUDO_PER_SESSION: Record<Employee['role'], number> = { admin: 2.2, developer: 0.7, analyst: 0 };

function resolvePwd(template: SudoCommandTemplate, user: string): string {
  return template.pwd === '~' ? `/home/${user}` : template.pwd;
}

/** One SSH session of an employee with whatever they do in it. Returns its end. */
function workSession(
  ctx: GenerationContext,
  rng: Random,
  employee: Employee,
  hostName: string,
  ip: string,
  start: number,
  length: number,
): number {
  const host = ctx.host(hostName);
  const mistypes = employee.authMethod === 'password' && rng.chance(0.06) ? 1 : 0;
  const { session, time: loggedIn } = openSession(ctx, rng, { host, ip, origin: BENIGN }, start, {
    account: employee,
    method: employee.authMethod,
    key: employee.key,
    mistypes,
  });
  const terminal: Terminal = { host, account: employee, tty: session.tty, origin: BENIGN };
  const end = loggedIn + length;
  const canSudo = employee.sudoHosts.includes(hostName);
  const commands = canSudo ? rng.poisson(SUDO_PER_SESSION[employee.role]) : 0;
  const catalog = employee.role === 'admin' ? ADMIN_SUDO_COMMANDS : DEVELOPER_SUDO_COMMANDS;
  let time = loggedIn;
  for (let i = 0; i < commands; i++) {
    time += seconds(10 + rng.exponential(length / 1e6 / (commands + 1)));
    if (time >= end) break;
    if (employee.role === 'admin' && hostName === 'db-01' && rng.chance(0.3)) {
      // sudo's session stays open while the su session it started runs.
      const suSeconds = rng.between(30, 900);
      su(ctx, rng, elevated(terminal), time + seconds(0.015), POSTGRES, true, suSeconds);
      time = sudo(ctx, rng, terminal, time, '/usr/bin/su - postgres', { runSeconds: suSeconds + 0.03 });
      continue;
    }
    const template = rng.pick(catalog);
    time = sudo(ctx, rng, terminal, time, template.command, {
      pwd: resolvePwd(template, employee.name),
      mistypes: i === 0 && rng.chance(0.03) ? 1 : 0,
      runSeconds: rng.between(template.runSeconds[0], template.runSeconds[1]),
    });
  }
  if (!canSudo && employee.role === 'developer' && rng.chance(0.02)) {
    // Someone forgets they have no sudo on this host.
    sudoRefused(ctx, terminal, loggedIn + seconds(rng.between(20, 300)), rng.pick(DEVELOPER_REFUSED_COMMANDS));
  }
  return closeSession(ctx, rng, session, Math.max(end, time + seconds(rng.between(5, 60))));
}

function pickHost(rng: Random, employee: Employee): string {
  return rng.weighted(
    employee.hosts,
    employee.hosts.map((host) => (host === 'bastion-01' ? 3 : 1)),
  );
}

/** Where the employee connects from today; rarely a fresh VPN address (the static lease failed). */
function sourceAddress(rng: Random, employee: Employee, inOffice: boolean): string {
  if (!inOffice && rng.chance(0.02)) return `10.8.0.${rng.int(200, 250)}`;
  return inOffice ? employee.officeIp : employee.vpnIp;
}

function workday(ctx: GenerationContext, rng: Random, employee: Employee, day: number): void {
  if (!rng.chance(0.88)) return; // leave, sick, meetings all day
  const inOffice = rng.chance(0.65);
  const arrive = day + hours(Math.min(11, Math.max(6.5, rng.normal(8.8, 0.7))));
  const leave = arrive + hours(Math.max(4, rng.normal(8.7, 0.8)));
  const sessions = rng.poisson(SESSIONS_PER_DAY[employee.role]);
  for (let i = 0; i < sessions; i++) {
    const start = rng.between(arrive, leave - minutes(10));
    const length = Math.min(minutes(1 + rng.exponential(40)), leave + minutes(20) - start);
    workSession(
      ctx,
      rng,
      employee,
      pickHost(rng, employee),
      sourceAddress(rng, employee, inOffice),
      Math.round(start),
      Math.max(minutes(1), length),
    );
  }
}

function weekendCheckIn(ctx: GenerationContext, rng: Random, employee: Employee, day: number): void {
  const start = day + hours(rng.between(10, 23));
  workSession(ctx, rng, employee, pickHost(rng, employee), employee.vpnIp, start, minutes(2 + rng.exponential(15)));
}

/** The on-call admin of the week, woken by an alert, fixes something from home over the VPN. */
function onCallNight(ctx: GenerationContext, rng: Random, day: number, weekIndex: number): void {
  const admins = ctx.org.admins;
  const admin = admins[weekIndex % admins.length];
  if (!admin || !rng.chance(0.35)) return;
  const start = day + hours(22) + hours(rng.between(0, 6.5));
  const host = rng.pick(admin.hosts.filter((name) => name !== 'fw-01'));
  workSession(ctx, rng, admin, host, admin.vpnIp, start, minutes(5 + rng.exponential(20)));
}

/** An admin creates an account for a new colleague or contractor during working hours. */
function provisionAccount(ctx: GenerationContext, rng: Random, day: number, uid: number): void {
  const admin = rng.pick(ctx.org.admins);
  const host = ctx.host(rng.pick(['bastion-01', 'app-01', 'app-02', 'ci-01']));
  const name = `${rng.pick(['j', 'm', 'a', 's', 'k', 'l', 'r', 't'])}${rng.pick(['hoffmann', 'jensen', 'moreno', 'nakamura', 'obrien', 'quinn', 'varga', 'yilmaz'])}`;
  const start = day + hours(rng.between(9.5, 16.5));
  const { session, time: loggedIn } = openSession(ctx, rng, { host, ip: admin.officeIp, origin: BENIGN }, start, {
    account: admin,
    method: admin.authMethod,
    key: admin.key,
  });
  const terminal: Terminal = { host, account: admin, tty: session.tty, origin: BENIGN };
  let time = loggedIn + seconds(rng.between(10, 60));
  const command = `/usr/sbin/useradd -m -s /bin/bash -G docker ${name}`;
  createAccount(ctx, rng, elevated(terminal), time + seconds(0.015), { name, uid, groups: ['docker'] });
  time = sudo(ctx, rng, terminal, time, command, { pwd: `/home/${admin.name}`, runSeconds: rng.between(0.1, 0.4) });
  time += seconds(rng.between(3, 20));
  const passwordSet = setPassword(ctx, rng, elevated(terminal), time, name);
  time = sudo(ctx, rng, terminal, time, `/usr/bin/passwd ${name}`, { runSeconds: (passwordSet - time) / 1e6 + 0.01 });
  closeSession(ctx, rng, session, time + seconds(rng.between(10, 120)));
}

export function generateWorkforce(ctx: GenerationContext, rng: Random): void {
  let nextUid = 1100;
  const firstDay = dayStart(ctx.startTime);
  for (let day = firstDay, index = 0; day < ctx.endTime; day += MICROS_PER_DAY, index++) {
    const dayRng = rng.fork(`day/${index}`);
    const weekend = isWeekend(day);
    for (const employee of ctx.org.employees) {
      const personal = dayRng.fork(employee.name);
      if (!weekend) workday(ctx, personal, employee, day);
      else if (personal.chance(0.04)) weekendCheckIn(ctx, personal, employee, day);
    }
    onCallNight(ctx, dayRng.fork('on-call'), day, Math.floor(index / 7));
    if (!weekend && dayRng.chance(0.3)) provisionAccount(ctx, dayRng.fork('provision'), day, nextUid++);
  }
}
