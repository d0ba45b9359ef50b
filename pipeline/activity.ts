/**
 * What `GET /api/v1/stats` reports about the pipeline since start: events analysed, anomalies by
 * level and kind, events and anomalies over the last hour and day (a ring of minute buckets), and
 * the entities with the most serious anomalies of the last day. Bounded: 1,440 buckets, kinds
 * from a closed set (anything beyond MAX_KINDS folds into "other"), entities through
 * TopAnomalyEntities.
 */
import type { AnomalyLevel, EcsEvent } from '../collector/ecs/event.js';
import type { EventObserver } from './pipeline.js';
import { TopAnomalyEntities, type TopEntity } from './top-entities.js';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;
const MAX_KINDS = 64;
const LEVELS: readonly Exclude<AnomalyLevel, 'none'>[] = ['low', 'medium', 'high', 'critical'];

export interface ActivityReport {
  since: string;
  events_total: number;
  anomalies_total: number;
  anomalies_by_level: Record<string, number>;
  anomalies_by_kind: Record<string, number>;
  last_hour: { events: number; anomalies: number; events_per_minute: number };
  last_day: { events: number; anomalies: number; events_per_minute: number };
  top_entities: TopEntity[];
}

export class ActivityStats implements EventObserver {
  private readonly started = Date.now();
  private events = 0;
  private anomalies = 0;
  private readonly byLevel: Record<string, number> = Object.fromEntries(LEVELS.map((level) => [level, 0]));
  private readonly byKind = new Map<string, number>();
  private readonly minutes = new Float64Array(DAY_MINUTES).fill(-1);
  private readonly eventCounts = new Float64Array(DAY_MINUTES);
  private readonly anomalyCounts = new Float64Array(DAY_MINUTES);
  private readonly top = new TopAnomalyEntities({ windowMs: DAY_MINUTES * MINUTE_MS, maxTracked: 5_000 });

  observeEvents(events: readonly EcsEvent[], now: number): void {
    const minute = Math.floor(now / MINUTE_MS);
    const slot = minute % DAY_MINUTES;
    if (this.minutes[slot] !== minute) {
      this.minutes[slot] = minute;
      this.eventCounts[slot] = 0;
      this.anomalyCounts[slot] = 0;
    }
    this.events += events.length;
    this.eventCounts[slot]! += events.length;
    for (const event of events) {
      const anomaly = event.anomaly;
      if (anomaly?.is_anomaly !== true) continue;
      this.anomalies++;
      this.anomalyCounts[slot]!++;
      this.byLevel[anomaly.level] = (this.byLevel[anomaly.level] ?? 0) + 1;
      let kind = anomaly.kind ?? 'unknown';
      if (!this.byKind.has(kind) && this.byKind.size >= MAX_KINDS) kind = 'other';
      this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
      if (anomaly.entity !== undefined) this.top.record(anomaly.entity, anomaly.kind ?? 'unknown', anomaly.level, now);
    }
  }

  report(now = Date.now(), topEntities = 10): ActivityReport {
    const window = (minutes: number) => {
      const current = Math.floor(now / MINUTE_MS);
      let events = 0;
      let anomalies = 0;
      for (let slot = 0; slot < DAY_MINUTES; slot++) {
        const m = this.minutes[slot]!;
        if (m <= current - minutes || m > current) continue;
        events += this.eventCounts[slot]!;
        anomalies += this.anomalyCounts[slot]!;
      }
      // Since start when the process is younger than the window.
      const span = Math.max(1, Math.min(minutes, Math.ceil((now - this.started) / MINUTE_MS)));
      return { events, anomalies, events_per_minute: Math.round((events / span) * 100) / 100 };
    };
    return {
      since: new Date(this.started).toISOString(),
      events_total: this.events,
      anomalies_total: this.anomalies,
      anomalies_by_level: { ...this.byLevel },
      anomalies_by_kind: Object.fromEntries([...this.byKind].sort((a, b) => b[1] - a[1])),
      last_hour: window(60),
      last_day: window(DAY_MINUTES),
      top_entities: this.top.top(topEntities, now),
    };
  }
}
