/**
 * What one item of a `_bulk` response means for its document. Outcomes follow Logstash's and
 * Vector's practice: 409 on `create` is a copy already indexed (a replay), throttling and server
 * errors are retried, and a document the cluster refuses for its content (mapping errors,
 * malformed values: 400 and the other 4xx) goes to the dead-letter queue instead of blocking the
 * rest for ever.
 */
import { isRetryableStatus } from './retry-policy.js';

export type ItemOutcome = 'created' | 'duplicate' | 'retry' | 'dead_letter';

export interface BulkItemError {
  type?: string;
  reason?: string;
  caused_by?: { type?: string; reason?: string };
}

/** One entry of `items` as `filter_path=items.*.status,items.*.error` leaves it: `{create: {...}}`. */
export interface BulkItemResult {
  status?: number;
  error?: BulkItemError | string;
}

/** Longest error text kept (a dead letter, a log line): reasons may quote a whole field value. */
const MAX_REASON_CHARS = 1024;

export function classifyItem(item: BulkItemResult | undefined): ItemOutcome {
  const status = item?.status;
  if (typeof status !== 'number') return 'retry';
  if (status >= 200 && status < 300) return 'created';
  if (status === 409) return 'duplicate';
  if (isRetryableStatus(status)) return 'retry';
  return 'dead_letter';
}

/** `type` of the error, `unknown` when the cluster gave none. */
export function errorType(item: BulkItemResult | undefined): string {
  const error = item?.error;
  if (typeof error === 'object' && error !== null && typeof error.type === 'string') return error.type.slice(0, 128);
  return 'unknown';
}

/** One line: `reason (caused by: type: reason)`, bounded. */
export function errorReason(item: BulkItemResult | undefined): string {
  const error = item?.error;
  let text: string;
  if (typeof error === 'string') text = error;
  else if (typeof error === 'object' && error !== null) {
    text = typeof error.reason === 'string' ? error.reason : '';
    const cause = error.caused_by;
    if (cause !== undefined && cause !== null && typeof cause === 'object') {
      text += ` (caused by ${String(cause.type ?? 'error')}: ${String(cause.reason ?? '')})`;
    }
  } else text = `status ${String(item?.status)}`;
  return boundedLine(text);
}

export function boundedLine(text: string): string {
  const line = text.replace(/\s*\n\s*/g, ' ');
  return line.length > MAX_REASON_CHARS ? `${line.slice(0, MAX_REASON_CHARS)}…` : line;
}

/** The first (only) value of an item: `{"create": {...}}` → `{...}`. */
export function itemBody(entry: unknown): BulkItemResult | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  for (const key in entry) return (entry as Record<string, BulkItemResult>)[key];
  return undefined;
}
