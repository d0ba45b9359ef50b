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
import type { EncodedBatch } from '../sinks/encode.js';
import type { CodecPool } from './codec/pool.js';

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
  /** Codec threads that encode scored batches (`--workers` above 1); none: everything on this thread. */
  codecs?: CodecPool;
}

const DRY_RUN: EnrichOptions = Object.freeze({ dryRun: true });
/** Raw bytes of the batches in flight beyond the first (the queue's own bound is --queue-bytes). */
const MAX_IN_FLIGHT_BYTES = 16 * 1024 * 1024;

/**
 * Decode → enrich → sink. `processBatch` is shared by `siemad serve` (fed from the receive queue
 * by `run`) and `siemad analyze` (fed from files), so both produce the same events.
 *
 * With a codec pool (`--workers` above 1) this thread decodes and scores one batch after the other
 * in arrival order, as it does alone, while codec threads encode earlier batches for the sink
 * (codec/protocol.ts): every event sees the same window state and every byte written is the same.
 */
export class Pipeline {
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  /** Batches are scored one at a time, in submission order (the receive loop and the API share the enrichers' state). */
  private scoringTail: Promise<unknown> = Promise.resolve();
  /** ... and reach the sink in the same order. */
  private sinkTail: Promise<unknown> = Promise.resolve();
  /** Batches submitted by `submit` and not finished. */
  private readonly submitted: Promise<unknown>[] = [];
  /** Batches in flight at once: one without codec threads, else enough to keep every thread busy. */
  readonly maxInFlight: number;

  constructor(private readonly options: PipelineOptions) {
    this.maxInFlight = options.codecs === undefined ? 1 : options.codecs.size * 4 + 2;
  }

  /**
   * Decodes, enriches and writes one batch; returns the events in input order (less any dropped by
   * `parseFailures`). Batches are scored and written one after the other, in the order they were
   * submitted, whoever submits them. A dry run is decoded and scored only: no sink, no observers,
   * no metrics, no state changed.
   */
  processBatch(raws: readonly RawMessage[], options?: BatchOptions): Promise<EcsEvent[]> {
    const scored = this.scoringTail.then(() => this.score(raws, options));
    this.scoringTail = scored.catch(() => undefined);
    if (options?.dryRun === true) return scored.then((batch) => batch.events);
    return scored.then(async ({ events, kept }) => {
      const { codecs, sink } = this.options;
      // The API's batches (with options) are few and small: encoded here, as they are.
      const encoded =
        codecs !== undefined && options === undefined && sink.encoding !== undefined
          ? codecs.encode(kept ?? raws, events, sink.encoding)
          : undefined;
      // Settled here too, so a failure before its turn is not an unhandled rejection.
      encoded?.catch(() => undefined);
      const write = this.sinkTail.then(() => this.write(raws, events, encoded));
      this.sinkTail = write.catch(() => undefined);
      await write;
      return events;
    });
  }

  /** Decodes and enriches; `kept` lists the raw messages of the events when some were dropped. */
  private async score(
    raws: readonly RawMessage[],
    options: BatchOptions | undefined,
  ): Promise<{ events: EcsEvent[]; kept?: RawMessage[] }> {
    const dryRun = options?.dryRun === true;
    const metrics = dryRun ? undefined : this.options.metrics;
    const parseFailures = dryRun || options?.keepAll === true ? undefined : this.options.parseFailures;
    const observers = dryRun ? undefined : this.options.messageObservers;
    const prepare = options?.prepare;
    let events: EcsEvent[] = new Array(raws.length);
    let count = 0;
    let kept: RawMessage[] | undefined;
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
          kept ??= raws.slice(0, i);
          continue;
        }
      }
      if (prepare !== undefined) prepare(event, i);
      if (observers !== undefined) for (const observer of observers) observer.observe(raw, event, now);
      kept?.push(raw);
      events[count++] = event;
      metrics?.countEvent(event.event.dataset, event.event.action);
    }
    if (count < raws.length) events = events.slice(0, count);
    const enrichOptions = dryRun ? DRY_RUN : undefined;
    for (const enricher of this.options.enrichers) await enricher.enrich(events, enrichOptions);
    return kept === undefined ? { events } : { events, kept };
  }

  private async write(raws: readonly RawMessage[], events: EcsEvent[], encoded: Promise<EncodedBatch> | undefined): Promise<void> {
    const { sink, metrics, logger } = this.options;
    let batch: EncodedBatch | undefined;
    if (encoded !== undefined) {
      try {
        batch = await encoded;
      } catch (err) {
        // The events are here, scored: encode them on this thread rather than lose them.
        logger.warn({ err: (err as Error).message }, 'a codec thread failed a batch; encoding it on the scoring thread');
      }
    }
    if (batch !== undefined) await sink.writeEncoded!(events, batch);
    else await sink.write(events);
    const written = Date.now();
    if (this.options.eventObservers !== undefined)
      for (const observer of this.options.eventObservers) observer.observeEvents(events, written);
    if (metrics !== undefined) {
      for (const raw of raws) metrics.pipelineLatency.observe((written - raw.receivedAt) / 1000);
      for (const event of events) if (event.anomaly?.is_anomaly === true) metrics.countAnomaly(event.anomaly);
    }
  }

  /**
   * For feeders that read ahead (`siemad analyze`): starts the batch and returns once another may
   * be submitted. A batch that failed makes a later `submit` (or `stop`) throw.
   */
  async submit(raws: readonly RawMessage[]): Promise<void> {
    const batch = this.processBatch(raws);
    batch.catch(() => undefined);
    this.submitted.push(batch);
    while (this.submitted.length >= this.maxInFlight) await this.submitted.shift();
  }

  /** Consumes the queue until `stop` is called and the queue is empty. */
  start(queue: BoundedQueue<RawMessage>): void {
    this.running = this.run(queue);
  }

  private async run(queue: BoundedQueue<RawMessage>): Promise<void> {
    const { metrics, logger, batchSize } = this.options;
    const inFlight: { done: Promise<void>; bytes: number }[] = [];
    let bytes = 0;
    const settleOldest = async (): Promise<void> => {
      const oldest = inFlight.shift()!;
      await oldest.done;
      bytes -= oldest.bytes;
    };
    for (;;) {
      if (queue.length === 0) {
        if (this.stopping) break;
        // Nothing waiting: let the batches in flight finish rather than sit waiting for more input.
        if (inFlight.length > 0) {
          await settleOldest();
          continue;
        }
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          queue.onData(resolve);
        });
        this.wake = undefined;
        continue;
      }
      const batch: RawMessage[] = [];
      queue.drainInto(batch, batchSize);
      let size = 0;
      for (const raw of batch) size += raw.size;
      bytes += size;
      const done = this.processBatch(batch)
        .then(
          () => undefined,
          (err: unknown) => {
            // A sink that fails for good has its own retry/buffer; what reaches here is a bug: log, keep going.
            metrics?.sinkErrors.labels(this.options.sink.name).inc();
            logger.error({ err }, 'pipeline batch failed');
          },
        )
        // Connections waiting for their last chunk to be written may read again.
        .finally(() => {
          for (const raw of batch) raw.onWritten?.();
        });
      inFlight.push({ done, bytes: size });
      // Bounded by count and by bytes (batches of long messages): what the queue lets go of stays bounded.
      while (inFlight.length >= this.maxInFlight || (inFlight.length > 1 && bytes > MAX_IN_FLIGHT_BYTES)) await settleOldest();
      // Let receivers read between batches even when every stage resolves synchronously.
      await nextTurn();
    }
    await Promise.all(inFlight.map((batch) => batch.done));
  }

  /** Processes what is queued, then closes enrichers and the sink. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    try {
      while (this.submitted.length > 0) await this.submitted.shift();
    } finally {
      for (const enricher of this.options.enrichers) await enricher.close?.();
      await this.options.sink.close();
      await this.options.codecs?.close();
    }
  }
}
