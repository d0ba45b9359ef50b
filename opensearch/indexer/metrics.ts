/**
 * The `siemad_opensearch_*` metrics. Counters and gauges are read at scrape time from the plain
 * counters the indexer and the dead-letter queue keep (the hot path bumps numbers, nothing else);
 * the histograms are observed as things happen.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DEAD_LETTER_KINDS, type DeadLetterStats } from './dead-letter.js';
import { BULK_OUTCOMES, ITEM_COUNTS, RETRY_REASONS, type IndexerStats } from './stats.js';

export interface IndexerMetricsSource {
  stats(): IndexerStats;
  deadLetterStats(): DeadLetterStats;
}

/** Seconds from a buffer append to the document being indexed: milliseconds when all is well, hours in an outage. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14_400];
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class IndexerMetrics {
  private readonly latency: Histogram;
  private readonly requestDuration: Histogram;

  /** Registers the metrics; `source` is read at every scrape. One indexer per registry. */
  constructor(registry: Registry, source: IndexerMetricsSource) {
    const registers = [registry];
    const labelled: [string, string, string, readonly string[], () => Readonly<Record<string, number>>][] = [
      [
        'siemad_opensearch_bulk_requests_total',
        'Bulk requests sent to OpenSearch, by outcome (ok, item_errors, unreachable, retryable_status, rejected)',
        'outcome',
        BULK_OUTCOMES,
        () => source.stats().bulkRequests,
      ],
      [
        'siemad_opensearch_bulk_items_total',
        'Bulk items (one per document and data stream), by outcome: created, duplicate (409: already indexed), retried (per failed attempt), dead_lettered',
        'outcome',
        ITEM_COUNTS,
        () => source.stats().items,
      ],
      [
        'siemad_opensearch_retries_total',
        'Waits before trying again, by reason (unreachable, throttled, server_error, refused, items, dead_letter_write)',
        'reason',
        RETRY_REASONS,
        () => source.stats().retries,
      ],
      [
        'siemad_opensearch_dead_lettered_total',
        'Documents written to the dead-letter queue, by kind (rejected, request_rejected, too_large, undecodable, invalid_input)',
        'kind',
        DEAD_LETTER_KINDS,
        () => source.deadLetterStats().written,
      ],
    ];
    for (const [name, help, label, values, read] of labelled) {
      new Counter({
        name,
        help,
        labelNames: [label],
        registers,
        collect() {
          this.reset();
          const counts = read();
          for (const value of values) this.inc({ [label]: value }, counts[value] ?? 0);
        },
      });
    }
    const plain: [string, string, 'gauge' | 'counter', () => number][] = [
      [
        'siemad_opensearch_in_flight_requests',
        'Bulk requests being sent or waiting to be retried',
        'gauge',
        () => source.stats().inFlightRequests,
      ],
      [
        'siemad_opensearch_unreachable_seconds',
        'How long every attempt to use OpenSearch has failed (0 while it answers)',
        'gauge',
        () => source.stats().unreachableSeconds,
      ],
      [
        'siemad_opensearch_acked_events_total',
        'Buffer records done (indexed, already present or dead-lettered) and acknowledged',
        'counter',
        () => source.stats().ackedRecords,
      ],
      ['siemad_opensearch_dead_letter_bytes', 'Bytes of the dead-letter files on disk', 'gauge', () => source.deadLetterStats().bytes],
      ['siemad_opensearch_dead_letter_files', 'Dead-letter files on disk', 'gauge', () => source.deadLetterStats().files],
      [
        'siemad_opensearch_dead_letter_removed_bytes_total',
        'Bytes of dead-letter files deleted to stay under the size bound',
        'counter',
        () => source.deadLetterStats().removedBytes,
      ],
    ];
    for (const [name, help, type, read] of plain) {
      if (type === 'gauge') {
        new Gauge({
          name,
          help,
          registers,
          collect() {
            this.set(read());
          },
        });
      } else {
        new Counter({
          name,
          help,
          registers,
          collect() {
            this.reset();
            this.inc(read());
          },
        });
      }
    }
    this.latency = new Histogram({
      name: 'siemad_opensearch_indexing_latency_seconds',
      help: 'Time from the disk-buffer append of an event to all its documents being indexed',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.requestDuration = new Histogram({
      name: 'siemad_opensearch_bulk_duration_seconds',
      help: 'Duration of bulk requests (answered or not)',
      buckets: REQUEST_BUCKETS,
      registers,
    });
  }

  observeLatency(seconds: number): void {
    this.latency.observe(seconds);
  }

  observeRequest(seconds: number): void {
    this.requestDuration.observe(seconds);
  }
}
