/**
 * Process and session numbers that grow with time, as the kernel hands out PIDs and logind
 * session IDs in sequence. Components emit lines in their own order, not in time order, so an ID
 * is derived from the time it is taken at (plus jitter for the processes nobody logs) rather than
 * from a counter; a set keeps every ID unique within the stream.
 */
import type { Random } from './random.js';
import { MICROS_PER_SECOND } from './clock.js';

export interface IdSeriesOptions {
  /** The value at the start of the stream. */
  first: number;
  /** Average IDs consumed per second on this host (by everything, not only what is logged). */
  perSecond: number;
  /** Values wrap from `limit` back to `floor` (pid_max and the first PID after boot daemons). */
  floor: number;
  limit: number;
}

export class IdSeries {
  private readonly used = new Set<number>();

  constructor(
    private readonly rng: Random,
    private readonly originTime: number,
    private readonly options: IdSeriesOptions,
  ) {}

  /** A fresh ID as of `time`. */
  at(time: number): number {
    return this.block(time, 1);
  }

  /** The first of `count` consecutive fresh IDs (a process and the child it forks at once). */
  block(time: number, count: number): number {
    const { first, perSecond, floor, limit } = this.options;
    const elapsedSeconds = Math.max(0, (time - this.originTime) / MICROS_PER_SECOND);
    const jitter = this.rng.int(0, Math.max(1, Math.ceil(perSecond * 2)));
    let value = this.wrap(first + Math.floor(elapsedSeconds * perSecond) + jitter, floor, limit);
    while (!this.allFree(value, count, limit)) value = this.wrap(value + 1, floor, limit);
    for (let i = 0; i < count; i++) this.used.add(value + i);
    return value;
  }

  private allFree(value: number, count: number, limit: number): boolean {
    if (value + count > limit) return false;
    for (let i = 0; i < count; i++) if (this.used.has(value + i)) return false;
    return true;
  }

  private wrap(value: number, floor: number, limit: number): number {
    return value < limit ? value : floor + ((value - floor) % (limit - floor));
  }
}
