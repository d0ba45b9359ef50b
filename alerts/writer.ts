/**
 * The alert writer: a pipeline stage after the scorer that never makes ingest wait for
 * PostgreSQL. Anomalies at or above the alert level are appended to a bounded write-ahead queue
 * on disk (the DiskBuffer of core/disk-buffer: framed, checksummed, acknowledged, recovered after
 * a restart) without awaiting the write; a full queue drops them and counts them. One loop reads
 * the queue in order and applies each batch to PostgreSQL in one transaction (store.ts), then
 * acknowledges it. While the database is down (DatabaseService not ready) the loop waits and the
 * queue holds the anomalies; they are applied in order when it answers again. A batch is applied
 * at least once (a crash between commit and acknowledgement replays it): each transaction stores
 * the queue position it reached (the queue is named by the random id in its directory's
 * `queue-id`), and the store skips records at or before it, so none counts twice.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { EcsEvent } from '../collector/ecs/event.js';
import { BUFFER_ERROR_CODES, BufferError, DiskBuffer, type BufferBatch } from '../core/disk-buffer/index.js';
import type { AlertMetrics } from './metrics.js';
import type { EnrichOptions, EventEnricher } from '../collector/enricher.js';
import type { DatabaseService } from '../postgres/service.js';
import { alertAnomalyOf, levelRank } from './anomaly.js';
import { DEFAULT_GROUPING, type GroupingOptions } from './grouping.js';
import { encodeAnomaly } from './queue-record.js';
import { applyAnomalyRecords, DEFAULT_MAX_EVENTS_PER_ALERT, type QueuePosition, type StoreOptions } from './store.js';

export interface AlertWriterOptions {
  /** Directory of the disk queue (one process owns it). */
  directory: string;
  /** Bound of the disk queue in bytes; anomalies that do not fit are dropped and counted. */
  maxQueueBytes: number;
  grouping?: GroupingOptions;
  maxEventsPerAlert?: number;
  /** The scorer's feature row of an anomalous event (AnomalyScorer.featuresOf). */
  featuresOf?: (event: EcsEvent) => ArrayLike<number> | undefined;
  metrics: AlertMetrics;
  /** Where the queue's `siemad_buffer_*{buffer="alerts"}` metrics go. */
  registry?: Registry;
  logger: Logger;
  /** Anomalies per transaction. */
  batchSize?: number;
  /** How long `close` lets the loop empty the queue while the database answers. */
  drainMs?: number;
  /** First wait before retrying a batch the database refused (doubled each time). */
  retryBaseMs?: number;
}

const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Attempts at a batch the database refuses (not an outage) before it is applied one by one, then dropped. */
const MAX_REJECTIONS = 4;
const DEFAULT_RETRY_BASE_MS = 500;
const UPKEEP_INTERVAL_MS = 3_600_000;
/** How long the writer waits after a batch that was not full (alerts come this much later at most). */
const LINGER_MS = 200;

const TRANSIENT_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Whether a failed statement says the database is unavailable (or busy) rather than that the
 * statement is wrong: connection errors, SQLSTATE classes 08 (connection), 53 (resources), 57
 * (shutdown, cancel), 40 (serialization, deadlock) and 55P03 (lock not available).
 */
export function isTransientDatabaseError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (TRANSIENT_ERRNO.has(code) || /^(08|53|57|40)/.test(code) || code === '55P03')) return true;
  const message = err instanceof Error ? err.message : String(err);
  return /connection|connect ECONN|terminat|timeout|not queryable|closed/i.test(message);
}

export class AlertWriter implements EventEnricher {
  readonly name = 'alerts';
  private readonly store: StoreOptions;
  private readonly minRank: number;
  private readonly batchSize: number;
  private readonly drainMs: number;
  private appending: Promise<void> = Promise.resolve();
  /** Anomalies handed to the queue whose append has not settled yet. */
  private pendingAppends = 0;
  private applying: Promise<void> | undefined;
  private readonly loop: Promise<void>;
  private closing = false;
  private closed: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly stopWatching: () => void;
  private readonly upkeepTimer: NodeJS.Timeout;
  private dropWarned = 0;

  /** Opens (and recovers) the disk queue and starts applying it. */
  static async open(options: AlertWriterOptions, database: DatabaseService): Promise<AlertWriter> {
    const buffer = await DiskBuffer.open({
      directory: options.directory,
      maxTotalBytes: options.maxQueueBytes,
      maxRecordBytes: 64 * 1024,
      name: 'alerts',
      ...(options.registry !== undefined ? { registry: options.registry } : {}),
    });
    let queueId: string;
    try {
      queueId = await readQueueId(options.directory, buffer.recovery.segments === 0);
    } catch (err) {
      await buffer.close();
      throw err;
    }
    return new AlertWriter(options, database, buffer, queueId);
  }

  private constructor(
    private readonly options: AlertWriterOptions,
    private readonly database: DatabaseService,
    private readonly buffer: DiskBuffer,
    private readonly queueId: string,
  ) {
    const grouping = options.grouping ?? DEFAULT_GROUPING;
    this.store = { ...grouping, maxEventsPerAlert: options.maxEventsPerAlert ?? DEFAULT_MAX_EVENTS_PER_ALERT };
    this.minRank = levelRank(grouping.level);
    this.batchSize = options.batchSize ?? 500;
    this.drainMs = options.drainMs ?? 5_000;
    options.metrics.watchQueue(() => ({ events: this.queued, bytes: buffer.stats().bytes }));
    buffer.on('warning', (warning) => options.logger.warn({ code: warning.code }, `alert queue: ${warning.message}`));
    if (buffer.recovery.events > 0)
      options.logger.info({ anomalies: buffer.recovery.events }, 'alert queue: anomalies of an earlier run still to apply');
    this.stopWatching = database.onReady(() => {
      this.wake?.();
      this.upkeep();
    });
    // At start (the database may be ready already, without a transition to announce it), then hourly.
    this.upkeep();
    this.upkeepTimer = setInterval(() => this.upkeep(), UPKEEP_INTERVAL_MS).unref();
    this.loop = this.run().catch((err: unknown) => {
      // The queue's files failed under it: what is on disk stays for the next start.
      options.logger.error({ err: (err as Error).message }, 'alert writer stopped: the alert queue could not be read');
    });
  }

  /** Anomalies waiting in the queue (or on their way into it). */
  get queued(): number {
    return this.pendingAppends + this.buffer.stats().events;
  }

  /** Queues the batch's anomalies at or above the alert level; never waits for the disk or the database. */
  enrich(events: EcsEvent[], options?: EnrichOptions): void {
    // A dry run is a question, not an event: nothing of it becomes an alert.
    if (options?.dryRun === true) return;
    let records: Buffer[] | undefined;
    for (const event of events) {
      const anomaly = event.anomaly;
      if (anomaly?.is_anomaly !== true || levelRank(anomaly.level) < this.minRank) continue;
      const found = alertAnomalyOf(event);
      if (found !== undefined) (records ??= []).push(encodeAnomaly(found, this.options.featuresOf?.(event)));
    }
    if (records === undefined || this.closing) return;
    const count = records.length;
    this.pendingAppends += count;
    this.appending = this.buffer.append(records).then(
      () => void (this.pendingAppends -= count),
      (err: unknown) => {
        this.pendingAppends -= count;
        this.dropped(err, count);
      },
    );
  }

  private dropped(err: unknown, count: number): void {
    this.options.metrics.dropped.labels('queue_full').inc(count);
    const now = Date.now();
    if (now - this.dropWarned < 30_000) return;
    this.dropWarned = now;
    const full = err instanceof BufferError && err.code === BUFFER_ERROR_CODES.FULL;
    this.options.logger.warn(
      { anomalies: count, err: (err as Error).message },
      full
        ? 'alert queue full: anomalies dropped from alerts (the database has been unavailable too long)'
        : 'alert queue: anomalies dropped',
    );
  }

  private async run(): Promise<void> {
    while (!this.closing) {
      const batch = await this.buffer.read(this.batchSize, MAX_BATCH_BYTES);
      if (batch === null) return;
      this.applying = this.applyBatch(batch).then((done) => {
        if (done) this.buffer.ack(batch);
      });
      await this.applying;
      this.applying = undefined;
      // A batch that was not full: let more gather before the next transaction. Each costs a few
      // statements whatever its size (and one per alert it changes), and applied as fast as they
      // came a flood's transactions shrank to a few anomalies and took the database thread's core.
      if (batch.records.length < this.batchSize && !this.closing) await this.pause(LINGER_MS);
    }
  }

  /** Applies a batch, waiting out outages; false when closing first (it stays queued). */
  private async applyBatch(batch: BufferBatch): Promise<boolean> {
    const { records, segmentId, recordEnds } = batch;
    const outcome = await this.applyWithRetry(records, { queueId: this.queueId, segment: segmentId, ends: recordEnds });
    if (outcome !== 'rejected') return outcome === 'applied';
    if (records.length === 1) {
      this.options.metrics.dropped.labels('rejected').inc();
      return true;
    }
    // One bad anomaly must not cost the others: apply them one by one.
    for (let i = 0; i < records.length; i++) {
      const single = await this.applyWithRetry([records[i]!], { queueId: this.queueId, segment: segmentId, ends: [recordEnds[i]!] });
      if (single === 'closing') return false;
      if (single === 'rejected') this.options.metrics.dropped.labels('rejected').inc();
    }
    return true;
  }

  private async applyWithRetry(records: readonly Uint8Array[], position: QueuePosition): Promise<'applied' | 'rejected' | 'closing'> {
    const { metrics, logger } = this.options;
    let rejections = 0;
    for (;;) {
      if (!this.database.ready) {
        if (this.closing) return 'closing';
        await this.pause();
        continue;
      }
      try {
        const report = await applyAnomalyRecords(this.database.db, records, this.store, position);
        metrics.opened.inc(report.opened);
        metrics.escalated.inc(report.escalated);
        metrics.updated.inc(report.updated);
        metrics.duplicates.inc(report.duplicates);
        return 'applied';
      } catch (err) {
        metrics.writeErrors.inc();
        if (isTransientDatabaseError(err)) {
          this.database.failed(err);
          continue;
        }
        rejections++;
        logger.error(
          { err: (err as Error).message, anomalies: records.length, attempt: rejections },
          'alert writer: the database refused a batch of anomalies',
        );
        if (rejections >= MAX_REJECTIONS) return 'rejected';
        if (this.closing) return 'closing';
        await this.pause((this.options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS) * 2 ** rejections);
      }
    }
  }

  /** Waits until the database is ready again, `close` is called, or `ms` pass. */
  private pause(ms?: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => this.wake?.(), ms);
      this.wake = () => {
        this.wake = undefined;
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
    });
  }

  /**
   * Hourly upkeep. A queue that opens empty takes a new id (readQueueId), leaving its old position
   * row behind: rows untouched for 30 days go (a queue that old has nothing left to deliver again).
   * The embedded database has no autovacuum: every update of an alert (or of a queue's position)
   * leaves a dead row and index entry behind, several a second under a flood.
   */
  private upkeep(): void {
    if (!this.database.ready || this.closing) return;
    const { db } = this.database;
    db.query("DELETE FROM alert_queue_positions WHERE updated_at < now() - interval '30 days'")
      .then(() => (db.exclusive ? db.query('VACUUM alerts, alert_queue_positions') : undefined))
      .catch((err: unknown) => this.options.logger.debug({ err: (err as Error).message }, 'alert writer: upkeep failed'));
  }

  /**
   * Stops taking anomalies, lets the loop empty the queue for up to `drainMs` while the database
   * answers, then closes the queue; what is left is applied after the next start.
   */
  close(): Promise<void> {
    this.closed ??= this.shutDown();
    return this.closed;
  }

  private async shutDown(): Promise<void> {
    await this.appending;
    const deadline = Date.now() + this.drainMs;
    while (this.database.ready && this.buffer.stats().events > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 25));
    this.closing = true;
    this.wake?.();
    clearInterval(this.upkeepTimer);
    this.stopWatching();
    await this.applying;
    await this.buffer.close();
    await this.loop;
    const left = this.buffer.stats().events;
    if (left > 0) this.options.logger.info({ anomalies: left }, 'alert queue: anomalies kept on disk for the next start');
  }
}

/**
 * The queue's identity, which the store keys positions by. Segment ids only grow while the queue's
 * checkpoint survives; one that is lost with no segment left starts them over. A queue that opens
 * empty therefore takes a new identity — safe, as it has nothing to deliver again.
 */
async function readQueueId(directory: string, empty: boolean): Promise<string> {
  const file = path.join(directory, 'queue-id');
  if (!empty) {
    try {
      const id = (await readFile(file, 'utf8')).trim();
      if (/^[0-9a-f-]{36}$/.test(id)) return id;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  // Missing or unreadable: a new identity only ever makes the store apply records again, never skip them.
  const id = randomUUID();
  await writeFile(`${file}.tmp`, `${id}\n`);
  await rename(`${file}.tmp`, file);
  return id;
}
