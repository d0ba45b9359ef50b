/**
 * Every host's cron jobs, as cron logs them: PAM session, the command, session closed. Debian's
 * cron (`CRON[pid]`, the command under the forked child's PID) or RHEL 7's cronie (`crond[pid]`
 * for PAM with the older session format, `CROND[pid]` for the command).
 */
import type { AnyContext, GenerationContext, HostRuntime } from '../context.js';
import type { CronJob } from '../organization.js';
import type { Random } from '../random.js';
import { BENIGN } from '../log-stream.js';
import { MICROS_PER_MINUTE, dayStart, seconds } from '../clock.js';
import { pamSessionClosed, pamSessionOpened, pamSessionOpenedWithoutUid } from '../messages/pam.js';
import { cronCommand } from '../messages/cron.js';

export type CronFlavour = 'debian' | 'rhel7';

function runJob(ctx: AnyContext, rng: Random, host: HostRuntime, job: CronJob, start: number, flavour: CronFlavour): void {
  if (flavour === 'rhel7') {
    const pid = host.pids.at(start);
    ctx.log(start, host, 'crond', pid, pamSessionOpenedWithoutUid('crond', job.user, { uid: 0 }), BENIGN);
    ctx.log(start + seconds(rng.between(0.0005, 0.004)), host, 'CROND', pid, cronCommand(job.user, job.command), BENIGN);
    ctx.log(
      start + seconds(rng.between(job.runSeconds[0], job.runSeconds[1])),
      host,
      'crond',
      pid,
      pamSessionClosed('crond', job.user),
      BENIGN,
    );
    return;
  }
  // The CRON process forks the job's shell at once, so the CMD line carries the next PID.
  const pid = host.pids.block(start, 2);
  const log = (time: number, logPid: number, message: string): void => ctx.log(time, host, 'CRON', logPid, message, BENIGN);
  log(start, pid, pamSessionOpened('cron', job.user, job.uid, { uid: 0 }));
  log(start + seconds(rng.between(0.0005, 0.004)), pid + 1, cronCommand(job.user, job.command));
  log(start + seconds(rng.between(job.runSeconds[0], job.runSeconds[1])), pid, pamSessionClosed('cron', job.user));
}

/** Runs `jobs` on `host` for the whole stream; crontab minutes are the hosts' local time. */
export function generateHostCron(
  ctx: AnyContext,
  hostRng: Random,
  host: HostRuntime,
  jobs: readonly CronJob[],
  flavour: CronFlavour,
): void {
  const offset = ctx.utcOffsetMinutes * MICROS_PER_MINUTE;
  const origin = dayStart(ctx.startTime + offset) - offset;
  const firstMinute = Math.ceil((ctx.startTime - origin) / MICROS_PER_MINUTE);
  for (let minute = firstMinute; origin + minute * MICROS_PER_MINUTE < ctx.endTime; minute++) {
    const minuteOfDay = minute % 1440;
    // cron wakes at the top of each minute and starts that minute's jobs in crontab order.
    let start = origin + minute * MICROS_PER_MINUTE + seconds(hostRng.between(0.001, 0.05));
    for (const job of jobs) {
      if (minuteOfDay % job.everyMinutes !== job.atMinute) continue;
      runJob(ctx, hostRng, host, job, start, flavour);
      start += seconds(hostRng.between(0.0005, 0.003));
    }
  }
}

export function generateCron(ctx: GenerationContext, rng: Random): void {
  for (const host of ctx.hostsWhere(() => true)) generateHostCron(ctx, rng.fork(host.name), host, host.spec.cronJobs, 'debian');
}
