/** Poisson arrival times with a rate that varies over the day (by thinning). */
import type { Random } from './random.js';
import { MICROS_PER_HOUR, hourOfDay, isWeekend } from './clock.js';

/** Times in [start, end) of a Poisson process whose rate (per hour) is `ratePerHour(t) ≤ maxPerHour`. */
export function arrivals(rng: Random, start: number, end: number, maxPerHour: number, ratePerHour: (time: number) => number): number[] {
  const times: number[] = [];
  if (maxPerHour <= 0) return times;
  const meanGap = MICROS_PER_HOUR / maxPerHour;
  for (let time = start + rng.exponential(meanGap); time < end; time += rng.exponential(meanGap)) {
    if (rng.float() * maxPerHour < ratePerHour(time)) times.push(Math.round(time));
  }
  return times;
}

/** Human web traffic: a trough in the early UTC morning, a peak mid-afternoon, quieter weekends. */
export function humanTrafficFactor(time: number): number {
  const hour = hourOfDay(time);
  const daily = 0.55 - 0.45 * Math.cos(((hour - 3) / 24) * 2 * Math.PI);
  return daily * (isWeekend(time) ? 0.6 : 1);
}
