/**
 * Analysts' feedback as training rows: the NDJSON export of `GET /api/v1/feedback?format=ndjson`
 * holds, per feedback, the verdict and the feature rows its anomalies were scored on. Rows marked
 * false positive or benign join the benign training data (the models learn that this is normal);
 * true positives are left out. A row whose features are not exactly this build's (another model
 * generation) is skipped and counted.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { FEATURE_COUNT, FEATURES } from '../scorer/features/definitions.js';

export interface FeedbackRows {
  rows: Float32Array[];
  /** Feedback lines whose verdict makes their rows benign. */
  used: number;
  /** Feature rows left out: names not those of this build. */
  skipped: number;
  /** Lines of other verdicts (true positives) or without any feature row. */
  ignored: number;
}

const BENIGN_VERDICTS = new Set(['false_positive', 'benign']);
const NAMES = FEATURES.map((feature) => feature.name);

function featureRow(features: unknown): Float32Array | undefined {
  if (typeof features !== 'object' || features === null || Array.isArray(features)) return undefined;
  const values = features as Record<string, unknown>;
  if (Object.keys(values).length !== FEATURE_COUNT) return undefined;
  const row = new Float32Array(FEATURE_COUNT);
  for (let i = 0; i < FEATURE_COUNT; i++) {
    const value = values[NAMES[i]!];
    if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
    row[i] = value;
  }
  return row;
}

/** Reads an export file; lines that are not JSON objects are an error (named by line number). */
export async function readFeedbackRows(file: string): Promise<FeedbackRows> {
  const result: FeedbackRows = { rows: [], used: 0, skipped: 0, ignored: 0 };
  let lineNumber = 0;
  for await (const line of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === '') continue;
    let entry: { verdict?: unknown; features?: unknown; events?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      throw new Error(`${file}:${lineNumber}: not JSON`);
    }
    const candidates: unknown[] = [];
    if (entry.features !== undefined) candidates.push(entry.features);
    if (Array.isArray(entry.events)) for (const event of entry.events) candidates.push((event as { features?: unknown } | null)?.features);
    // The API writes `features: null` for a row stored by another generation of the model.
    const present = candidates.filter((features) => features !== undefined);
    if (typeof entry.verdict !== 'string' || !BENIGN_VERDICTS.has(entry.verdict) || present.length === 0) {
      result.ignored++;
      continue;
    }
    result.used++;
    for (const features of present) {
      const row = featureRow(features);
      if (row === undefined) result.skipped++;
      else result.rows.push(row);
    }
  }
  return result;
}
