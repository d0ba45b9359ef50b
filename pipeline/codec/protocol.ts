/**
 * What the pipeline and its codec threads (`--workers N`) say to each other. The scoring thread
 * decodes and scores each batch as it does alone; then, instead of encoding the events itself, it
 * sends the batch's raw messages and what the scorer set on each event (enrichment.ts) to a codec
 * thread. Decoding and GeoIP are pure functions of the raw message and the databases, so the
 * codec thread decodes and locates the same events again, assigns the scored fields and encodes
 * them for the sink: the bytes written are the bytes the single-threaded pipeline writes. Raw texts
 * and one JSON text of enrichments per batch cost far less to pass between threads than clones of
 * ~1.5 KB event objects.
 */
import type { RawMessage, Transport } from '../../collector/raw-message.js';
import type { GeoIpOptions } from '../../collector/geo/geoip.js';
import type { NormalizeContext } from '../../collector/normalize.js';
import type { EncodedBatch, SinkEncoding } from '../../sinks/encode.js';

export interface CodecWorkerData {
  normalize: NormalizeContext;
  /** The scoring thread's GeoIP databases, looked up again here (undefined: GeoIP off). */
  geoIp?: GeoIpOptions;
}

/** Numbers of one raw message in `PackedRaws.numbers`. */
const NUMBERS_PER_RAW = 6;

/** A batch of raw messages as a few arrays: cheap to clone, no object per message. */
export interface PackedRaws {
  texts: string[];
  transports: Transport[];
  peers: string[];
  /** receivedAt, peerPort, connectionId, seq, size, truncated (0/1) per message. */
  numbers: Float64Array;
}

export interface CodecRequest {
  id: number;
  raws: PackedRaws;
  /** enrichmentOf() the scored events, one per raw message. */
  enrichment: string;
  encoding: SinkEncoding;
}

export type CodecReply = { id: number; encoded: EncodedBatch } | { id: number; failed: string };

export function packRaws(raws: readonly RawMessage[]): PackedRaws {
  const n = raws.length;
  const texts: string[] = new Array(n);
  const transports: Transport[] = new Array(n);
  const peers: string[] = new Array(n);
  const numbers = new Float64Array(n * NUMBERS_PER_RAW);
  for (let i = 0; i < n; i++) {
    const raw = raws[i]!;
    texts[i] = raw.text;
    transports[i] = raw.transport;
    peers[i] = raw.peerAddress;
    const base = i * NUMBERS_PER_RAW;
    numbers[base] = raw.receivedAt;
    numbers[base + 1] = raw.peerPort;
    numbers[base + 2] = raw.connectionId;
    numbers[base + 3] = raw.seq;
    numbers[base + 4] = raw.size;
    numbers[base + 5] = raw.truncated ? 1 : 0;
  }
  return { texts, transports, peers, numbers };
}

export function unpackRaws(packed: PackedRaws): RawMessage[] {
  const { texts, transports, peers, numbers } = packed;
  const raws: RawMessage[] = new Array(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const base = i * NUMBERS_PER_RAW;
    raws[i] = {
      text: texts[i]!,
      transport: transports[i]!,
      peerAddress: peers[i]!,
      peerPort: numbers[base + 1]!,
      receivedAt: numbers[base]!,
      connectionId: numbers[base + 2]!,
      seq: numbers[base + 3]!,
      truncated: numbers[base + 5] === 1,
      size: numbers[base + 4]!,
    };
  }
  return raws;
}
