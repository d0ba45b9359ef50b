/**
 * Reads what a detector says about each line: `siemad analyze --format ndjson` writes one ECS
 * event per input line, in input order, with `anomaly.is_anomaly`. An event without an `anomaly`
 * field set counts as not flagged.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { EcsEvent } from '../collector/ecs/event.js';

/** Whether one NDJSON event line is flagged; throws on a line that is not a JSON object. */
export function isFlaggedEvent(json: string, lineNumber: number): boolean {
  let event: unknown;
  try {
    event = JSON.parse(json);
  } catch {
    throw new SyntaxError(`detector output line ${lineNumber} is not JSON: ${json.slice(0, 120)}`);
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new SyntaxError(`detector output line ${lineNumber} is not a JSON object`);
  // Field names come from the ECS event type; the values are still checked, the input is external.
  const anomaly: unknown = (event as Partial<Pick<EcsEvent, 'anomaly'>>).anomaly;
  if (typeof anomaly !== 'object' || anomaly === null) return false;
  const isAnomaly: unknown = (anomaly as Partial<Pick<NonNullable<EcsEvent['anomaly']>, 'is_anomaly'>>).is_anomaly;
  return isAnomaly === true;
}

/** Flags from a detector's NDJSON output; `expectedLines` guards against dropped or extra events. */
export async function readDetectorFlags(output: Readable, expectedLines?: number): Promise<boolean[]> {
  const flags: boolean[] = [];
  const reader = createInterface({ input: output, crlfDelay: Infinity });
  for await (const line of reader) {
    if (line.trim() === '') continue;
    flags.push(isFlaggedEvent(line, flags.length + 1));
  }
  if (expectedLines !== undefined && flags.length !== expectedLines) {
    throw new RangeError(`detector wrote ${flags.length} events for ${expectedLines} input lines`);
  }
  return flags;
}
