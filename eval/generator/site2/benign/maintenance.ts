/**
 * systemd's daily housekeeping on the Debian and Ubuntu servers, as PID 1 logs each run: apt's
 * two timers (package lists twice a day at random times, unattended-upgrades in the morning) and
 * logrotate at midnight, all in the studio's local time.
 */
import type { GenerationContext } from '../../context.js';
import type { Random } from '../../random.js';
import { BENIGN } from '../../log-stream.js';
import { LocalClock, MICROS_PER_DAY, hours, seconds } from '../../clock.js';
import { unitDeactivated, unitFinished, unitStarting } from '../../messages/systemd.js';
import { SITE2_UTC_OFFSET_MINUTES, type Agency } from '../organization.js';

const UNITS = [
  {
    unit: 'apt-daily.service',
    description: 'Daily apt download activities',
    at: (rng: Random): number => rng.between(0, 24),
    runs: [5, 40],
  },
  {
    unit: 'apt-daily.service',
    description: 'Daily apt download activities',
    at: (rng: Random): number => rng.between(0, 24),
    runs: [5, 40],
  },
  {
    unit: 'apt-daily-upgrade.service',
    description: 'Daily apt upgrade and clean activities',
    at: (rng: Random): number => rng.between(6, 7),
    runs: [10, 240],
  },
  { unit: 'logrotate.service', description: 'Rotate log files', at: (rng: Random): number => rng.between(0, 0.01), runs: [0.2, 3] },
  { unit: 'man-db.service', description: 'Daily man-db regeneration', at: (rng: Random): number => rng.between(0, 0.02), runs: [0.5, 8] },
] as const;

export function generateMaintenance(ctx: GenerationContext<Agency>, rng: Random): void {
  const clock = new LocalClock(SITE2_UTC_OFFSET_MINUTES);
  for (const host of ctx.hostsWhere((spec) => spec.cronFlavour === 'debian')) {
    const hostRng = rng.fork(host.name);
    for (let day = clock.dayStart(ctx.startTime); day < ctx.endTime; day += MICROS_PER_DAY) {
      for (const { unit, description, at, runs } of UNITS) {
        const start = day + hours(at(hostRng));
        const end = start + seconds(hostRng.between(runs[0], runs[1]));
        ctx.log(start, host, 'systemd', 1, unitStarting(unit, description), BENIGN);
        ctx.log(end, host, 'systemd', 1, unitDeactivated(unit), BENIGN);
        ctx.log(end + seconds(0.0003), host, 'systemd', 1, unitFinished(unit, description), BENIGN);
      }
    }
  }
}
