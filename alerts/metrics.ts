import { Counter, Gauge, type Registry } from 'prom-client';

/** Why the alert writer dropped anomalies: its disk queue was full, or the database kept refusing them. */
export type AlertDropReason = 'queue_full' | 'rejected';

/** The alert writer's metrics (alerts/writer.ts); queue gauges are read at scrape time. */
export class AlertMetrics {
  readonly opened: Counter;
  readonly escalated: Counter;
  readonly updated: Counter;
  readonly duplicates: Counter;
  readonly writeErrors: Counter;
  readonly dropped: Counter<'reason'>;
  private queue: (() => { events: number; bytes: number }) | undefined;

  constructor(registry: Registry) {
    const registers = [registry];
    this.opened = new Counter({
      name: 'siemad_alerts_opened_total',
      help: 'Alerts opened (an anomaly at or above --alert-level with no alert of its entity and kind within --alert-window)',
      registers,
    });
    this.escalated = new Counter({
      name: 'siemad_alerts_escalated_total',
      help: 'Anomalies that raised the level of their alert',
      registers,
    });
    this.updated = new Counter({
      name: 'siemad_alerts_updated_total',
      help: 'Anomalies that joined an alert without raising its level',
      registers,
    });
    this.duplicates = new Counter({
      name: 'siemad_alerts_duplicates_total',
      help: 'Anomalies replayed from the alert queue that were already applied (skipped)',
      registers,
    });
    this.writeErrors = new Counter({
      name: 'siemad_alerts_write_errors_total',
      help: 'Failed attempts to apply a batch of anomalies to PostgreSQL (retried)',
      registers,
    });
    this.dropped = new Counter({
      name: 'siemad_alerts_dropped_total',
      help: 'Anomalies lost to alerts, by reason: queue_full (the disk queue was full), rejected (the database refused them repeatedly)',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of ['queue_full', 'rejected'] satisfies AlertDropReason[]) this.dropped.labels(reason).inc(0);
    const metrics = this;
    new Gauge({
      name: 'siemad_alerts_queue_depth',
      help: "Anomalies waiting in the alert writer's disk queue to be applied to PostgreSQL",
      registers,
      collect() {
        if (metrics.queue !== undefined) this.set(metrics.queue().events);
      },
    });
    new Gauge({
      name: 'siemad_alerts_queue_bytes',
      help: "Bytes of the alert writer's disk queue",
      registers,
      collect() {
        if (metrics.queue !== undefined) this.set(metrics.queue().bytes);
      },
    });
  }

  watchQueue(read: () => { events: number; bytes: number }): void {
    this.queue = read;
  }
}
