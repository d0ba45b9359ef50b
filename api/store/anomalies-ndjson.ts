/**
 * GET /api/v1/anomalies from the embedded NDJSON store (`anomalies.ndjson` and its rotated
 * `anomalies.N.ndjson` under the sink directory). The files are read newest first, from their end
 * backwards, up to `scanBytes` in all: older anomalies are not found (the answer says when the
 * scan stopped early). Memory stays bounded: only the best `limit + 1` rows are kept while scanning.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { EcsEvent } from '../../collector/ecs/event.js';
import { LEVEL_RANK, textWords, type AnomalyFilter, type AnomalyPage, type AnomalyQuery } from './anomalies.js';

const CHUNK = 1024 * 1024;

interface Row {
  key: number;
  id: string;
  event: EcsEvent;
}

export class NdjsonAnomalyQuery implements AnomalyQuery {
  readonly name = 'ndjson';

  constructor(
    private readonly directory: string,
    /** Rotated files that may exist (--ndjson-keep). */
    private readonly keepFiles: number,
    /** Bytes read per query at most, newest first. */
    private readonly scanBytes: number,
  ) {}

  private files(): string[] {
    const files = [path.join(this.directory, 'anomalies.ndjson')];
    for (let n = 1; n <= this.keepFiles; n++) files.push(path.join(this.directory, `anomalies.${n}.ndjson`));
    return files;
  }

  async search(filter: AnomalyFilter): Promise<AnomalyPage> {
    const words = textWords(filter.text);
    const keep = filter.limit + 1;
    const best: Row[] = [];
    let budget = this.scanBytes;
    let truncated = false;
    const consider = (line: string): void => {
      // Cheap substring tests before parsing: most lines fail one.
      if (filter.sourceIp !== undefined && !line.includes(filter.sourceIp)) return;
      if (filter.user !== undefined && !line.includes(filter.user)) return;
      if (filter.host !== undefined && !line.includes(filter.host)) return;
      let event: EcsEvent;
      try {
        event = JSON.parse(line) as EcsEvent;
      } catch {
        return; // a line being written, or damage: not an anomaly to report
      }
      const row = matchRow(event, filter, words);
      if (row === undefined) return;
      if (filter.after !== undefined && !before(row, filter.after[0], filter.after[1])) return;
      insertSorted(best, row, keep);
    };
    for (const file of this.files()) {
      if (budget <= 0) {
        truncated = await exists(file);
        break;
      }
      const read = await readBackwards(file, budget, consider);
      budget -= read.bytes;
      if (read.stopped) {
        truncated = true;
        break;
      }
    }
    const page = best.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      anomalies: page.map((row) => row.event as unknown as Record<string, unknown>),
      ...(best.length > filter.limit && last !== undefined ? { next: [last.key, last.id] as [number, string] } : {}),
      scan: { bytes: this.scanBytes - budget, truncated },
    };
  }
}

function matchRow(event: EcsEvent, filter: AnomalyFilter, words: string[]): Row | undefined {
  const anomaly = event.anomaly;
  if (anomaly?.is_anomaly !== true) return undefined;
  const score = Number(anomaly.score);
  if (filter.minScore !== undefined && !(score >= filter.minScore)) return undefined;
  if (filter.level !== undefined && (LEVEL_RANK[anomaly.level as keyof typeof LEVEL_RANK] ?? 0) < LEVEL_RANK[filter.level])
    return undefined;
  const time = Date.parse(event['@timestamp'] as string);
  if (filter.since !== undefined && !(time >= filter.since.getTime())) return undefined;
  if (filter.until !== undefined && !(time < filter.until.getTime())) return undefined;
  if (filter.sourceIp !== undefined && event.source?.ip !== filter.sourceIp) return undefined;
  if (filter.user !== undefined && event.user?.name !== filter.user) return undefined;
  if (filter.host !== undefined && event.host?.hostname !== filter.host) return undefined;
  if (filter.kind !== undefined && anomaly.kind !== filter.kind) return undefined;
  if (words.length > 0) {
    const reasons = (Array.isArray(anomaly.reasons) ? anomaly.reasons.join('\n') : '').toLowerCase();
    for (const word of words) if (!reasons.includes(word)) return undefined;
  }
  const id = String(event.event?.id ?? '');
  return { key: filter.sort === 'score' ? score : time, id, event };
}

/** Whether a row comes after the cursor in the (descending) order. */
function before(row: Row, key: number, id: string): boolean {
  return row.key < key || (row.key === key && row.id < id);
}

/** Keeps `rows` sorted (descending key, then id) and at most `keep` long. */
function insertSorted(rows: Row[], row: Row, keep: number): void {
  let at = rows.length;
  while (at > 0 && before(rows[at - 1]!, row.key, row.id)) at--;
  if (at >= keep) return;
  rows.splice(at, 0, row);
  if (rows.length > keep) rows.pop();
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (stat) => stat.size > 0,
    () => false,
  );
}

/**
 * Calls `line` for each complete line of `file`, last line first, reading at most `budget` bytes.
 * `stopped`: the budget ran out before the start of the file.
 */
async function readBackwards(file: string, budget: number, line: (text: string) => void): Promise<{ bytes: number; stopped: boolean }> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch {
    return { bytes: 0, stopped: false };
  }
  try {
    const size = (await handle.stat()).size;
    let position = size;
    let bytes = 0;
    let carry: Buffer = Buffer.alloc(0);
    const buffer = Buffer.allocUnsafe(CHUNK);
    while (position > 0) {
      if (bytes >= budget) return { bytes, stopped: true };
      const length = Math.min(CHUNK, position, budget - bytes);
      position -= length;
      await handle.read(buffer, 0, length, position);
      bytes += length;
      const chunk = Buffer.concat([buffer.subarray(0, length), carry]);
      let end = chunk.length;
      for (let i = chunk.length - 1; i >= 0; i--) {
        if (chunk[i] !== 0x0a) continue;
        if (end > i + 1) line(chunk.toString('utf8', i + 1, end));
        end = i;
      }
      carry = Buffer.from(chunk.subarray(0, end));
    }
    if (carry.length > 0) line(carry.toString('utf8'));
    return { bytes, stopped: false };
  } finally {
    await handle.close();
  }
}
