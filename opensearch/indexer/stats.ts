import type { RetryReason } from './retry-policy.js';

/** How a `_bulk` request ended (a closed set: metric label values). */
export type BulkOutcome =
  /** 2xx and every item indexed or already present. */
  | 'ok'
  /** 2xx with some items refused (retried or dead-lettered). */
  | 'item_errors'
  /** No answer: refused, reset, timed out. */
  | 'unreachable'
  /** An HTTP error for the whole request that is retried (429, 5xx, auth). */
  | 'retryable_status'
  /** An HTTP error for the whole request that is not (413, 400): split, then dead-lettered. */
  | 'rejected';

/** Per-item outcomes as counted: `retried` counts each failed attempt of an item. */
export type ItemCount = 'created' | 'duplicate' | 'retried' | 'dead_lettered';

export const BULK_OUTCOMES: readonly BulkOutcome[] = ['ok', 'item_errors', 'unreachable', 'retryable_status', 'rejected'];
export const ITEM_COUNTS: readonly ItemCount[] = ['created', 'duplicate', 'retried', 'dead_lettered'];
export const RETRY_REASONS: readonly RetryReason[] = ['unreachable', 'throttled', 'server_error', 'refused', 'items', 'dead_letter_write'];

/** Plain counters the indexer bumps; metrics and summaries read them. */
export class IndexerCounters {
  readonly bulkRequests: Record<BulkOutcome, number> = { ok: 0, item_errors: 0, unreachable: 0, retryable_status: 0, rejected: 0 };
  readonly items: Record<ItemCount, number> = { created: 0, duplicate: 0, retried: 0, dead_lettered: 0 };
  readonly retries: Record<RetryReason, number> = {
    unreachable: 0,
    throttled: 0,
    server_error: 0,
    refused: 0,
    items: 0,
    dead_letter_write: 0,
  };
  /** Buffer records whose every action is done (indexed, present or dead-lettered) and acknowledged. */
  ackedRecords = 0;
  inFlightRequests = 0;
}

export interface IndexerStats {
  readonly bulkRequests: Readonly<Record<BulkOutcome, number>>;
  readonly items: Readonly<Record<ItemCount, number>>;
  readonly retries: Readonly<Record<RetryReason, number>>;
  readonly ackedRecords: number;
  readonly inFlightRequests: number;
  /** How long OpenSearch has been unreachable (0 when the last attempt reached it). */
  readonly unreachableSeconds: number;
  /** The last reason it was unreachable, for health reports; null when reachable. */
  readonly lastFailure: string | null;
}
