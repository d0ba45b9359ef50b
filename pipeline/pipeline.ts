import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { EcsEvent } from '../collector/ecs/event.js';
import { normalize, type NormalizeContext } from '../collector/normalize.js';
import type { RawMessage } from '../collector/raw-message.js';
import { eventId } from '../collector/event-id.js';
import type { PipelineMetrics } from './metrics.js';
import type { BoundedQueue } from '../collector/queue.js';
import type { EnrichOptions, EventEnricher } from '../collector/enricher.js';
import type { EventSink } from '../sinks/sink.js';

/** Sees every received message with its decoded event (undefined when dropped), e.g. the log-source tracker. */
export interface MessageObserver {
  observe(raw: RawMessage, event: EcsEvent | undefined, now: number): void;
}

/** Sees every event once it has been scored and handed to the sink, e.g. the statistics of /api/v1/stats. */
export interface EventObserver {
  observeEvents(events: readonly EcsEvent[], now: number): void;
}

export interface BatchOptions extends EnrichOptions {
  /** Every message gives an event, parse failures too (the API answers one verdict per line). */
  keepAll?: boolean;
  /** Called on each decoded event before the enrichers (the API's metadata overrides). */
  prepare?: (event: EcsEvent, index: number) => void;
}

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
  messageObservers?: MessageObserver[];
  eventObservers?: EventObserver[];
}

const DRY_RUN: EnrichOptions = Object.freeze({ dryRun: true });

/**
 * Decode → enrich → sink, one batch at a time. `processBatch` is shared by `siemad serve` (fed
 * from the receive queue by `run`) and `siemad analyze` (fed from files), so both produce the same
 * events.
 */
export class Pipeline {
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  /** Batches run one at a time (the receive loop and the API share the enrichers' state). */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: PipelineOptions) {}

  /**
   * Decodes, enriches and writes one batch; returns the events in input order (less any dropped by
   * `parseFailures`). Batches are processed one after the other, whoever submits them. A dry run
   * is decoded and scored only: no sink, no observers, no metrics, no state changed.
   */
  processBatch(raws: readonly RawMessage[], options?: BatchOptions): Promise<EcsEvent[]> {
    const run = this.tail.then(() => this.process(raws, options));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async process(raws: readonly RawMessage[], options: BatchOptions | undefined): Promise<EcsEvent[]> {
    const dryRun = options?.dryRun === true;
    const metrics = dryRun ? undefined : this.options.metrics;
    const parseFailures = dryRun || options?.keepAll === true ? undefined : this.options.parseFailures;
    const observers = dryRun ? undefined : this.options.messageObservers;
    const prepare = options?.prepare;
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
          if (observers !== undefined) for (const observer of observers) observer.observe(raw, undefined, now);
          continue;
        }
      }
      if (prepare !== undefined) prepare(event, i);
      if (observers !== undefined) for (const observer of observers) observer.observe(raw, event, now);
      events[kept++] = event;
      metrics?.countEvent(event.event.dataset, event.event.action);
    }
    if (kept < raws.length) events = events.slice(0, kept);
    const enrichOptions = dryRun ? DRY_RUN : undefined;
    for (const enricher of this.options.enrichers) await enricher.enrich(events, enrichOptions);
    if (dryRun) return events;
    await this.options.sink.write(events);
    const written = Date.now();
    if (this.options.eventObservers !== undefined)
      for (const observer of this.options.eventObservers) observer.observeEvents(events, written);
    if (metrics !== undefined) {
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
