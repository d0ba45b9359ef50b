/**
 * Software installed on site 2's servers during the stream, and the system accounts its
 * maintainer scripts create. Half the installs have no person around them (ansible-pull at
 * night, or unattended-upgrades pulling in a new dependency: `from=none`); the other half an
 * admin runs with `sudo apt install` in an SSH session (`from=/dev/pts/N`), sometimes adding a
 * service account to the new group afterwards.
 */
import type { GenerationContext, HostRuntime } from '../../context.js';
import type { Random } from '../../random.js';
import { BENIGN, type Origin } from '../../log-stream.js';
import { LocalClock, MICROS_PER_DAY, hours, seconds } from '../../clock.js';
import {
  addedToGroup,
  addedToShadowGroup,
  groupAddedToGroupFile,
  groupAddedToGshadow,
  newGroup,
  newUser,
  passwordExpiryChanged,
  userInformationChanged,
} from '../../messages/accounts.js';
import { closeSession, openSession } from '../../sequences/ssh.js';
import { sudo, type Terminal } from '../../sequences/privilege.js';
import { sysusersGroupCreated, sysusersUserCreated } from '../../messages/systemd.js';
import { SITE2_UTC_OFFSET_MINUTES, type Agency, type Site2Host } from '../organization.js';
import { DEBIAN_PACKAGES, RHEL7_PACKAGES, type PackageAccount } from '../catalog/packages.js';
import type { OnlineInterval } from './online-time.js';

type Context = GenerationContext<Agency>;

/** The next free system UID and GID: Debian counts up from its last, RHEL down from 999. */
class SystemIds {
  constructor(
    private uid: number,
    private gid: number,
    private readonly step: 1 | -1,
  ) {}

  next(): { uid: number; gid: number } {
    const ids = { uid: this.uid, gid: this.gid };
    this.uid += this.step;
    this.gid += this.step;
    return ids;
  }
}

function systemIdsFor(host: Site2Host): SystemIds {
  if (host.cronFlavour === 'rhel7') return new SystemIds(995, 993, -1);
  return host.role === 'mail' ? new SystemIds(115, 122, 1) : new SystemIds(110, 117, 1);
}

/** What the maintainer scripts log; `from` is the terminal (`none` without one, omitted on RHEL 7). */
function createPackageAccounts(
  ctx: Context,
  rng: Random,
  host: HostRuntime<Site2Host>,
  pkg: PackageAccount,
  ids: SystemIds,
  time: number,
  from: string,
  origin: Origin,
): number {
  const { uid, gid } = ids.next();
  // The maintainer script runs the tools one after another: consecutive PIDs with a fork or two between.
  let nextPid = host.pids.block(time, 12);
  const pid = (): number => (nextPid += 2) - 2;
  const log = (program: string, processId: number, message: string): void => {
    ctx.log(time, host, program, processId, message, origin);
    time += seconds(rng.between(0.002, 0.03));
  };
  const rhel = host.spec.legacyShadow === true;
  const tool = rhel ? 'adduser' : (pkg.tool ?? 'adduser');
  if (tool === 'sysusers') {
    const sysusers = pid();
    log('systemd-sysusers', sysusers, sysusersGroupCreated(pkg.group, gid));
    if (pkg.user) log('systemd-sysusers', sysusers, sysusersUserCreated(pkg.user.name, pkg.description ?? pkg.user.name, uid, gid));
    return time;
  }
  if (tool === 'adduser' || !pkg.user) {
    const groupadd = pid();
    log('groupadd', groupadd, groupAddedToGroupFile(pkg.group, gid));
    log('groupadd', groupadd, groupAddedToGshadow(pkg.group));
    log('groupadd', groupadd, newGroup(pkg.group, gid));
  }
  if (!pkg.user) return time;
  const { name, home, shell } = pkg.user;
  const useradd = pid();
  // `useradd --user-group` creates the group itself and says so first.
  if (tool === 'useradd') log('useradd', useradd, newGroup(pkg.group, gid));
  log('useradd', useradd, newUser({ name, uid, gid, home, shell, ...(rhel ? {} : { from }) }));
  if (pkg.adduserFollowUps && !rhel) {
    log('chage', pid(), passwordExpiryChanged(name));
    log('chfn', pid(), userInformationChanged(name));
  }
  for (const group of pkg.joins ?? []) {
    const usermod = pid();
    log('usermod', usermod, addedToGroup(name, group));
    log('usermod', usermod, addedToShadowGroup(name, group));
  }
  return time;
}

interface Install {
  host: HostRuntime<Site2Host>;
  pkg: PackageAccount;
  day: number;
}

function planInstalls(ctx: Context, rng: Random): Install[] {
  const clock = new LocalClock(SITE2_UTC_OFFSET_MINUTES);
  const installs: Install[] = [];
  for (const host of ctx.hostsWhere(() => true)) {
    const hostRng = rng.fork(host.name);
    const catalog = host.spec.cronFlavour === 'rhel7' ? RHEL7_PACKAGES : DEBIAN_PACKAGES;
    const available = hostRng.shuffle(catalog.filter((pkg) => !host.spec.accounts.has(pkg.user?.name ?? pkg.group)));
    const perDay = host.spec.role === 'crm' ? 0.15 : 0.35;
    for (let day = clock.dayStart(ctx.startTime); day < ctx.endTime && available.length > 0; day += MICROS_PER_DAY) {
      if (hostRng.chance(perDay)) installs.push({ host, pkg: available.pop() as PackageAccount, day });
    }
  }
  return installs;
}

/** An admin online that day (in the studio's zone) who can run apt there, and when. */
function adminAt(
  ctx: Context,
  rng: Random,
  install: Install,
  online: ReadonlyMap<string, readonly OnlineInterval[]>,
): { name: string; interval: OnlineInterval } | undefined {
  const candidates: { name: string; interval: OnlineInterval }[] = [];
  for (const admin of ctx.org.admins) {
    if (!admin.ssh.some((access) => access.host === install.host.name && access.sudo)) continue;
    for (const interval of online.get(admin.name) ?? []) {
      if (interval.start >= install.day && interval.start < install.day + MICROS_PER_DAY && interval.end - interval.start > hours(0.5))
        candidates.push({ name: admin.name, interval });
    }
  }
  return candidates.length > 0 ? rng.pick(candidates) : undefined;
}

function installBySudo(ctx: Context, rng: Random, install: Install, ids: SystemIds, who: { name: string; interval: OnlineInterval }): void {
  const admin = ctx.org.staff.find((member) => member.name === who.name);
  if (!admin) return;
  const { host, pkg } = install;
  const start = who.interval.start + Math.round(rng.float() * (who.interval.end - who.interval.start - hours(0.4)));
  const { session, time: loggedIn } = openSession(ctx, rng, { host, ip: who.interval.address, origin: BENIGN }, start, {
    account: admin,
    method: 'publickey',
    key: admin.key,
  });
  const terminal: Terminal = { host, account: admin, tty: session.tty, origin: BENIGN };
  let time = loggedIn + seconds(rng.between(10, 90));
  time = sudo(ctx, rng, terminal, time, '/usr/bin/apt update', { runSeconds: rng.between(3, 15) }) + seconds(rng.between(2, 20));
  const aptSeconds = rng.between(25, 140);
  createPackageAccounts(ctx, rng, host, pkg, ids, time + seconds(aptSeconds * rng.between(0.3, 0.7)), `/dev/${session.tty}`, BENIGN);
  time =
    sudo(ctx, rng, terminal, time, `/usr/bin/apt install -y ${pkg.package}`, { runSeconds: aptSeconds }) + seconds(rng.between(10, 120));
  for (const member of pkg.members ?? []) {
    const command = `/usr/sbin/usermod -aG ${pkg.group} ${member}`;
    const usermod = host.pids.at(time + seconds(0.02));
    ctx.log(time + seconds(0.02), host, 'usermod', usermod, addedToGroup(member, pkg.group), BENIGN);
    ctx.log(time + seconds(0.03), host, 'usermod', usermod, addedToShadowGroup(member, pkg.group), BENIGN);
    time = sudo(ctx, rng, terminal, time, command, { runSeconds: rng.between(0.05, 0.2) }) + seconds(rng.between(5, 60));
  }
  closeSession(ctx, rng, session, time + seconds(rng.between(20, 600)));
}

export function generatePackageInstalls(ctx: Context, rng: Random, online: ReadonlyMap<string, readonly OnlineInterval[]>): void {
  const ids = new Map<string, SystemIds>();
  for (const install of planInstalls(ctx, rng.fork('plan'))) {
    const installRng = rng.fork(`${install.host.name}/${install.pkg.package}`);
    let hostIds = ids.get(install.host.name);
    if (!hostIds) ids.set(install.host.name, (hostIds = systemIdsFor(install.host.spec)));
    const admin = installRng.chance(0.5) ? adminAt(ctx, installRng, install, online) : undefined;
    if (admin) {
      installBySudo(ctx, installRng, install, hostIds, admin);
      continue;
    }
    // ansible-pull at night, or unattended-upgrades after breakfast: nobody logged in.
    const at = install.day + hours(installRng.chance(0.5) ? installRng.between(2, 4.5) : installRng.between(6, 7));
    createPackageAccounts(ctx, installRng, install.host, install.pkg, hostIds, at, 'none', BENIGN);
  }
}
