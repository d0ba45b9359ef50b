import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AnomalyFields } from '../collector/ecs/event.js';
import type { Transport } from '../collector/raw-message.js';
import { AlertMetrics } from '../alerts/metrics.js';
import { SOURCE_STATUSES, type SourceTracker } from './sources.js';
import { TopAnomalyEntities } from './top-entities.js';

/**
 * The collector's own Prometheus metrics (README lists each). Label values come from closed sets
 * (transports, drop reasons, decoder datasets/actions), so cardinality stays bounded. Hot paths hold
 * on to labelled children instead of resolving labels per message.
 */
/** What the scorer's site calibration reports per event family (scorer/calibration). */
export interface CalibrationReading {
  family: string;
  threshold: number;
  warm: boolean;
  flaggedPer10k: number;
}

/** Entities exported by siemad_top_anomaly_entities at most. */
export const TOP_ANOMALY_ENTITIES = 10;

export class PipelineMetrics {
  readonly registry: Registry;
  readonly messagesReceived: Counter<'transport'>;
  readonly bytesReceived: Counter<'transport'>;
  readonly framesTruncated: Counter<'transport'>;
  readonly framingErrors: Counter<'transport'>;
  readonly parseErrors: Counter;
  readonly events: Counter<'dataset' | 'action'>;
  readonly dropped: Counter<'reason'>;
  readonly queueDepth: Gauge;
  readonly queueBytes: Gauge;
  readonly pipelineLatency: Histogram;
  readonly openConnections: Gauge<'transport'>;
  readonly connectionsRejected: Counter<'transport' | 'reason'>;
  readonly sinkErrors: Counter<'sink'>;
  readonly anomalies: Counter<'level'>;
  readonly senderThrottled: Counter<'transport'>;
  readonly queueCapacity: Gauge;
  /** Fed with every anomaly's entity, kind and level; read by siemad_top_anomaly_entities at scrape time. */
  readonly topAnomalyEntities = new TopAnomalyEntities();
  readonly notificationsSent: Counter<'target'>;
  readonly notificationsRetried: Counter<'target'>;
  readonly notificationsFailed: Counter<'target'>;
  readonly notificationsPending: Gauge<'target'>;
  readonly notificationsDelay: Histogram<'target'>;
  readonly alerts: AlertMetrics;
  private queueSource: { length: number; bytes: number } | undefined;
  private readonly eventChildren = new Map<string, { inc(n?: number): void }>();
  private static readonly MAX_EVENT_SERIES = 2000;

  constructor(registry = new Registry(), options: { defaultMetrics?: boolean } = {}) {
    this.registry = registry;
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'siemad_' });
    const registers = [registry];
    this.messagesReceived = new Counter({
      name: 'siemad_messages_received_total',
      help: 'Syslog messages received, by transport',
      labelNames: ['transport'],
      registers,
    });
    this.bytesReceived = new Counter({
      name: 'siemad_bytes_received_total',
      help: 'Bytes of syslog messages received (as framed on the wire), by transport',
      labelNames: ['transport'],
      registers,
    });
    this.framesTruncated = new Counter({
      name: 'siemad_frames_truncated_total',
      help: 'Messages longer than the size limit, cut and tagged _truncated',
      labelNames: ['transport'],
      registers,
    });
    this.framingErrors = new Counter({
      name: 'siemad_framing_errors_total',
      help: 'Stream frames with an implausible octet count, read as LF-terminated instead',
      labelNames: ['transport'],
      registers,
    });
    this.parseErrors = new Counter({
      name: 'siemad_parse_errors_total',
      help: 'Messages whose syslog header did not parse (kept with event.original and a tag)',
      registers,
    });
    this.events = new Counter({
      name: 'siemad_events_total',
      help: 'Events produced, by event.dataset and event.action ("none" when no decoder matched)',
      labelNames: ['dataset', 'action'],
      registers,
    });
    this.dropped = new Counter({
      name: 'siemad_dropped_total',
      help: 'Messages or connections dropped, by reason',
      labelNames: ['reason'],
      registers,
    });
    // Read at scrape time: the pipeline may be blocked on a sink exactly when the depth matters.
    const metrics = this;
    this.queueDepth = new Gauge({
      name: 'siemad_queue_depth',
      help: 'Messages waiting between the receivers and the pipeline',
      registers,
      collect() {
        if (metrics.queueSource !== undefined) this.set(metrics.queueSource.length);
      },
    });
    this.queueBytes = new Gauge({
      name: 'siemad_queue_bytes',
      help: 'Approximate bytes held by messages waiting between the receivers and the pipeline',
      registers,
      collect() {
        if (metrics.queueSource !== undefined) this.set(metrics.queueSource.bytes);
      },
    });
    this.pipelineLatency = new Histogram({
      name: 'siemad_pipeline_latency_seconds',
      help: 'Time from receipt of a message to its event being handed to the sinks',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.openConnections = new Gauge({
      name: 'siemad_open_connections',
      help: 'Open TCP/TLS connections, by transport',
      labelNames: ['transport'],
      registers,
    });
    this.connectionsRejected = new Counter({
      name: 'siemad_connections_rejected_total',
      help: 'Connections refused, by transport and reason',
      labelNames: ['transport', 'reason'],
      registers,
    });
    this.anomalies = new Counter({
      name: 'siemad_anomalies_total',
      help: 'Events the scorer flagged as anomalous, by anomaly.level (low, medium, high, critical)',
      labelNames: ['level'],
      registers,
    });
    this.senderThrottled = new Counter({
      name: 'siemad_sender_throttled_total',
      help: 'Times a TCP/TLS sender over --sender-rate was paused (its excess UDP datagrams are counted in siemad_dropped_total{reason="sender_rate"})',
      labelNames: ['transport'],
      registers,
    });
    this.queueCapacity = new Gauge({
      name: 'siemad_queue_capacity',
      help: 'Messages the queue between receivers and pipeline holds before TCP is paused and UDP dropped',
      registers,
    });
    this.sinkErrors = new Counter({
      name: 'siemad_sink_errors_total',
      help: 'Errors writing to a sink, by sink',
      labelNames: ['sink'],
      registers,
    });
    const top = this.topAnomalyEntities;
    new Gauge({
      name: 'siemad_top_anomaly_entities',
      help: `Anomalies over the last 10 minutes of the ${TOP_ANOMALY_ENTITIES} (entity, kind) pairs with the highest level, then the most anomalies; level is their highest. Pairs leave when they fall out of the top`,
      labelNames: ['entity', 'kind', 'level'],
      registers,
      collect() {
        this.reset();
        for (const entry of top.top(TOP_ANOMALY_ENTITIES)) this.labels(entry.entity, entry.kind, entry.level).set(entry.count);
      },
    });
    // Webhook notifications (alerts/notify). `target` is the target's id (format:host#hash), never its URL.
    this.notificationsSent = new Counter({
      name: 'siemad_notifications_sent_total',
      help: 'Alert notifications a webhook target accepted (2xx), by target',
      labelNames: ['target'],
      registers,
    });
    this.notificationsRetried = new Counter({
      name: 'siemad_notifications_retried_total',
      help: 'Alert notification attempts that failed and will be retried with backoff, by target',
      labelNames: ['target'],
      registers,
    });
    this.notificationsFailed = new Counter({
      name: 'siemad_notifications_failed_total',
      help: 'Alert notifications given up (rejected by the target, or out of attempts), by target',
      labelNames: ['target'],
      registers,
    });
    this.notificationsPending = new Gauge({
      name: 'siemad_notifications_pending',
      help: 'Alert notifications waiting to be delivered (first attempt, backoff or rate limit), by target, as of the last look at the database',
      labelNames: ['target'],
      registers,
    });
    this.notificationsDelay = new Histogram({
      name: 'siemad_notifications_delay_seconds',
      help: 'Time from the alert change (opened, escalated) to its notification being accepted, by target',
      labelNames: ['target'],
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600],
      registers,
    });
    this.alerts = new AlertMetrics(registry);
  }

  /** Counts one anomaly by level and feeds the top-entities gauge. */
  countAnomaly(anomaly: AnomalyFields): void {
    this.anomalies.labels(anomaly.level).inc();
    if (anomaly.entity !== undefined) this.topAnomalyEntities.record(anomaly.entity, anomaly.kind ?? 'unknown', anomaly.level);
  }

  /**
   * Gauges of the scorer's site calibration, read at scrape time: each family's current threshold
   * (shipped risk), whether it is past its warm-up, and its flagged share of the baseline window.
   */
  watchCalibration(read: () => readonly CalibrationReading[]): void {
    const registers = [this.registry];
    new Gauge({
      name: 'siemad_calibration_threshold',
      help: "Shipped-model risk at which a family's events are flagged now (the site calibration moves it between the low level and the ceiling)",
      labelNames: ['family'],
      registers,
      collect() {
        for (const family of read()) this.labels(family.family).set(family.threshold);
      },
    });
    new Gauge({
      name: 'siemad_calibration_warm',
      help: "1 once a family has seen enough events for the site's own threshold (until then the shipped one is used)",
      labelNames: ['family'],
      registers,
      collect() {
        for (const family of read()) this.labels(family.family).set(family.warm ? 1 : 0);
      },
    });
    new Gauge({
      name: 'siemad_calibration_flagged_per_10k',
      help: "Events of a family the models flagged, per 10,000, over the calibration's 7-day window (the budget bounds it)",
      labelNames: ['family'],
      registers,
      collect() {
        for (const family of read()) this.labels(family.family).set(family.flaggedPer10k);
      },
    });
  }

  /**
   * Per-source gauges with bounded cardinality, read at scrape time: the `top` sources by long-run
   * rate get their own series (labels source = host name, address = sending address), every other
   * source is summed into source="other"; siemad_sources counts all of them by status.
   */
  watchSources(tracker: SourceTracker, top: number, clock: () => number = Date.now): void {
    const registers = [this.registry];
    let snapshot: ReturnType<SourceTracker['top']> = [];
    let otherRate = 0;
    let otherLast = 0;
    let refreshed = 0;
    // One snapshot serves the gauges of one scrape.
    const refresh = (): void => {
      const now = clock();
      if (Math.abs(now - refreshed) < 1000) return;
      refreshed = now;
      snapshot = tracker.top(top, now);
      const labelled = new Set(snapshot.map((entry) => entry.source));
      otherRate = 0;
      otherLast = 0;
      for (const source of tracker.all()) {
        if (labelled.has(source)) continue;
        otherRate += source.sums(now, 5)[0] / 5;
        if (source.lastSeen > otherLast) otherLast = source.lastSeen;
      }
    };
    new Gauge({
      name: 'siemad_sources',
      help: 'Log sources (host name and sending address) tracked, by status: up, silent (nothing for --source-silent-after), new, noisy',
      labelNames: ['status'],
      registers,
      collect() {
        const counts = tracker.counts(clock());
        for (const status of SOURCE_STATUSES) this.labels(status).set(counts[status]);
      },
    });
    new Gauge({
      name: 'siemad_source_status',
      help: `1 for the status of each of the ${top} busiest log sources (--source-metrics-top), by source (host name), address and status`,
      labelNames: ['source', 'address', 'status'],
      registers,
      collect() {
        refresh();
        this.reset();
        for (const { view } of snapshot)
          for (const status of SOURCE_STATUSES)
            this.labels(view.host || '-', view.address || '-', status).set(view.status === status ? 1 : 0);
      },
    });
    new Gauge({
      name: 'siemad_source_messages_per_minute',
      help: 'Messages per minute over the last 5 minutes of the busiest log sources; all others summed as source="other"',
      labelNames: ['source', 'address'],
      registers,
      collect() {
        refresh();
        this.reset();
        for (const { view } of snapshot) this.labels(view.host || '-', view.address || '-').set(view.messages_per_minute_5m);
        this.labels('other', '-').set(Math.round(otherRate * 100) / 100);
      },
    });
    new Gauge({
      name: 'siemad_source_last_seen_timestamp_seconds',
      help: 'When the busiest log sources last sent a message (Unix time); source="other": the latest of all others',
      labelNames: ['source', 'address'],
      registers,
      collect() {
        refresh();
        this.reset();
        for (const { source, view } of snapshot) this.labels(view.host || '-', view.address || '-').set(source.lastSeen / 1000);
        if (otherLast > 0) this.labels('other', '-').set(otherLast / 1000);
      },
    });
  }

  watchQueue(queue: { length: number; bytes: number; capacity: number }): void {
    this.queueSource = queue;
    this.queueCapacity.set(queue.capacity);
  }

  /** Counts one event; series beyond a bound fold into action="other" so the registry stays bounded. */
  countEvent(dataset: string, action: string | undefined): void {
    const key = dataset + '\u0000' + (action ?? 'none');
    let child = this.eventChildren.get(key);
    if (child === undefined) {
      if (this.eventChildren.size >= PipelineMetrics.MAX_EVENT_SERIES) {
        this.events.labels('other', 'other').inc();
        return;
      }
      child = this.events.labels(dataset, action ?? 'none');
      this.eventChildren.set(key, child);
    }
    child.inc();
  }

  receivedChildren(transport: Transport): {
    messages: { inc(n?: number): void };
    bytes: { inc(n?: number): void };
    truncated: { inc(n?: number): void };
    framingErrors: { inc(n?: number): void };
  } {
    return {
      messages: this.messagesReceived.labels(transport),
      bytes: this.bytesReceived.labels(transport),
      truncated: this.framesTruncated.labels(transport),
      framingErrors: this.framingErrors.labels(transport),
    };
  }
}
