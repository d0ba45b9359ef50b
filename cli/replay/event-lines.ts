/**
 * Lines of an NDJSON event file (the `events.ndjson` the NDJSON sink writes, or any ECS JSON per
 * line) as buffer records. An event keeps its `event.id`, so replaying a file twice creates each
 * document once; an event without a usable id gets one from its content, for the same reason.
 */
import { contentId } from '../../opensearch/sink.js';
import { isUsableId, TARGET_ANOMALIES, TARGET_LOGS, type RecordInput } from '../../opensearch/indexer/record.js';

export type EventLine = { kind: 'event'; input: RecordInput } | { kind: 'blank' } | { kind: 'invalid'; reason: string };

export function parseEventLine(line: string): EventLine {
  const text = line.trim();
  if (text === '') return { kind: 'blank' };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { kind: 'invalid', reason: `not JSON: ${(error as Error).message}` };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { kind: 'invalid', reason: 'not a JSON object' };
  const event = (doc as { event?: unknown }).event;
  const anomaly = (doc as { anomaly?: { is_anomaly?: unknown } }).anomaly;
  const targets =
    typeof anomaly === 'object' && anomaly !== null && anomaly.is_anomaly === true ? TARGET_LOGS | TARGET_ANOMALIES : TARGET_LOGS;
  const id = typeof event === 'object' && event !== null ? (event as { id?: unknown }).id : undefined;
  if (isUsableId(id)) return { kind: 'event', input: { targets, id, json: text } };
  const generated = contentId(text);
  if (typeof event === 'object' && event !== null && !Array.isArray(event)) {
    // The document carries the id it is stored under, as events from the pipeline do.
    (event as { id?: string }).id = generated;
    return { kind: 'event', input: { targets, id: generated, json: JSON.stringify(doc) } };
  }
  return { kind: 'event', input: { targets, id: generated, json: text } };
}
