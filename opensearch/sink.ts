/**
 * The OpenSearch sink: serializes each event once and appends each pipeline batch to the disk
 * buffer as one append (records in the format of `indexer/record.ts`, tagged with the streams they
 * go to); the indexer takes them from there. `write` resolves once the batch is in the buffer.
 * When the buffer is full, `write` waits for space: the pipeline stalls, the receive queue fills,
 * TCP/TLS sockets pause, and UDP receivers drop and count datagrams (`isFull()`).
 */
import { hash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { EcsEvent } from '../collector/ecs/event.js';
import { ERROR_CODES, SiemadError } from '../core/errors.js';
import { isAnomalous, type EventSink, type SinkHealth } from '../sinks/sink.js';
import { encodeJson, type EncodedBatch } from '../sinks/encode.js';
import { BUFFER_ERROR_CODES, BufferError, type DiskBuffer } from '../core/disk-buffer/index.js';
import type { DeadLetter, DeadLetterQueue } from './indexer/dead-letter.js';
import { encodeRecords, isUsableId, TARGET_ANOMALIES, TARGET_LOGS, type RecordInput } from './indexer/record.js';

export interface OpenSearchSinkOptions {
  buffer: DiskBuffer;
  deadLetters: DeadLetterQueue;
  /** The buffer's record limit: larger events are dead-lettered instead of buffered. */
  maxRecordBytes: number;
  /** Payload bytes per buffer append: well under a segment, so one append always fits in one. */
  maxAppendBytes: number;
  logger: Logger;
  health: () => SinkHealth;
  /** Stops the indexer and closes the buffer and the rest, in order. */
  close: () => Promise<void>;
}

/** Room for the record header and the id in a record. */
const RECORD_OVERHEAD_BYTES = 12 + 512;
const WRITE_RETRY_MS = 1000;

/** At shutdown, how long a write waits for a full buffer to free space before giving up. */
const SHUTDOWN_SPACE_WAIT_MS = 5000;
/** How often a write waiting for space looks at the shutdown deadline. */
const SPACE_CHECK_MS = 1000;

export class OpenSearchSink implements EventSink {
  readonly name = 'opensearch';
  private shutdownDeadline: number | null = null;

  constructor(private readonly options: OpenSearchSinkOptions) {}

  /**
   * Shutdown has begun: the queue drains into the buffer, but a write that finds the buffer full
   * waits at most a few seconds (OpenSearch may be away for hours), then fails, and the pipeline
   * logs and counts the lost batch instead of hanging the shutdown.
   */
  beginShutdown(): void {
    this.shutdownDeadline ??= Date.now() + SHUTDOWN_SPACE_WAIT_MS;
  }

  readonly encoding = 'json';

  write(events: readonly EcsEvent[]): Promise<void> {
    return this.writeEncoded(events, { json: encodeJson(events) });
  }

  /** `encoded.json[i]` is `events[i]` as JSON (encoded on a codec thread, or by `write`). */
  async writeEncoded(events: readonly EcsEvent[], encoded: EncodedBatch): Promise<void> {
    const texts = encoded.json ?? encodeJson(events);
    const inputs: RecordInput[] = [];
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const json = texts[i]!;
      const id = event.event?.id;
      inputs.push({
        targets: isAnomalous(event) ? TARGET_LOGS | TARGET_ANOMALIES : TARGET_LOGS,
        id: isUsableId(id) ? id : contentId(json),
        json,
      });
    }
    await this.writeRecords(inputs);
  }

  /** Appends events already serialized (replayed NDJSON keeps its text and its ids). */
  async writeRecords(inputs: readonly RecordInput[]): Promise<void> {
    const fitting: RecordInput[] = [];
    const tooLarge: DeadLetter[] = [];
    const limit = this.options.maxRecordBytes - RECORD_OVERHEAD_BYTES;
    for (const input of inputs) {
      // UTF-8 takes at most 3 bytes per UTF-16 unit: only long strings need measuring.
      if (input.json.length * 3 > limit && Buffer.byteLength(input.json) > limit) {
        tooLarge.push({
          kind: 'too_large',
          id: input.id,
          errorType: 'record_too_large',
          reason: `the event is ${Buffer.byteLength(input.json)} bytes of JSON, over the disk buffer's ${limit}-byte record limit`,
          event: Buffer.from(input.json),
          eventIsJson: true,
        });
      } else fitting.push(input);
    }
    if (fitting.length > 0) await this.append(encodeRecords(fitting, Date.now()));
    if (tooLarge.length > 0) {
      await this.options.deadLetters.write(tooLarge);
      this.options.logger.warn(
        { count: tooLarge.length, directory: this.options.deadLetters.directory },
        'events too large for the disk buffer; written to the dead-letter queue',
      );
    }
  }

  /** True while the buffer is full: datagrams arriving now would only be dropped later. */
  isFull(): boolean {
    return this.options.buffer.isFull();
  }

  health(): SinkHealth {
    return this.options.health();
  }

  close(): Promise<void> {
    return this.options.close();
  }

  /** Appends in chunks of at most `maxAppendBytes`, waiting for space while the buffer is full. */
  private async append(records: Buffer[]): Promise<void> {
    const { maxAppendBytes } = this.options;
    let start = 0;
    while (start < records.length) {
      let end = start;
      let bytes = 0;
      while (end < records.length && (end === start || bytes + records[end]!.length <= maxAppendBytes)) bytes += records[end++]!.length;
      await this.appendChunk(end - start === records.length ? records : records.slice(start, end));
      start = end;
    }
  }

  /**
   * Waits while the buffer is full; after `beginShutdown`, only for a few seconds (then throws).
   * Checks back every second rather than racing a long-lived "shutdown" promise, which would
   * collect one reaction per wait.
   */
  private async waitForSpace(events: number): Promise<void> {
    const { buffer } = this.options;
    while (buffer.isFull()) {
      if (this.shutdownDeadline !== null && Date.now() >= this.shutdownDeadline) {
        throw new SiemadError(ERROR_CODES.BUFFER_FAILED, `the disk buffer is still full at shutdown: ${events} queued events are dropped`);
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([buffer.waitForSpace(), new Promise<void>((resolve) => (timer = setTimeout(resolve, SPACE_CHECK_MS)))]);
      clearTimeout(timer);
    }
  }

  private async appendChunk(records: Buffer[]): Promise<void> {
    const { buffer, logger } = this.options;
    for (;;) {
      await this.waitForSpace(records.length);
      try {
        await buffer.append(records);
        return;
      } catch (error) {
        if (!(error instanceof BufferError)) throw error;
        switch (error.code) {
          case BUFFER_ERROR_CODES.FULL:
            continue;
          case BUFFER_ERROR_CODES.FSYNC_FAILED:
            // Written, not known durable: keep going, an operator must look at the disk.
            logger.error({ reason: error.message }, 'disk buffer fsync failed');
            return;
          case BUFFER_ERROR_CODES.WRITE_FAILED:
            // Nothing written (a full or failing disk): hold the pipeline rather than drop events.
            logger.error({ reason: error.message, retryInMs: WRITE_RETRY_MS }, 'disk buffer write failed; retrying');
            await sleep(WRITE_RETRY_MS);
            continue;
          default:
            throw new SiemadError(ERROR_CODES.BUFFER_FAILED, `disk buffer: ${error.message}`, undefined, { cause: error });
        }
      }
    }
  }
}

/** A deterministic id for an event that has none: the same JSON gives the same id, so a replay stays idempotent. */
export function contentId(json: string): string {
  return hash('sha256', json, 'base64url').slice(0, 22);
}
