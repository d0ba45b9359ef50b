import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DiskBufferStats } from './stats.js';

/** A buffer as the metrics see it. */
export interface MetricsSource {
  readonly name: string;
  stats(): DiskBufferStats;
}

type StatName = { [K in keyof DiskBufferStats]: DiskBufferStats[K] extends number ? K : never }[keyof DiskBufferStats];

const GAUGES: readonly (readonly [metric: string, help: string, stat: StatName])[] = [
  ['siemad_buffer_bytes', 'Bytes of the disk buffer on disk (segments and queued appends)', 'bytes'],
  ['siemad_buffer_max_bytes', 'Configured bound of the disk buffer in bytes', 'maxBytes'],
  ['siemad_buffer_events', 'Records in the disk buffer not yet acknowledged', 'events'],
  ['siemad_buffer_oldest_unacked_age_seconds', 'Age of the oldest unacknowledged record in the disk buffer', 'oldestUnackedAgeSeconds'],
  ['siemad_buffer_segments', 'Segment files of the disk buffer', 'segments'],
];

const COUNTERS: readonly (readonly [metric: string, help: string, stat: StatName])[] = [
  ['siemad_buffer_appended_events_total', 'Records appended to the disk buffer', 'appendedEvents'],
  ['siemad_buffer_acked_events_total', 'Records acknowledged by the reader of the disk buffer', 'ackedEvents'],
  ['siemad_buffer_corrupt_records_total', 'Spans of corrupt bytes (torn or damaged records) skipped', 'corruptRecords'],
  ['siemad_buffer_lost_events_total', 'Records lost because their segment file could not be read', 'lostEvents'],
  ['siemad_buffer_full_rejections_total', 'Appends rejected because the disk buffer was full', 'fullRejections'],
  ['siemad_buffer_segments_created_total', 'Segment files created', 'segmentsCreated'],
  ['siemad_buffer_segments_deleted_total', 'Segment files deleted once fully acknowledged', 'segmentsDeleted'],
];

/**
 * The `siemad_buffer_*` metrics of one registry, shared by every buffer registered in it (each
 * under its own `buffer` label). Gauges and counters are read from `stats()` at scrape time, so
 * the hot paths only bump plain numbers; fsync durations are observed as they happen.
 */
class RegistryMetrics {
  readonly sources = new Map<string, MetricsSource>();
  readonly fsyncSeconds: Histogram<'buffer'>;

  constructor(registry: Registry) {
    const sources = this.sources;
    for (const [name, help, stat] of GAUGES) {
      new Gauge({
        name,
        help,
        labelNames: ['buffer'],
        registers: [registry],
        collect() {
          this.reset();
          for (const source of sources.values()) this.set({ buffer: source.name }, source.stats()[stat]);
        },
      });
    }
    for (const [name, help, stat] of COUNTERS) {
      new Counter({
        name,
        help,
        labelNames: ['buffer'],
        registers: [registry],
        collect() {
          this.reset();
          for (const source of sources.values()) this.inc({ buffer: source.name }, source.stats()[stat]);
        },
      });
    }
    this.fsyncSeconds = new Histogram({
      name: 'siemad_buffer_fsync_duration_seconds',
      help: 'Duration of fsync calls on disk buffer segment files',
      labelNames: ['buffer'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
  }
}

const byRegistry = new WeakMap<Registry, RegistryMetrics>();

/** Handle of one buffer's registration; `observeFsync` is a no-op without a registry. */
export class BufferMetrics {
  private constructor(
    private readonly metrics: RegistryMetrics | null,
    private readonly source: MetricsSource,
  ) {}

  /** Registers `source`; returns null when the registry already has a buffer of that name. */
  static register(registry: Registry | undefined, source: MetricsSource): BufferMetrics | null {
    if (registry === undefined) return new BufferMetrics(null, source);
    let metrics = byRegistry.get(registry);
    if (metrics === undefined) {
      metrics = new RegistryMetrics(registry);
      byRegistry.set(registry, metrics);
    }
    if (metrics.sources.has(source.name)) return null;
    metrics.sources.set(source.name, source);
    return new BufferMetrics(metrics, source);
  }

  observeFsync(seconds: number): void {
    this.metrics?.fsyncSeconds.observe({ buffer: this.source.name }, seconds);
  }

  unregister(): void {
    if (this.metrics === null) return;
    this.metrics.sources.delete(this.source.name);
    this.metrics.fsyncSeconds.remove({ buffer: this.source.name });
  }
}
