import { Readable } from 'node:stream';
import type { ApiDatabase } from './database.js';
import { eventsOfFeedback, listFeedback, type ExportedEvent, type FeedbackFilter } from './store/feedback.js';
import { FEATURE_NAMES } from './store/rows.js';

/**
 * Feedback exported as training labels, streamed page by page (never the whole set in memory),
 * at most `limit` feedback rows.
 *
 * NDJSON: one line per feedback row, its anomalies nested:
 *   {"id":1,"verdict":"false_positive","comment":..,"created_at":..,"created_by":..,"alert_id":7,
 *    "event_id":null,"entity":..,"kind":..,"events":[{"event_id":..,"timestamp":..,"level":..,
 *    "score":..,"model_version":..,"features":{"is_auth":1,...}}]}
 * CSV: one row per (feedback, anomaly) — a feedback row without a known anomaly still gets one —
 * with one column per feature (FEATURES order).
 */
export type ExportFormat = 'ndjson' | 'csv';

const PAGE = 100;

const FEEDBACK_COLUMNS = ['id', 'verdict', 'comment', 'created_at', 'created_by', 'alert_id', 'event_id', 'entity', 'kind'] as const;
const EVENT_COLUMNS = ['anomaly_event_id', 'anomaly_timestamp', 'anomaly_level', 'anomaly_score', 'model_version'] as const;
export const CSV_HEADER = [...FEEDBACK_COLUMNS, ...EVENT_COLUMNS, ...FEATURE_NAMES];

export const EXPORT_CONTENT_TYPE: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

export function exportFeedback(
  db: ApiDatabase,
  filter: Omit<FeedbackFilter, 'limit' | 'cursor'>,
  limit: number,
  format: ExportFormat,
): Readable {
  return Readable.from(lines(db, filter, limit, format), { objectMode: false });
}

async function* lines(
  db: ApiDatabase,
  filter: Omit<FeedbackFilter, 'limit' | 'cursor'>,
  limit: number,
  format: ExportFormat,
): AsyncGenerator<string> {
  if (format === 'csv') yield csvLine(CSV_HEADER);
  let cursor: string | undefined;
  let left = limit;
  while (left > 0) {
    const page = await listFeedback(db, { ...filter, limit: Math.min(PAGE, left), ...(cursor !== undefined ? { cursor } : {}) });
    const events = await eventsOfFeedback(
      db,
      page.feedback.map((row) => row.id as number),
    );
    let chunk = '';
    for (const row of page.feedback) {
      const rowEvents = events.get(row.id as number) ?? [];
      chunk += format === 'ndjson' ? JSON.stringify({ ...row, events: rowEvents }) + '\n' : csvRows(row, rowEvents);
    }
    if (chunk !== '') yield chunk;
    left -= page.feedback.length;
    if (page.next_cursor === null) return;
    cursor = page.next_cursor;
  }
}

function csvRows(row: Record<string, unknown>, events: readonly ExportedEvent[]): string {
  const head = FEEDBACK_COLUMNS.map((column) => row[column]);
  if (events.length === 0) return csvLine([...head, ...EVENT_COLUMNS.map(() => null), ...FEATURE_NAMES.map(() => null)]);
  let text = '';
  for (const event of events) {
    const features = FEATURE_NAMES.map((name) => event.features?.[name] ?? null);
    text += csvLine([...head, event.event_id, event.timestamp, event.level, event.score, event.model_version, ...features]);
  }
  return text;
}

function csvLine(values: readonly unknown[]): string {
  return values.map(csvCell).join(',') + '\r\n';
}

/**
 * RFC 4180 quoting; text that a spreadsheet would run as a formula (=, +, -, @ first: user names
 * and comments come from outside) is prefixed with a quote mark. Numbers stay numbers.
 */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
