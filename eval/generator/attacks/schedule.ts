/**
 * When attack episodes happen: spread over the whole stream (episode i of a kind falls in the
 * i-th slice of the window), each kind's first episode off hours (night or weekend, in the site's
 * own hours), and the kinds that are off-hours by definition always so.
 */
import type { AttackKind } from '../../labels.js';
import type { Random } from '../random.js';
import type { EpisodePlan } from './episode.js';
import { hourOfDay, hours, isOffHours, minutes } from '../clock.js';

/** Upper bound of each kind's length, so an episode always ends inside the window. */
const LONGEST: Record<AttackKind, number> = {
  brute_force: minutes(20),
  brute_force_success: minutes(50),
  password_spraying: hours(7.5),
  distributed_brute_force: hours(3.2),
  port_scan_fast: minutes(2),
  port_scan_slow: hours(4.5),
  web_scan: minutes(45),
  sudo_abuse: hours(1.5),
  rogue_account_creation: minutes(30),
  night_admin_login: hours(1),
  new_country_login: hours(1),
  impossible_travel: hours(3.5),
};

type Constraint = (time: number) => boolean;

/** When the site is off work, in its own time. */
export interface SiteHours {
  offHours: Constraint;
  /** Deep night, when the site's admins are asleep. */
  deepNight: Constraint;
}

const anyTime: Constraint = () => true;
/** Site 1 works in UTC: nights 22:00–06:00 and weekends off, deep night 00:00–05:00. */
export const UTC_OFFICE_HOURS: SiteHours = { offHours: isOffHours, deepNight: (time) => hourOfDay(time) < 5 };

function constraintFor(kind: AttackKind, index: number, hours: SiteHours): Constraint {
  if (kind === 'night_admin_login') return hours.deepNight;
  if (kind === 'sudo_abuse' || kind === 'rogue_account_creation') return hours.offHours;
  return index === 0 ? hours.offHours : anyTime;
}

function drawStart(rng: Random, from: number, to: number, constraint: Constraint): number | undefined {
  if (to <= from) return undefined;
  for (let tries = 0; tries < 2_000; tries++) {
    const time = from + Math.round(rng.float() * (to - from));
    if (constraint(time)) return time;
  }
  return undefined;
}

export function planEpisodes(
  rng: Random,
  startTime: number,
  endTime: number,
  kinds: readonly AttackKind[],
  perKind: number,
  hours: SiteHours = UTC_OFFICE_HOURS,
): EpisodePlan[] {
  const plans: EpisodePlan[] = [];
  for (const kind of kinds) {
    const kindRng = rng.fork(kind);
    const latest = endTime - LONGEST[kind];
    if (latest <= startTime) throw new RangeError(`the stream is too short for a ${kind} episode`);
    const slice = (latest - startTime) / perKind;
    for (let index = 0; index < perKind; index++) {
      const constraint = constraintFor(kind, index, hours);
      const sliceStart = startTime + Math.round(slice * index);
      const start =
        drawStart(kindRng, sliceStart, Math.round(sliceStart + slice), constraint) ??
        drawStart(kindRng, startTime, latest, constraint) ??
        drawStart(kindRng, startTime, latest, anyTime);
      if (start === undefined) throw new RangeError(`no time found for ${kind} episode ${index + 1}`);
      plans.push({ kind, episode: `${kind}-${index + 1}`, start });
    }
  }
  return plans;
}
