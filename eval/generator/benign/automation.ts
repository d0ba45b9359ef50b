/**
 * Service accounts logging in by key from internal machines: the deploy pipeline on weekdays,
 * Ansible's nightly run on every host, and the nightly backup pull from the database host.
 */
import type { GenerationContext } from '../context.js';
import type { ServiceAccount } from '../organization.js';
import type { Random } from '../random.js';
import { BENIGN } from '../log-stream.js';
import { MICROS_PER_DAY, MICROS_PER_SECOND, dayStart, hours, isWeekend, minutes, seconds } from '../clock.js';
import { closeSession, openSession } from '../sequences/ssh.js';
import { sudo, type Terminal } from '../sequences/privilege.js';
import { ANSIBLE_MODULES, DEPLOY_COMMANDS } from '../catalog/commands.js';
import { SSH_HOSTS } from '../organization.js';

const DEPLOY_TARGETS = ['web-01', 'web-02', 'app-01', 'app-02'];

/** Logs in as `account`, lets `work` run commands, logs out; returns the logout time. */
function serviceSession(
  ctx: GenerationContext,
  rng: Random,
  account: ServiceAccount,
  hostName: string,
  start: number,
  work: (terminal: Terminal, time: number) => number,
): number {
  const host = ctx.host(hostName);
  const { session, time } = openSession(ctx, rng, { host, ip: account.sourceIp, origin: BENIGN }, start, {
    account,
    method: 'publickey',
    key: account.key,
  });
  const end = work({ host, account, tty: session.tty, origin: BENIGN }, time);
  return closeSession(ctx, rng, session, end + seconds(rng.between(0.2, 2)));
}

function deployRelease(ctx: GenerationContext, rng: Random, start: number): void {
  const { deploy } = ctx.org.serviceAccounts;
  let time = start;
  for (const hostName of DEPLOY_TARGETS) {
    time = serviceSession(ctx, rng, deploy, hostName, time, (terminal, loggedIn) => {
      let t = loggedIn + seconds(rng.between(3, 40)); // files are copied first
      for (const command of rng.sample(DEPLOY_COMMANDS, rng.int(1, 2))) {
        t = sudo(ctx, rng, terminal, t, command, { pwd: '/home/deploy', runSeconds: rng.between(0.5, 8) }) + seconds(rng.between(0.2, 2));
      }
      return t;
    });
    time += seconds(rng.between(1, 6));
  }
}

/** Ansible's `become` wraps each module run in `/bin/sh -c echo BECOME-SUCCESS-… ; python3 …`. */
function ansibleCommand(rng: Random, time: number, pid: number): string {
  const marker = rng.chars('abcdefghijklmnopqrstuvwxyz', 32);
  const tmp = `ansible-tmp-${(time / MICROS_PER_SECOND).toFixed(7)}-${pid}-${rng.int(10 ** 13, 10 ** 14)}`;
  return `/bin/sh -c echo BECOME-SUCCESS-${marker} ; /usr/bin/python3 /home/ansible/.ansible/tmp/${tmp}/AnsiballZ_${rng.pick(ANSIBLE_MODULES)}.py`;
}

function ansibleRun(ctx: GenerationContext, rng: Random, start: number): void {
  const { ansible } = ctx.org.serviceAccounts;
  const controllerPid = rng.int(100_000, 900_000);
  for (const hostName of SSH_HOSTS) {
    // Ansible works on hosts in parallel batches: start times spread over a minute or two.
    serviceSession(ctx, rng, ansible, hostName, start + seconds(rng.between(0, 90)), (terminal, loggedIn) => {
      let t = loggedIn;
      const tasks = rng.int(6, 20);
      for (let i = 0; i < tasks; i++) {
        t += seconds(rng.between(0.4, 3));
        t = sudo(ctx, rng, terminal, t, ansibleCommand(rng, t, controllerPid), { pwd: '/home/ansible', runSeconds: rng.between(0.3, 6) });
      }
      return t;
    });
  }
}

function backupPull(ctx: GenerationContext, rng: Random, start: number): void {
  const { backup } = ctx.org.serviceAccounts;
  serviceSession(ctx, rng, backup, 'db-01', start, (_terminal, loggedIn) => loggedIn + minutes(rng.between(8, 25)));
}

export function generateAutomation(ctx: GenerationContext, rng: Random): void {
  for (let day = dayStart(ctx.startTime), index = 0; day < ctx.endTime; day += MICROS_PER_DAY, index++) {
    const dayRng = rng.fork(`day/${index}`);
    if (!isWeekend(day)) {
      const deploys = dayRng.int(2, 6);
      for (let i = 0; i < deploys; i++) deployRelease(ctx, dayRng, day + hours(dayRng.between(9, 18)));
    }
    ansibleRun(ctx, dayRng, day + hours(3) + minutes(dayRng.between(0, 4)));
    backupPull(ctx, dayRng, day + hours(2) + seconds(dayRng.between(0, 120)));
  }
}
