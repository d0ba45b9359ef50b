import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { EcsEvent } from '../collector/ecs/event.js';
import { normalize, type NormalizeContext } from '../collector/normalize.js';
import type { RawMessage } from '../collector/raw-message.js';
import { eventId } from '../collector/event-id.js';
import type { PipelineMetrics } from './metrics.js';
import type { BoundedQueue } from '../collector/queue.js';
import type { EventEnricher } from '../collector/enricher.js';
import type { EventSink } from '../sinks/sink.js';

export interface PipelineOptions {
  normalize: NormalizeContext;
  enrichers: EventEnricher[];
  sink: EventSink;
  metrics?: PipelineMetrics;
  logger: Logger;
  /** Events per batch through enrichers and sinks. */
  batchSize: number;
  /**
   * Per-sender bound on messages that failed to parse (serve): beyond it they are dropped and
   * counted, so garbage cannot fill the buffer, the index and the dead letters.
   */
  parseFailures?: { allow(sender: string, now: number): boolean };
}

/**
 * Decode → enrich → sink, one batch at a time. `processBatch` is shared by `siemad serve` (fed
 * from the receive queue by `run`) and `siemad analyze` (fed from files), so both produce the same
 * events.
 */
export class Pipeline {
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: PipelineOptions) {}

  /** Decodes, enriches and writes one batch; returns the events in input order (less any dropped by `parseFailures`). */
  async processBatch(raws: readonly RawMessage[]): Promise<EcsEvent[]> {
    const { metrics, parseFailures } = this.options;
    let events: EcsEvent[] = new Array(raws.length);
    let kept = 0;
    const now = Date.now();
    for (let i = 0; i < raws.length; i++) {
      const raw = raws[i]!;
      const event = normalize(raw, this.options.normalize);
      event.event.id = eventId(raw);
      if (event.error?.type === 'syslog_parse') {
        metrics?.parseErrors.inc();
        if (parseFailures !== undefined && !parseFailures.allow(raw.peerAddress, now)) {
          metrics?.dropped.labels('parse_failure_cap').inc();
          continue;
        }
      }
      events[kept++] = event;
      metrics?.countEvent(event.event.dataset, event.event.action);
    }
    if (kept < raws.length) events = events.slice(0, kept);
    for (const enricher of this.options.enrichers) await enricher.enrich(events);
    await this.options.sink.write(events);
    if (metrics !== undefined) {
      const written = Date.now();
      for (const raw of raws) metrics.pipelineLatency.observe((written - raw.receivedAt) / 1000);
      for (const event of events) if (event.anomaly?.is_anomaly === true) metrics.countAnomaly(event.anomaly);
    }
    return events;
  }

  /** Consumes the queue until `stop` is called and the queue is empty. */
  start(queue: BoundedQueue<RawMessage>): void {
    this.running = this.run(queue);
  }

  private async run(queue: BoundedQueue<RawMessage>): Promise<void> {
    const { metrics, logger, batchSize } = this.options;
    const batch: RawMessage[] = [];
    for (;;) {
      if (queue.length === 0) {
        if (this.stopping) return;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          queue.onData(resolve);
        });
        this.wake = undefined;
        continue;
      }
      queue.drainInto(batch, batchSize);
      try {
        await this.processBatch(batch);
      } catch (err) {
        // A sink that fails for good has its own retry/buffer; what reaches here is a bug: log, keep going.
        metrics?.sinkErrors.labels(this.options.sink.name).inc();
        logger.error({ err }, 'pipeline batch failed');
      } finally {
        // Connections waiting for their last chunk to be written may read again.
        for (const raw of batch) raw.onWritten?.();
      }
      // Let receivers read between batches even when every stage resolves synchronously.
      await nextTurn();
    }
  }

  /** Processes what is queued, then closes enrichers and the sink. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    for (const enricher of this.options.enrichers) await enricher.close?.();
    await this.options.sink.close();
  }
}
