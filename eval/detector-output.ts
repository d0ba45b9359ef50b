/**
 * Reads what a detector says about each line: `siemad analyze --format ndjson` writes one ECS
 * event per input line, in input order, with `anomaly.is_anomaly`. An event without an `anomaly`
 * field set counts as not flagged. For flagged events it also keeps what produced them
 * (`event.action` and the first of `anomaly.reasons`), to show what a detector gets wrong, and
 * what an alert keeps of them (alerts/anomaly.ts), to group them into alerts.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { alertAnomalyOf, type AlertAnomaly } from '../alerts/anomaly.js';
import type { EcsEvent } from '../collector/ecs/event.js';
import type { LineAnomaly } from './alert-figures.js';

type AnomalyFields = NonNullable<EcsEvent['anomaly']>;

/** What produced a flag. */
export interface FlagCause {
  /** `event.action`, or `-` when the event has none (undecoded). */
  action: string;
  /** The first of `anomaly.reasons`, or `-`. */
  reason: string;
}

export interface Verdict {
  flagged: boolean;
  /** Set when flagged. */
  cause?: FlagCause;
  /** What an alert keeps of it, when flagged (and it has an id and a time). */
  alert?: AlertAnomaly;
}

/** One NDJSON event line as an event; throws on a line that is not a JSON object. */
export function parseEventLine(json: string, lineNumber: number): Partial<EcsEvent> {
  let event: unknown;
  try {
    event = JSON.parse(json);
  } catch {
    throw new SyntaxError(`detector output line ${lineNumber} is not JSON: ${json.slice(0, 120)}`);
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    throw new SyntaxError(`detector output line ${lineNumber} is not a JSON object`);
  return event as Partial<EcsEvent>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The verdict on one NDJSON event line; throws on a line that is not a JSON object. */
export function parseVerdict(json: string, lineNumber: number): Verdict {
  // Field names come from the ECS event type; the values are still checked, the input is external.
  const event = parseEventLine(json, lineNumber);
  const anomaly: unknown = event.anomaly;
  if (!isRecord(anomaly)) return { flagged: false };
  const fields = anomaly as Partial<Pick<AnomalyFields, 'is_anomaly' | 'reasons'>>;
  if (fields.is_anomaly !== true) return { flagged: false };
  const action: unknown = isRecord(event.event) ? (event.event as Partial<Pick<EcsEvent['event'], 'action'>>).action : undefined;
  const reasons: unknown = fields.reasons;
  const reason: unknown = Array.isArray(reasons) ? reasons[0] : undefined;
  const alert = alertAnomalyOf(event);
  return {
    flagged: true,
    cause: { action: typeof action === 'string' ? action : '-', reason: typeof reason === 'string' ? reason : '-' },
    ...(alert === undefined ? {} : { alert }),
  };
}

/** Whether one NDJSON event line is flagged; throws on a line that is not a JSON object. */
export function isFlaggedEvent(json: string, lineNumber: number): boolean {
  return parseVerdict(json, lineNumber).flagged;
}

/**
 * One value per event of a detector's NDJSON output (`read(json, lineNumber)`);
 * `expectedLines` guards against dropped or extra events.
 */
export async function readDetectorOutput<T>(
  output: Readable,
  read: (json: string, lineNumber: number) => T,
  expectedLines?: number,
): Promise<T[]> {
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

export interface DetectorVerdicts {
  flags: boolean[];
  /** The cause of each flagged line, by 0-based line index. */
  causes: Map<number, FlagCause>;
  /** The flagged lines as alerts see them, in line order. */
  anomalies: LineAnomaly[];
}

/** Flags, causes and anomalies from a detector's NDJSON output. */
export async function readDetectorVerdicts(output: Readable, expectedLines?: number): Promise<DetectorVerdicts> {
  const verdicts = await readDetectorOutput(output, parseVerdict, expectedLines);
  const causes = new Map<number, FlagCause>();
  const anomalies: LineAnomaly[] = [];
  verdicts.forEach((verdict, index) => {
    if (verdict.cause !== undefined) causes.set(index, verdict.cause);
    if (verdict.alert !== undefined) anomalies.push({ line: index, anomaly: verdict.alert });
  });
  return { flags: verdicts.map((verdict) => verdict.flagged), causes, anomalies };
}

/** Flags only, for detectors whose causes nobody reads. */
export function readDetectorFlags(output: Readable, expectedLines?: number): Promise<boolean[]> {
  return readDetectorOutput(output, isFlaggedEvent, expectedLines);
}
