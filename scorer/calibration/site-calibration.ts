import { DDSketch } from '@datadog/sketches-js';
import { FAMILIES, type Family } from '../features/definitions.js';

/**
 * Learns, per event family, where this deployment's own traffic sits on the shipped risk scale,
 * so that the share of events the models flag stays within a budget on any site (scorer/README.md
 * has the design and its failure modes).
 *
 * The models' risk `r0` is calibrated on the training sites: a site whose benign traffic differs
 * (web application tokens, roaming users) flags far more. Here the site's distribution of `r0`
 * is kept in DDSketch quantile sketches, one per day of event time for the last `HORIZON_DAYS`,
 * and every `UPDATE_MS` of event time each family's threshold `t` moves toward the budget
 * quantile (the value above which `budget` of the events lie). Guards against an attack teaching
 * itself normal:
 * - only the site's familiar actors teach it: events whose actor (source address, else user,
 *   else host) was first seen at least a day earlier. Brute force, scans and sprays come from
 *   addresses new that day; they neither feed the sketches nor count;
 * - what the shipped calibration rates at or above `ceiling` lies far outside every benign
 *   training value: flagged on any site, and kept out of the sketches;
 * - `t` moves at most `maxShiftPerHour` per hour of event time, so a familiar actor turning bad
 *   moves it a little while its flags go on, and stays between the shipped low level and `ceiling`;
 * - until a family has seen `warmupEvents` familiar events, `t` stays at the shipped level.
 * The risk then reported is `r0` rescaled so that `t` maps to the low level and 1 to 1: levels
 * keep their meaning ("low" = at the edge of this site's budget).
 */
export interface CalibrationOptions {
  /** Flagged events per 10,000 a family may reach before its threshold rises. */
  budgetPer10k: number;
  /** Events a family must have seen before its own threshold is used. */
  warmupEvents: number;
  /** Shipped risk at or above which an event is flagged whatever the site (the threshold's upper bound). */
  ceiling: number;
  /** Largest move of a threshold per hour of event time, in shipped-risk units. */
  maxShiftPerHour: number;
  /** The shipped low level: risk at which an event is an anomaly. */
  low: number;
}

export const DEFAULT_CALIBRATION: Omit<CalibrationOptions, 'low'> = {
  budgetPer10k: 10,
  warmupEvents: 2000,
  ceiling: 0.8,
  maxShiftPerHour: 0.05,
};

const DAY_MS = 86_400_000;
const UPDATE_MS = 600_000;
const HORIZON_DAYS = 7;
/** Relative accuracy of the sketches: 0.5% of a risk around 0.5 is 0.0025. */
const RELATIVE_ACCURACY = 0.005;
/** Risks below this cannot decide a threshold (the shipped low level is far above): kept as zeros. */
const NEGLIGIBLE_RISK = 0.05;
/** An actor is familiar this long after it was first seen. */
const FAMILIAR_AFTER_MS = DAY_MS;
/** Actors remembered (first sight); the oldest are forgotten first, and are new again if they return. */
const MAX_ACTORS = 200_000;
const STATE_VERSION = 2;

interface DayBucket {
  day: number;
  /** Risks of the familiar actors' events (below the ceiling). */
  sketch: DDSketch;
  /** Of those, the events at or above the threshold of their time. */
  flagged: number;
}

function newSketch(): DDSketch {
  return new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
}

class FamilyCalibration {
  threshold: number;
  observed = 0;
  buckets: DayBucket[] = [];

  constructor(readonly low: number) {
    this.threshold = low;
  }

  bucket(day: number): DayBucket {
    const last = this.buckets[this.buckets.length - 1];
    if (last !== undefined && last.day === day) return last;
    if (last !== undefined && last.day > day) return this.buckets.find((b) => b.day === day) ?? last;
    const bucket: DayBucket = { day, sketch: newSketch(), flagged: 0 };
    this.buckets.push(bucket);
    while (this.buckets.length > 0 && this.buckets[0]!.day <= day - HORIZON_DAYS) this.buckets.shift();
    return bucket;
  }
}

export interface FamilyCalibrationStatus {
  family: Family;
  /** Shipped risk at which the family's events are flagged now. */
  threshold: number;
  warm: boolean;
  observed: number;
  /** Flagged share of the familiar actors' events in the baseline window, per 10,000. */
  flaggedPer10k: number;
}

/** What is persisted (data directory or Redis) so a restart keeps what the site taught. */
export interface CalibrationState {
  version: number;
  nextUpdate: number;
  families: Record<string, { threshold: number; observed: number; buckets: { day: number; sketch: string; flagged: number }[] }>;
  /** Actors and when they were first seen (ms), oldest first. */
  actors: [string, number][];
}

export class SiteCalibration {
  private readonly families: FamilyCalibration[];
  private nextUpdate = 0;
  private readonly budget: number;
  private actors = new Map<string, number>();

  constructor(private readonly options: CalibrationOptions) {
    this.families = FAMILIES.map(() => new FamilyCalibration(options.low));
    this.budget = options.budgetPer10k / 10_000;
  }

  /** Call with each event's time, in stream order, before `risk`: moves thresholds on schedule. */
  advance(time: number): void {
    if (time < this.nextUpdate) return;
    if (this.nextUpdate !== 0) {
      const steps = Math.min(6, Math.floor((time - this.nextUpdate) / UPDATE_MS) + 1);
      for (const family of this.families) this.update(family, steps);
    }
    this.nextUpdate = (Math.floor(time / UPDATE_MS) + 1) * UPDATE_MS;
  }

  /**
   * The site's risk for an event of family `f` whose shipped risk is `r0`, by actor `actor` (the
   * event's source address, else user, else host; undefined when it names none). Records the
   * event in the baseline when its actor is familiar.
   */
  risk(f: number, r0: number, time: number, actor: string | undefined): number {
    const family = this.families[f]!;
    const { low, ceiling } = this.options;
    const t = family.threshold;
    const risk = r0 < t ? (low * r0) / t : low + ((1 - low) * (r0 - t)) / (1 - t);
    if (r0 < ceiling && actor !== undefined && this.isFamiliar(actor, time)) {
      const bucket = family.bucket(Math.floor(time / DAY_MS));
      if (r0 >= t) bucket.flagged++;
      bucket.sketch.accept(r0 < NEGLIGIBLE_RISK ? 0 : r0);
      family.observed++;
    }
    return risk;
  }

  private isFamiliar(actor: string, time: number): boolean {
    const first = this.actors.get(actor);
    if (first !== undefined) return time - first >= FAMILIAR_AFTER_MS;
    if (this.actors.size >= MAX_ACTORS) this.actors.delete(this.actors.keys().next().value!);
    this.actors.set(actor, time);
    return false;
  }

  private update(family: FamilyCalibration, steps: number): void {
    if (family.observed < this.options.warmupEvents) return;
    const merged = newSketch();
    for (const bucket of family.buckets) if (bucket.sketch.count > 0) merged.merge(bucket.sketch);
    if (merged.count === 0) return;
    const target = merged.getValueAtQuantile(1 - this.budget);
    const maxStep = (this.options.maxShiftPerHour * UPDATE_MS * steps) / 3_600_000;
    const next = family.threshold + Math.max(-maxStep, Math.min(maxStep, target - family.threshold));
    family.threshold = Math.max(this.options.low, Math.min(this.options.ceiling, next));
  }

  status(): FamilyCalibrationStatus[] {
    return this.families.map((family, f) => {
      let total = 0;
      let flagged = 0;
      for (const bucket of family.buckets) {
        total += bucket.sketch.count;
        flagged += bucket.flagged;
      }
      return {
        family: FAMILIES[f]!,
        threshold: family.threshold,
        warm: family.observed >= this.options.warmupEvents,
        observed: family.observed,
        flaggedPer10k: total > 0 ? (flagged / total) * 10_000 : 0,
      };
    });
  }

  save(): CalibrationState {
    const families: CalibrationState['families'] = {};
    this.families.forEach((family, f) => {
      families[FAMILIES[f]!] = {
        threshold: family.threshold,
        observed: family.observed,
        buckets: family.buckets.map((b) => ({
          day: b.day,
          sketch: Buffer.from(b.sketch.toProto()).toString('base64'),
          flagged: b.flagged,
        })),
      };
    });
    return { version: STATE_VERSION, nextUpdate: this.nextUpdate, families, actors: [...this.actors] };
  }

  /** Restores saved state; returns false (and keeps the fresh state) when it does not fit. */
  load(state: unknown): boolean {
    const s = state as Partial<CalibrationState> | null;
    if (s === null || typeof s !== 'object' || s.version !== STATE_VERSION || typeof s.families !== 'object' || s.families === null)
      return false;
    const restored: FamilyCalibration[] = [];
    try {
      for (const name of FAMILIES) {
        const saved = s.families[name];
        const family = new FamilyCalibration(this.options.low);
        if (saved !== undefined) {
          if (!Number.isFinite(saved.threshold) || !Number.isFinite(saved.observed) || !Array.isArray(saved.buckets)) return false;
          family.threshold = Math.max(this.options.low, Math.min(this.options.ceiling, saved.threshold));
          family.observed = saved.observed;
          for (const b of saved.buckets.slice(-HORIZON_DAYS)) {
            if (!Number.isInteger(b.day) || !Number.isFinite(b.flagged) || typeof b.sketch !== 'string') return false;
            family.buckets.push({ day: b.day, flagged: b.flagged, sketch: DDSketch.fromProto(Buffer.from(b.sketch, 'base64')) });
          }
        }
        restored.push(family);
      }
    } catch {
      return false;
    }
    const actors = new Map<string, number>();
    if (Array.isArray(s.actors)) {
      for (const entry of s.actors.slice(-MAX_ACTORS)) {
        if (Array.isArray(entry) && typeof entry[0] === 'string' && Number.isFinite(entry[1])) actors.set(entry[0], entry[1]);
      }
    }
    for (const [f, family] of restored.entries()) this.families[f] = family;
    this.actors = actors;
    this.nextUpdate = Number.isFinite(s.nextUpdate) ? s.nextUpdate! : 0;
    return true;
  }
}
