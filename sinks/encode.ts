import type { EcsEvent } from '../collector/ecs/event.js';
import { isAnomalous } from './sink.js';

/** How a sink takes events encoded elsewhere (by the codec threads of `--workers`). */
export type SinkEncoding = 'ndjson' | 'json';

export interface EncodedBatch {
  /** `ndjson`: every event, a line each. */
  ndjson?: Uint8Array;
  /** `ndjson`: the anomalous events' lines (undefined when none). */
  anomalies?: Uint8Array;
  /** `json`: each event's JSON text, in order. */
  json?: string[];
}

/**
 * JSON lines into one buffer, each line written in place: no concatenated string to flatten and
 * encode a second time. Sized for ASCII (what logs almost always are) and grown when a line is not.
 * The buffer is not from Node's shared pool, so it can be transferred to another thread.
 */
class LineWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(expectedBytes: number) {
    this.buffer = Buffer.allocUnsafeSlow(Math.max(expectedBytes, 64));
  }

  add(line: string): void {
    const room = this.buffer.length - this.length - 1;
    if (line.length * 3 > room) {
      const needed = Buffer.byteLength(line) + 1;
      if (needed > room + 1) {
        const grown = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.length + needed));
        this.buffer.copy(grown, 0, 0, this.length);
        this.buffer = grown;
      }
    }
    this.length += this.buffer.write(line, this.length);
    this.buffer[this.length++] = 0x0a;
  }

  get size(): number {
    return this.length;
  }

  get bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/** Every event as NDJSON, and the anomalous ones again (undefined when there are none). */
export function encodeNdjson(events: readonly EcsEvent[]): { ndjson: Buffer; anomalies: Buffer | undefined } {
  const lines: string[] = new Array(events.length);
  let chars = 0;
  for (let i = 0; i < events.length; i++) {
    const line = JSON.stringify(events[i]);
    lines[i] = line;
    chars += line.length + 1;
  }
  const writer = new LineWriter(chars);
  // The anomalies' lines are copied as bytes from the batch's: UTF-8 encoding them again cost more.
  let ranges: number[] | undefined;
  let anomalyBytes = 0;
  for (let i = 0; i < lines.length; i++) {
    const start = writer.size;
    writer.add(lines[i]!);
    if (isAnomalous(events[i]!)) {
      (ranges ??= []).push(start, writer.size);
      anomalyBytes += writer.size - start;
    }
  }
  const ndjson = writer.bytes;
  if (ranges === undefined) return { ndjson, anomalies: undefined };
  const anomalies = Buffer.allocUnsafeSlow(anomalyBytes);
  for (let r = 0, at = 0; r < ranges.length; r += 2) at += ndjson.copy(anomalies, at, ranges[r], ranges[r + 1]);
  return { ndjson, anomalies };
}

/** Each event's JSON text, in order (the OpenSearch sink's records). */
export function encodeJson(events: readonly EcsEvent[]): string[] {
  const out: string[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) out[i] = JSON.stringify(events[i]);
  return out;
}

export function encodeFor(encoding: SinkEncoding, events: readonly EcsEvent[]): EncodedBatch {
  if (encoding === 'json') return { json: encodeJson(events) };
  const { ndjson, anomalies } = encodeNdjson(events);
  return anomalies === undefined ? { ndjson } : { ndjson, anomalies };
}

/** A transferred Uint8Array as a Buffer over the same memory. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
