/**
 * The entities with the most serious anomalies over a recent window, for a Prometheus gauge whose
 * cardinality stays bounded: the scrape exports only the top K (entity, kind) pairs, and pairs
 * that fall out of the top or out of the window simply stop being exported. Counts are kept per
 * pair in a ring of time buckets; the pairs tracked are bounded, the least recently seen evicted.
 */
import type { AnomalyLevel } from '../collector/ecs/event.js';

export interface TopEntity {
  entity: string;
  kind: string;
  /** The highest level of the pair's anomalies in the window. */
  level: AnomalyLevel;
  count: number;
}

const LEVELS: readonly AnomalyLevel[] = ['none', 'low', 'medium', 'high', 'critical'];
const BUCKETS = 10;
/** Label values are cut to this length (an entity is normally far shorter). */
const MAX_LABEL_LENGTH = 200;

class Tracked {
  readonly counts = new Uint32Array(BUCKETS);
  readonly ranks = new Uint8Array(BUCKETS);
  /** The bucket number each slot holds (a slot of an older bucket counts as empty). */
  readonly buckets = new Float64Array(BUCKETS).fill(-1);

  constructor(
    readonly entity: string,
    readonly kind: string,
  ) {}
}

export interface TopEntitiesOptions {
  /** The window counted, default 10 minutes (the range of the SiemadCriticalAnomalies rule). */
  windowMs?: number;
  /** (entity, kind) pairs tracked at most. */
  maxTracked?: number;
}

export class TopAnomalyEntities {
  private readonly entries = new Map<string, Tracked>();
  private readonly bucketMs: number;
  private readonly maxTracked: number;

  constructor(options: TopEntitiesOptions = {}) {
    this.bucketMs = Math.max(1, Math.ceil((options.windowMs ?? 10 * 60_000) / BUCKETS));
    this.maxTracked = options.maxTracked ?? 5_000;
  }

  get tracked(): number {
    return this.entries.size;
  }

  record(entity: string, kind: string, level: AnomalyLevel, nowMs = Date.now()): void {
    const key = `${kind}\u0000${entity}`;
    let entry = this.entries.get(key);
    if (entry !== undefined) {
      // Re-inserted: the map stays ordered from least to most recently seen.
      this.entries.delete(key);
    } else {
      if (this.entries.size >= this.maxTracked) this.entries.delete(this.entries.keys().next().value!);
      entry = new Tracked(entity.slice(0, MAX_LABEL_LENGTH), kind.slice(0, MAX_LABEL_LENGTH));
    }
    this.entries.set(key, entry);
    const bucket = Math.floor(nowMs / this.bucketMs);
    const slot = bucket % BUCKETS;
    if (entry.buckets[slot] !== bucket) {
      entry.buckets[slot] = bucket;
      entry.counts[slot] = 0;
      entry.ranks[slot] = 0;
    }
    entry.counts[slot]!++;
    const rank = LEVELS.indexOf(level);
    if (rank > entry.ranks[slot]!) entry.ranks[slot] = rank;
  }

  /** The top `k` pairs in the window: highest level first, then most anomalies. Drops pairs gone quiet. */
  top(k: number, nowMs = Date.now()): TopEntity[] {
    const oldest = Math.floor(nowMs / this.bucketMs) - BUCKETS + 1;
    const found: TopEntity[] = [];
    for (const [key, entry] of this.entries) {
      let count = 0;
      let rank = 0;
      for (let slot = 0; slot < BUCKETS; slot++) {
        if (entry.buckets[slot]! < oldest) continue;
        count += entry.counts[slot]!;
        if (entry.ranks[slot]! > rank) rank = entry.ranks[slot]!;
      }
      if (count === 0) {
        this.entries.delete(key);
        continue;
      }
      found.push({ entity: entry.entity, kind: entry.kind, level: LEVELS[rank]!, count });
    }
    found.sort(
      (a, b) =>
        LEVELS.indexOf(b.level) - LEVELS.indexOf(a.level) || b.count - a.count || (a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : 0),
    );
    return found.slice(0, k);
  }
}
