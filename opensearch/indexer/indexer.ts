/**
 * The indexer loop: reads batches from the disk buffer, gathers them into bulk requests bounded
 * by event count and bytes (a smaller one is sent once its first batch has waited
 * `flushIntervalMs`), runs up to `concurrency` of them at once, and acknowledges each buffer batch
 * once every document in it is indexed, already present or dead-lettered. While OpenSearch is
 * away, the in-flight requests retry and the buffer keeps the rest; reading stops until a request
 * slot frees, so memory holds at most `concurrency + 1` bulk requests.
 */
import type { Client } from '@opensearch-project/opensearch';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { BufferBatch } from '../../core/disk-buffer/index.js';
import { Signal } from '../../core/disk-buffer/signal.js';
import { deliverBulk, type BulkJobContext, type IndexerTargets } from './bulk-job.js';
import type { IndexerConfig } from './config.js';
import type { DeadLetterQueue, DeadLetterStats } from './dead-letter.js';
import { LogThrottle } from './log-throttle.js';
import { IndexerMetrics } from './metrics.js';
import { Reachability } from './reachability.js';
import { BulkRequestService } from './request-service.js';
import { RetryPolicy } from './retry-policy.js';
import { IndexerCounters, type IndexerStats } from './stats.js';

/** What the indexer needs of the disk buffer. */
export interface BufferSource {
  read(maxRecords: number, maxBytes: number): Promise<BufferBatch | null>;
  ack(batch: BufferBatch): boolean;
}

export interface IndexerOptions {
  buffer: BufferSource;
  client: Client;
  deadLetters: DeadLetterQueue;
  targets: IndexerTargets;
  config: IndexerConfig;
  logger: Logger;
  /** Shared with whoever else talks to the cluster (setup), for health. */
  reachability?: Reachability;
  /** Where the `siemad_opensearch_*` metrics go; none when absent. */
  registry?: Registry;
  /** Source of jitter; tests may fix it. */
  random?: () => number;
}

const STOPPED = Symbol('stopped');
const FLUSH_DUE = Symbol('flush due');

export class Indexer {
  readonly reachability: Reachability;
  private readonly counters = new IndexerCounters();
  private readonly context: BulkJobContext;
  private readonly sleepAbort = new AbortController();
  private readonly requestAbort = new AbortController();
  private readonly jobs = new Set<Promise<void>>();
  private readonly slotFreed = new Signal();
  /** Wakes whoever waits in `untilStopped`; per-wait listeners, so nothing piles up on a long-lived promise. */
  private readonly stopListeners = new Set<() => void>();
  /** A read that lost the race against the flush timer; its batch starts the next bulk request. */
  private carried: Promise<BufferBatch | null> | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;

  constructor(private readonly options: IndexerOptions) {
    this.reachability = options.reachability ?? new Reachability();
    const metrics = options.registry === undefined ? null : new IndexerMetrics(options.registry, this);
    this.context = {
      service: new BulkRequestService(options.client, options.config.requestTimeoutMs),
      retry: new RetryPolicy(
        { initialDelayMs: options.config.retryInitialDelayMs, maxDelayMs: options.config.retryMaxDelayMs },
        options.random,
      ),
      deadLetters: options.deadLetters,
      counters: this.counters,
      metrics,
      reachability: this.reachability,
      logger: options.logger,
      logThrottle: new LogThrottle(),
      targets: options.targets,
      sleepSignal: this.sleepAbort.signal,
      requestSignal: this.requestAbort.signal,
    };
  }

  start(): void {
    this.loop ??= this.run().catch((error: unknown) => {
      // Reading the buffer failed in a way it never should; nothing more can be indexed.
      this.options.logger.error({ reason: (error as Error).message }, 'the OpenSearch indexer stopped');
    });
  }

  stats(): IndexerStats {
    const { counters } = this;
    return {
      bulkRequests: { ...counters.bulkRequests },
      items: { ...counters.items },
      retries: { ...counters.retries },
      ackedRecords: counters.ackedRecords,
      inFlightRequests: counters.inFlightRequests,
      unreachableSeconds: this.reachability.unreachableMs() / 1000,
      lastFailure: this.reachability.reason(),
    };
  }

  deadLetterStats(): DeadLetterStats {
    return this.options.deadLetters.stats();
  }

  /**
   * Stops reading, lets requests in flight finish for up to `shutdownGraceMs` (backoff waits end at
   * once), then abandons the rest: what was not acknowledged is delivered again after a restart.
   */
  async stop(): Promise<void> {
    if (this.stopping) return this.loop ?? undefined;
    this.stopping = true;
    for (const wake of this.stopListeners) wake();
    this.sleepAbort.abort();
    this.slotFreed.fire();
    const settled = Promise.allSettled([...this.jobs]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([settled, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.config.shutdownGraceMs)))]);
    clearTimeout(timer);
    this.requestAbort.abort();
    await Promise.allSettled([...this.jobs]);
    await this.loop;
  }

  private async run(): Promise<void> {
    const { concurrency } = this.options.config;
    while (!this.stopping) {
      while (this.jobs.size >= concurrency && !this.stopping) await this.slotFreed.wait();
      if (this.stopping) break;
      const batches = await this.collect();
      // Stopping: what was read stays unacknowledged and comes again after the restart.
      if (batches === null || this.stopping) break;
      const job = this.runJob(batches);
      this.jobs.add(job);
      void job.finally(() => {
        this.jobs.delete(job);
        this.slotFreed.fire();
      });
    }
  }

  /** The batches of the next bulk request; null when stopping or the buffer closed. */
  private async collect(): Promise<BufferBatch[] | null> {
    const { maxEvents, maxBytes, flushIntervalMs } = this.options.config;
    const firstRead = this.carried ?? this.options.buffer.read(maxEvents, maxBytes);
    this.carried = null;
    const first = await this.untilStopped(firstRead);
    if (first === STOPPED || first === null) return null;
    const batches = [first];
    let events = first.records.length;
    let bytes = first.bytes;
    const deadline = Date.now() + flushIntervalMs;
    let timer: NodeJS.Timeout | undefined;
    const flushDue = new Promise<typeof FLUSH_DUE>((resolve) => {
      timer = setTimeout(resolve, flushIntervalMs, FLUSH_DUE);
    });
    try {
      while (events < maxEvents && bytes < maxBytes && Date.now() < deadline) {
        const read = this.options.buffer.read(maxEvents - events, maxBytes - bytes);
        const next = await this.untilStopped(Promise.race([read, flushDue]));
        if (next === FLUSH_DUE || next === STOPPED) {
          this.carried = read;
          break;
        }
        if (next === null) break;
        batches.push(next);
        events += next.records.length;
        bytes += next.bytes;
      }
    } finally {
      clearTimeout(timer);
    }
    return batches;
  }

  /**
   * `promise`, or STOPPED as soon as `stop()` is called. (Racing against one long-lived "stopped"
   * promise instead would leave a reaction on it per call, each holding a batch: a leak.)
   */
  private untilStopped<T>(promise: Promise<T>): Promise<T | typeof STOPPED> {
    if (this.stopping) return Promise.resolve(STOPPED);
    return new Promise<T | typeof STOPPED>((resolve, reject) => {
      const wake = (): void => resolve(STOPPED);
      this.stopListeners.add(wake);
      promise.then(
        (value) => {
          this.stopListeners.delete(wake);
          resolve(value);
        },
        (error: unknown) => {
          this.stopListeners.delete(wake);
          reject(error);
        },
      );
    });
  }

  private async runJob(batches: BufferBatch[]): Promise<void> {
    const { counters } = this;
    counters.inFlightRequests++;
    try {
      for (let attempt = 0; !this.stopping || !this.requestAbort.signal.aborted; attempt++) {
        let done: boolean;
        try {
          done = await deliverBulk(batches, this.context);
        } catch (error) {
          // A bug, not an OpenSearch failure: keep the records and try again rather than lose them.
          this.options.logger.error({ reason: (error as Error).message }, 'bulk delivery failed unexpectedly; retrying');
          if (await this.context.retry.wait(attempt, this.sleepAbort.signal)) continue;
          return;
        }
        if (!done) return;
        for (const batch of batches) {
          if (this.options.buffer.ack(batch)) counters.ackedRecords += batch.records.length;
        }
        return;
      }
    } finally {
      counters.inFlightRequests--;
    }
  }
}
