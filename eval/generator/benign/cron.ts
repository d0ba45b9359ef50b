/** Every host's cron jobs, as Debian's cron logs them: PAM session, the command, session closed. */
import type { GenerationContext, HostRuntime } from '../context.js';
import type { CronJob } from '../organization.js';
import type { Random } from '../random.js';
import { BENIGN } from '../log-stream.js';
import { MICROS_PER_MINUTE, dayStart, seconds } from '../clock.js';
import { pamSessionClosed, pamSessionOpened } from '../messages/pam.js';
import { cronCommand } from '../messages/cron.js';

function runJob(ctx: GenerationContext, rng: Random, host: HostRuntime, job: CronJob, start: number): void {
  // The CRON process forks the job's shell at once, so the CMD line carries the next PID.
  const pid = host.pids.block(start, 2);
  const log = (time: number, logPid: number, message: string): void => ctx.log(time, host, 'CRON', logPid, message, BENIGN);
  log(start, pid, pamSessionOpened('cron', job.user, job.uid, { uid: 0 }));
  log(start + seconds(rng.between(0.0005, 0.004)), pid + 1, cronCommand(job.user, job.command));
  log(start + seconds(rng.between(job.runSeconds[0], job.runSeconds[1])), pid, pamSessionClosed('cron', job.user));
}

export function generateCron(ctx: GenerationContext, rng: Random): void {
  for (const host of ctx.hostsWhere(() => true)) {
    const hostRng = rng.fork(host.name);
    const firstMinute = Math.ceil((ctx.startTime - dayStart(ctx.startTime)) / MICROS_PER_MINUTE);
    const origin = dayStart(ctx.startTime);
    for (let minute = firstMinute; origin + minute * MICROS_PER_MINUTE < ctx.endTime; minute++) {
      const minuteOfDay = minute % 1440;
      // cron wakes at the top of each minute and starts that minute's jobs in crontab order.
      let start = origin + minute * MICROS_PER_MINUTE + seconds(hostRng.between(0.001, 0.05));
      for (const job of host.spec.cronJobs) {
        if (minuteOfDay % job.everyMinutes !== job.atMinute) continue;
        runJob(ctx, hostRng, host, job, start);
        start += seconds(hostRng.between(0.0005, 0.003));
      }
    }
  }
}
