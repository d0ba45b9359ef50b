import type { AnomalyFields, EcsEventFields } from '../collector/ecs/event.js';

/** Entities kept at most; beyond it, new entities are not tracked (bounded memory on huge inputs). */
const MAX_ENTITIES = 100_000;

export interface EntityAnomalies {
  count: number;
  maxScore: number;
  level: string;
  reasons: string[];
  action: string | undefined;
  first: string;
  last: string;
}

/** The key an anomalous event is ranked under: its entity, else its action. */
export function anomalyKey(event: { anomaly?: Pick<AnomalyFields, 'entity'>; event?: Pick<EcsEventFields, 'action'> }): string {
  return event.anomaly?.entity ?? event.event?.action ?? 'unknown';
}

/**
 * Anomalous events grouped by entity and ranked the way `siemad analyze --format table` shows
 * them; `npm run eval:real` ranks with the same code.
 */
export class AnomalousEntities {
  private readonly entities = new Map<string, EntityAnomalies>();
  private events = 0;

  add(
    key: string,
    anomaly: { score: number; level: string; reasons: string[]; recommended_action?: string | undefined },
    timestamp: string,
  ): void {
    this.events++;
    let entry = this.entities.get(key);
    if (entry === undefined) {
      if (this.entities.size >= MAX_ENTITIES) return;
      entry = { count: 0, maxScore: -1, level: 'none', reasons: [], action: undefined, first: timestamp, last: timestamp };
      this.entities.set(key, entry);
    }
    entry.count++;
    if (timestamp < entry.first) entry.first = timestamp;
    if (timestamp > entry.last) entry.last = timestamp;
    // At equal risk the later event wins: its reasons carry the counts as they grew.
    if (anomaly.score >= entry.maxScore) {
      entry.maxScore = anomaly.score;
      entry.level = anomaly.level;
      entry.reasons = anomaly.reasons;
      entry.action = anomaly.recommended_action;
    }
  }

  /** The most anomalous entities first: highest risk, then most anomalous events. */
  ranked(limit: number): [string, EntityAnomalies][] {
    return [...this.entities].sort((a, b) => b[1].maxScore - a[1].maxScore || b[1].count - a[1].count).slice(0, limit);
  }

  get size(): number {
    return this.entities.size;
  }

  /** Anomalous events added, including those of entities beyond the bound. */
  get eventCount(): number {
    return this.events;
  }
}
