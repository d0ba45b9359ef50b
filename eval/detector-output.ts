/**
 * Reads what a detector says about each line: `siemad analyze --format ndjson` writes one ECS
 * event per input line, in input order, with `anomaly.is_anomaly`. An event without an `anomaly`
 * field set counts as not flagged.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { EcsEvent } from '../collector/ecs/event.js';

/** One NDJSON event line as an event; throws on a line that is not a JSON object. */
export function parseEventLine(json: string, lineNumber: number): Partial<EcsEvent> {
  let event: unknown;
  try {
    event = JSON.parse(json);
  } catch {
    throw new SyntaxError(`detector output line ${lineNumber} is not JSON: ${json.slice(0, 120)}`);
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new SyntaxError(`detector output line ${lineNumber} is not a JSON object`);
  return event as Partial<EcsEvent>;
}

/** Whether one NDJSON event line is flagged; throws on a line that is not a JSON object. */
export function isFlaggedEvent(json: string, lineNumber: number): boolean {
  // Field names come from the ECS event type; the values are still checked, the input is external.
  const anomaly: unknown = parseEventLine(json, lineNumber).anomaly;
  if (typeof anomaly !== 'object' || anomaly === null) return false;
  const isAnomaly: unknown = (anomaly as Partial<Pick<NonNullable<EcsEvent['anomaly']>, 'is_anomaly'>>).is_anomaly;
  return isAnomaly === true;
}

/**
 * One value per event of a detector's NDJSON output (`read(json, lineNumber)`);
 * `expectedLines` guards against dropped or extra events.
 */
export async function readDetectorOutput<T>(output: Readable, read: (json: string, lineNumber: number) => T, expectedLines?: number): Promise<T[]> {
  const values: T[] = [];
  const reader = createInterface({ input: output, crlfDelay: Infinity });
  for await (const line of reader) {
    if (line.trim() === '') continue;
    values.push(read(line, values.length + 1));
  }
  if (expectedLines !== undefined && values.length !== expectedLines) {
    throw new RangeError(`detector wrote ${values.length} events for ${expectedLines} input lines`);
  }
  return values;
}

/** Flags from a detector's NDJSON output; `expectedLines` guards against dropped or extra events. */
export function readDetectorFlags(output: Readable, expectedLines?: number): Promise<boolean[]> {
  return readDetectorOutput(output, isFlaggedEvent, expectedLines);
}
