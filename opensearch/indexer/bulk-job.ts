/**
 * Delivers the records of one bulk request until every document is done: indexed, already present
 * (409 on `create`) or dead-lettered. Whole-request failures (no answer, 429, 5xx) are retried with
 * backoff for as long as it takes; per-item failures are retried alone; a request the cluster
 * refuses as a whole (413, 400) is split in halves until the offending document is alone, and that
 * one is dead-lettered. Only then may the caller acknowledge the buffer batches.
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { BufferBatch } from '../../core/disk-buffer/index.js';
import type { DeadLetter, DeadLetterQueue } from './dead-letter.js';
import { encodeBulkBody, type BulkAction } from './encoder.js';
import { classifyItem, errorReason, errorType, itemBody } from './item-result.js';
import type { LogThrottle } from './log-throttle.js';
import type { IndexerMetrics } from './metrics.js';
import type { Reachability } from './reachability.js';
import { decodeRecord, TARGET_ANOMALIES, TARGET_LOGS } from './record.js';
import type { BulkResponse, BulkRequestService } from './request-service.js';
import { isRetryableStatus, type RetryPolicy, type RetryReason } from './retry-policy.js';
import type { IndexerCounters } from './stats.js';

/** The data streams documents go to. */
export interface IndexerTargets {
  readonly logs: string;
  readonly anomalies: string;
}

export interface BulkJobContext {
  readonly service: BulkRequestService;
  readonly retry: RetryPolicy;
  readonly deadLetters: DeadLetterQueue;
  readonly counters: IndexerCounters;
  readonly metrics: IndexerMetrics | null;
  readonly reachability: Reachability;
  readonly logger: Logger;
  readonly logThrottle: LogThrottle;
  readonly targets: IndexerTargets;
  /** Aborted when shutting down: backoff waits end at once. */
  readonly sleepSignal: AbortSignal;
  /** Aborted once the shutdown grace is over: requests still in flight are abandoned. */
  readonly requestSignal: AbortSignal;
}

/** One buffer record: done once all of its documents (one per target stream) are. */
interface RecordState {
  readonly appendedAt: number;
  remaining: number;
}

interface Action extends BulkAction {
  readonly record: RecordState;
}

/**
 * Sends the documents of `batches` until all are done. True when they are (the batches may be
 * acknowledged); false when shutdown interrupted it (they stay in the buffer for the next run).
 */
export async function deliverBulk(batches: readonly BufferBatch[], context: BulkJobContext): Promise<boolean> {
  const { targets } = context;
  const actions: Action[] = [];
  const undecodable: DeadLetter[] = [];
  for (const batch of batches) {
    for (const payload of batch.records) {
      const decoded = decodeRecord(payload);
      if (typeof decoded === 'string') {
        undecodable.push({
          kind: 'undecodable',
          errorType: 'undecodable_record',
          reason: decoded,
          event: Buffer.from(payload),
          eventIsJson: false,
        });
        continue;
      }
      const record: RecordState = { appendedAt: decoded.appendedAt, remaining: 0 };
      if ((decoded.targets & TARGET_LOGS) !== 0) {
        actions.push({ index: targets.logs, id: decoded.id, json: decoded.json, record });
        record.remaining++;
      }
      if ((decoded.targets & TARGET_ANOMALIES) !== 0) {
        actions.push({ index: targets.anomalies, id: decoded.id, json: decoded.json, record });
        record.remaining++;
      }
    }
  }
  if (undecodable.length > 0 && !(await writeDeadLetters(undecodable, context))) return false;
  return sendAll(actions, context);
}

async function sendAll(actions: Action[], context: BulkJobContext): Promise<boolean> {
  const { counters, reachability } = context;
  // Chunks still to send, first first; a refused request is replaced by its two halves.
  const chunks: Action[][] = actions.length > 0 ? [actions] : [];
  let attempt = 0;
  while (chunks.length > 0) {
    const chunk = chunks[0]!;
    const started = performance.now();
    const response = await context.service.send(encodeBulkBody(chunk), context.requestSignal);
    context.metrics?.observeRequest((performance.now() - started) / 1000);
    if (response.kind === 'aborted') return false;
    if (response.kind === 'items' && response.items.length === chunk.length) {
      reachability.reached();
      context.logThrottle.reset('unreachable');
      const retry = await settleItems(chunk, response.items, context);
      if (retry === null) return false;
      if (retry.length === 0) {
        chunks.shift();
        attempt = 0;
        continue;
      }
      chunks[0] = retry;
      if (!(await backOff('items', attempt++, context))) return false;
      continue;
    }
    if (response.kind === 'status' && !isRetryableStatus(response.status)) {
      // The cluster answered but refuses the request as a whole (413 too large, 400 malformed).
      counters.bulkRequests.rejected++;
      reachability.reached();
      if (chunk.length > 1) {
        const half = Math.ceil(chunk.length / 2);
        chunks.splice(0, 1, chunk.slice(0, half), chunk.slice(half));
        continue;
      }
      const action = chunk[0]!;
      const letter = deadLetter(action, 'request_rejected', response.status, response.errorType, response.reason);
      if (!(await writeDeadLetters([letter], context))) return false;
      counters.items.dead_lettered++;
      markDone(action, context);
      chunks.shift();
      continue;
    }
    const reason = failureReason(response);
    const retryReason = retryReasonOf(response);
    if (retryReason === 'unreachable') counters.bulkRequests.unreachable++;
    else counters.bulkRequests.retryable_status++;
    reachability.failed(reason);
    const suppressed = context.logThrottle.admit('unreachable');
    if (suppressed !== null) {
      context.logger.warn(
        { reason, documents: chunk.length, suppressed },
        'OpenSearch bulk request failed; retrying with backoff (events stay in the disk buffer)',
      );
    }
    if (!(await backOff(retryReason, attempt++, context))) return false;
  }
  return true;
}

/**
 * Reads the per-item results: created and 409 are done, refusals for the content are
 * dead-lettered, the rest is returned to be retried. Null when shutdown stopped a dead-letter write.
 */
async function settleItems(chunk: Action[], items: unknown[], context: BulkJobContext): Promise<Action[] | null> {
  const { counters } = context;
  const retry: Action[] = [];
  const letters: DeadLetter[] = [];
  const rejected: Action[] = [];
  let firstRetryReason: string | undefined;
  for (let i = 0; i < chunk.length; i++) {
    const action = chunk[i]!;
    const item = itemBody(items[i]);
    switch (classifyItem(item)) {
      case 'created':
        counters.items.created++;
        markDone(action, context);
        break;
      case 'duplicate':
        counters.items.duplicate++;
        markDone(action, context);
        break;
      case 'retry':
        counters.items.retried++;
        firstRetryReason ??= `${String(item?.status)} ${errorType(item)}: ${errorReason(item)}`;
        retry.push(action);
        break;
      case 'dead_letter':
        letters.push(deadLetter(action, 'rejected', item?.status, errorType(item), errorReason(item)));
        rejected.push(action);
        break;
    }
  }
  counters.bulkRequests[retry.length === 0 && letters.length === 0 ? 'ok' : 'item_errors']++;
  if (letters.length > 0) {
    if (!(await writeDeadLetters(letters, context))) return null;
    counters.items.dead_lettered += letters.length;
    for (const action of rejected) markDone(action, context);
    const suppressed = context.logThrottle.admit('dead_letter');
    if (suppressed !== null) {
      context.logger.warn(
        {
          count: letters.length,
          reason: `${letters[0]!.errorType}: ${letters[0]!.reason}`,
          directory: context.deadLetters.directory,
          suppressed,
        },
        'OpenSearch refused documents; written to the dead-letter queue',
      );
    }
  }
  if (firstRetryReason !== undefined) {
    const suppressed = context.logThrottle.admit('item_retry');
    if (suppressed !== null)
      context.logger.warn({ count: retry.length, reason: firstRetryReason, suppressed }, 'OpenSearch bulk items failed; retrying them');
  }
  return retry;
}

function deadLetter(
  action: Action,
  kind: 'rejected' | 'request_rejected',
  status: number | undefined,
  type: string,
  reason: string,
): DeadLetter {
  return {
    kind,
    index: action.index,
    id: action.id,
    ...(status !== undefined ? { status } : {}),
    errorType: type,
    reason,
    event: action.json,
    eventIsJson: true,
  };
}

/** Writes dead letters, retrying a failed write (a full disk) until it works or shutdown. */
async function writeDeadLetters(letters: DeadLetter[], context: BulkJobContext): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await context.deadLetters.write(letters);
      return true;
    } catch (error) {
      const suppressed = context.logThrottle.admit('dead_letter_write');
      if (suppressed !== null) {
        context.logger.error(
          { reason: (error as Error).message, directory: context.deadLetters.directory, suppressed },
          'cannot write the dead-letter queue; retrying',
        );
      }
      if (!(await backOff('dead_letter_write', attempt, context))) return false;
    }
  }
}

function markDone(action: Action, context: BulkJobContext): void {
  const record = action.record;
  if (--record.remaining === 0 && context.metrics !== null) {
    context.metrics.observeLatency(Math.max(0, Date.now() - record.appendedAt) / 1000);
  }
}

async function backOff(reason: RetryReason, attempt: number, context: BulkJobContext): Promise<boolean> {
  context.counters.retries[reason]++;
  return context.retry.wait(attempt, context.sleepSignal);
}

function retryReasonOf(response: BulkResponse): RetryReason {
  if (response.kind !== 'status') return 'unreachable';
  if (response.status === 429) return 'throttled';
  if (response.status >= 500) return 'server_error';
  return 'refused';
}

function failureReason(response: BulkResponse): string {
  switch (response.kind) {
    case 'status':
      return `${response.status} ${response.errorType}: ${response.reason}`;
    case 'unreachable':
      return response.reason;
    case 'items':
      return `the response has ${response.items.length} items for a different number of documents`;
    case 'aborted':
      return 'aborted';
  }
}
