/**
 * Wires the OpenSearch output: client, disk buffer, dead-letter queue, setup, indexer and sink,
 * and takes them down in order (indexer, buffer, dead letters, client). Used by `siemad serve`
 * and `siemad replay`.
 *
 * Setup (templates, data streams) must exist before the first document: a write to a data stream
 * name without its template would create a plain index with guessed mappings. So the indexer
 * starts once setup has succeeded; when the cluster is unreachable at start, setup is retried in
 * the background while events accumulate in the buffer.
 */
import type { Client } from '@opensearch-project/opensearch';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { ERROR_CODES, SiemadError } from '../core/errors.js';
import type { SinkHealth } from '../sinks/sink.js';
import { BUFFER_ERROR_CODES, BufferError, DiskBuffer, type FsyncPolicy } from '../core/disk-buffer/index.js';
import { createOpenSearchClient, redactUrl, type OpenSearchClientOptions } from './client.js';
import type { IndexerConfig } from './indexer/config.js';
import { DeadLetterQueue } from './indexer/dead-letter.js';
import { Indexer } from './indexer/indexer.js';
import { Reachability } from './indexer/reachability.js';
import { RetryPolicy } from './indexer/retry-policy.js';
import { openSearchLayout, resolveLayoutOptions, type OpenSearchLayoutInput } from './layout.js';
import { applyOpenSearchSetup, formatSetupReport } from './setup.js';
import { OpenSearchSink } from './sink.js';

export interface OpenSearchOutputOptions {
  connection: OpenSearchClientOptions;
  layout: OpenSearchLayoutInput;
  /** Apply the setup (idempotent) before indexing. */
  setup: boolean;
  buffer: { directory: string; maxTotalBytes: number; fsync: FsyncPolicy; fsyncIntervalMs: number };
  deadLetter: { directory: string; maxTotalBytes: number };
  indexer: IndexerConfig;
  logger: Logger;
  registry?: Registry;
}

const MIB = 1024 * 1024;
/** How long start-up waits for the setup before going on without it (the cluster may be slow or away). */
const START_SETUP_WAIT_MS = 10_000;

async function waitAtMost(promise: Promise<unknown> | null, ms: number): Promise<void> {
  if (promise === null) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/**
 * Record and append sizes that suit a buffer of `maxTotalBytes`: records up to 1 MiB (a 64 KiB
 * message whose JSON escapes blow up, twice: message and event.original), appends well inside
 * one segment (the buffer's default segment size is min(16 MiB, maxTotalBytes / 8)).
 */
export function bufferRecordLimits(maxTotalBytes: number): { maxRecordBytes: number; maxAppendBytes: number } {
  const segmentBytes = Math.min(16 * MIB, Math.floor(maxTotalBytes / 8));
  return {
    maxRecordBytes: Math.min(MIB, segmentBytes - 1024),
    maxAppendBytes: Math.max(1, Math.min(4 * MIB, Math.floor(segmentBytes / 4))),
  };
}

export class OpenSearchOutput {
  readonly sink: OpenSearchSink;
  private setupState: 'pending' | 'done' | 'off' | 'failed';
  private readonly setupAbort = new AbortController();
  private setupLoop: Promise<void> | null = null;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly options: OpenSearchOutputOptions,
    private readonly client: Client,
    readonly buffer: DiskBuffer,
    readonly deadLetters: DeadLetterQueue,
    readonly indexer: Indexer,
    private readonly reachability: Reachability,
  ) {
    this.setupState = options.setup ? 'pending' : 'off';
    this.sink = new OpenSearchSink({
      buffer,
      deadLetters,
      ...bufferRecordLimits(options.buffer.maxTotalBytes),
      logger: options.logger,
      health: () => this.health(),
      close: () => this.close(),
    });
  }

  /**
   * Opens everything and starts indexing (after setup, see above). Throws a one-line SiemadError
   * for bad settings, a locked or unusable buffer directory, or a setup the cluster refuses.
   */
  static async open(options: OpenSearchOutputOptions): Promise<OpenSearchOutput> {
    const { logger } = options;
    const layout = openSearchLayout(resolveLayoutOptions(options.layout));
    const client = createOpenSearchClient(options.connection);
    const buffer = await openBuffer(options).catch(async (error: unknown) => {
      await client.close();
      throw error;
    });
    let deadLetters: DeadLetterQueue;
    try {
      deadLetters = await DeadLetterQueue.open({
        directory: options.deadLetter.directory,
        maxTotalBytes: options.deadLetter.maxTotalBytes,
      });
    } catch (error) {
      await buffer.close();
      await client.close();
      throw new SiemadError(
        ERROR_CODES.CONFIG_INVALID,
        `dead-letter directory ${options.deadLetter.directory}: ${(error as Error).message}`,
        '--data-dir',
      );
    }
    const reachability = new Reachability();
    const [logs, anomalies] = layout.streams;
    const indexer = new Indexer({
      buffer,
      client,
      deadLetters,
      targets: { logs: logs!.dataStream, anomalies: anomalies!.dataStream },
      config: options.indexer,
      logger,
      reachability,
      ...(options.registry !== undefined ? { registry: options.registry } : {}),
    });
    const output = new OpenSearchOutput(options, client, buffer, deadLetters, indexer, reachability);
    logger.info(
      {
        url: redactUrl(options.connection.url),
        buffer: options.buffer.directory,
        recovered: buffer.recovery.events,
        corruptRecords: buffer.recovery.corruptRecords,
      },
      'OpenSearch output open',
    );
    if (!options.setup) {
      indexer.start();
      return output;
    }
    // A refusal (bad credentials, no ISM where required) stops start-up; an outage or a slow
    // cluster does not: the collector starts, and setup goes on in the background.
    const attempt = output.applySetup().then(
      () => null,
      (error: unknown) => error,
    );
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      attempt,
      new Promise<'slow'>((resolve) => (timer = setTimeout(resolve, START_SETUP_WAIT_MS, 'slow'))),
    ]);
    clearTimeout(timer);
    if (outcome === null) return output;
    if (outcome === 'slow') {
      logger.warn(
        { waitedMs: START_SETUP_WAIT_MS },
        'OpenSearch setup is slow; it goes on in the background and events are buffered meanwhile',
      );
      output.setupLoop = attempt.then((error) => (error === null ? undefined : output.retrySetup(error)));
      return output;
    }
    if (outcome instanceof SiemadError && outcome.code === ERROR_CODES.OPENSEARCH_UNAVAILABLE) {
      logger.warn({ reason: outcome.message }, 'OpenSearch is unreachable; setup will be retried and events are buffered meanwhile');
      output.setupLoop = output.retrySetup(outcome);
      return output;
    }
    await output.close();
    throw outcome;
  }

  health(): SinkHealth {
    const unreachableMs = this.reachability.unreachableMs();
    const stats = this.buffer.stats();
    return {
      degraded: unreachableMs > this.options.indexer.degradedAfterMs || this.setupState === 'failed',
      // No error text: /healthz answers anyone, and the reason names internal addresses; the logs
      // and siemad_opensearch_unreachable_seconds carry the details.
      opensearch: unreachableMs > 0 ? `unreachable for ${Math.round(unreachableMs / 1000)} s` : 'ok',
      setup: this.setupState,
      bufferEvents: stats.events,
      bufferBytes: stats.bytes,
      bufferFull: stats.full,
      oldestUnindexedAgeSeconds: Math.round(stats.oldestUnackedAgeSeconds),
    };
  }

  /** Resolves once every record in the buffer is acknowledged (indexed, present or dead-lettered). */
  async drained(pollMs = 100): Promise<void> {
    while (this.buffer.stats().events > 0 && this.closing === null) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** Stops the indexer (in-flight requests get a grace period), then closes the buffer, dead letters and client. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.setupAbort.abort();
      // A setup request in flight may take its full timeout; closing the client below ends it.
      await waitAtMost(this.setupLoop, 1000);
      await this.indexer.stop();
      await this.buffer.close();
      await this.deadLetters.close();
      await this.client.close();
    })();
    return this.closing;
  }

  private async applySetup(): Promise<void> {
    const report = await applyOpenSearchSetup(this.client, this.options.layout);
    this.reachability.reached();
    this.setupState = 'done';
    this.options.logger.info({ changed: report.changed, report: formatSetupReport(report).split('\n') }, 'OpenSearch setup applied');
    this.indexer.start();
  }

  /** Retries the setup with backoff until it succeeds (then indexing starts) or the output closes. */
  private async retrySetup(firstError: unknown): Promise<void> {
    this.noteSetupFailure(firstError, 0);
    const retry = new RetryPolicy({
      initialDelayMs: this.options.indexer.retryInitialDelayMs,
      maxDelayMs: this.options.indexer.retryMaxDelayMs,
    });
    for (let attempt = 0; await retry.wait(attempt, this.setupAbort.signal); attempt++) {
      try {
        await this.applySetup();
        return;
      } catch (error) {
        this.noteSetupFailure(error, attempt + 1);
      }
    }
  }

  private noteSetupFailure(error: unknown, attempt: number): void {
    const message = (error as Error).message;
    this.reachability.failed(message);
    const unavailable = error instanceof SiemadError && error.code === ERROR_CODES.OPENSEARCH_UNAVAILABLE;
    // A refusal (not an outage) needs an operator; report it as degraded meanwhile.
    if (!unavailable) this.setupState = 'failed';
    if (attempt > 0 && (!unavailable || attempt % 10 === 0))
      this.options.logger.warn({ reason: message, attempt }, 'OpenSearch setup failed; retrying');
  }
}

async function openBuffer(options: OpenSearchOutputOptions): Promise<DiskBuffer> {
  const { buffer: settings, logger } = options;
  try {
    const buffer = await DiskBuffer.open({
      directory: settings.directory,
      maxTotalBytes: settings.maxTotalBytes,
      fsync: settings.fsync,
      fsyncIntervalMs: settings.fsyncIntervalMs,
      maxRecordBytes: bufferRecordLimits(settings.maxTotalBytes).maxRecordBytes,
      name: 'opensearch',
      ...(options.registry !== undefined ? { registry: options.registry } : {}),
    });
    for (const warning of buffer.recovery.warnings) logger.warn({ code: warning.code, segment: warning.segmentId }, warning.message);
    buffer.on('warning', (warning) => logger.warn({ code: warning.code, segment: warning.segmentId }, warning.message));
    return buffer;
  } catch (error) {
    if (error instanceof BufferError) {
      const setting = error.code === BUFFER_ERROR_CODES.OPTIONS_INVALID ? '--buffer-max-bytes' : '--buffer-dir';
      throw new SiemadError(ERROR_CODES.BUFFER_FAILED, `${setting}: ${error.message}`, setting, { cause: error });
    }
    throw error;
  }
}
