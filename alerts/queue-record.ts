/**
 * An anomaly as one record of the alert writer's disk queue. Written in a small binary layout:
 * under an attack flood every second event is an anomaly, and a JSON record (with its feature row
 * as base64) cost the scoring thread 4.7 µs to write and as much to read back.
 *
 *   u8 version (2) · f64 time · f32 score · u8 level · u16 feature count · f32 features ·
 *   per text field (eventId, entity, kind, reason, action, host, modelVersion): u16 byte length, UTF-8
 *
 * All little-endian; an empty text is an absent one. Reading validates every field and also takes
 * the JSON records of earlier versions (their first byte is `{`; the file outlives the process).
 */
import { ALERT_LEVELS, isAlertLevel, MAX_FEATURES, type AlertAnomaly } from './anomaly.js';

const VERSION = 2;
const HEADER_BYTES = 1 + 8 + 4 + 1 + 2;
/** Texts are bounded by alertAnomalyOf (at most 500 UTF-16 units); the u16 length bounds them again. */
const MAX_TEXT_BYTES = 0xffff;

type TextField = 'eventId' | 'entity' | 'kind' | 'reason' | 'action' | 'host' | 'modelVersion';
const TEXT_FIELDS: readonly TextField[] = ['eventId', 'entity', 'kind', 'reason', 'action', 'host', 'modelVersion'];

/** The record of `anomaly`; `features` (the scorer's row) replaces the anomaly's own when given. */
export function encodeAnomaly(anomaly: AlertAnomaly, features: ArrayLike<number> | undefined = anomaly.features): Buffer {
  const count = features === undefined || features.length > MAX_FEATURES ? 0 : features.length;
  let size = HEADER_BYTES + count * 4;
  for (const field of TEXT_FIELDS) size += 2 + 3 * (anomaly[field]?.length ?? 0);
  const record = Buffer.allocUnsafe(size);
  record[0] = VERSION;
  record.writeDoubleLE(anomaly.time, 1);
  record.writeFloatLE(anomaly.score, 9);
  record[13] = ALERT_LEVELS.indexOf(anomaly.level);
  record.writeUInt16LE(count, 14);
  let at = HEADER_BYTES;
  for (let i = 0; i < count; i++, at += 4) record.writeFloatLE(Number((features as ArrayLike<number>)[i]), at);
  for (const field of TEXT_FIELDS) {
    const text = anomaly[field];
    const length = text === undefined ? 0 : Math.min(record.write(text, at + 2, 'utf8'), MAX_TEXT_BYTES);
    record.writeUInt16LE(length, at);
    at += 2 + length;
  }
  return record.subarray(0, at);
}

/** The anomaly of a record, or undefined for a record that is not one. */
export function decodeAnomaly(record: Uint8Array): AlertAnomaly | undefined {
  const bytes = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
  return bytes[0] === VERSION ? decodeBinary(bytes) : decodeJson(bytes);
}

function decodeBinary(bytes: Buffer): AlertAnomaly | undefined {
  if (bytes.length < HEADER_BYTES) return undefined;
  const time = bytes.readDoubleLE(1);
  const score = bytes.readFloatLE(9);
  const level = ALERT_LEVELS[bytes[13] as number];
  const count = bytes.readUInt16LE(14);
  let at = HEADER_BYTES + count * 4;
  if (level === undefined || !Number.isFinite(time) || !Number.isFinite(score) || count > MAX_FEATURES || at > bytes.length)
    return undefined;
  const texts: Partial<Record<TextField, string>> = {};
  for (const field of TEXT_FIELDS) {
    if (at + 2 > bytes.length) return undefined;
    const length = bytes.readUInt16LE(at);
    at += 2;
    if (at + length > bytes.length) return undefined;
    if (length > 0) texts[field] = bytes.toString('utf8', at, at + length);
    at += length;
  }
  const { eventId, entity, kind } = texts;
  if (eventId === undefined || entity === undefined || kind === undefined) return undefined;
  const anomaly: AlertAnomaly = { eventId, time, entity, kind, level, score };
  if (texts.reason !== undefined) anomaly.reason = texts.reason;
  if (texts.action !== undefined) anomaly.action = texts.action;
  if (texts.host !== undefined) anomaly.host = texts.host;
  if (texts.modelVersion !== undefined) anomaly.modelVersion = texts.modelVersion;
  if (count > 0) {
    const row = new Array<number>(count);
    for (let i = 0; i < count; i++) row[i] = bytes.readFloatLE(HEADER_BYTES + i * 4);
    anomaly.features = row;
  }
  return anomaly;
}

/** Records of earlier versions: JSON, the row as base64 float32 bytes or as a decimal array. */
function featuresOfJson(value: unknown): number[] | undefined {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length % 4 !== 0 || bytes.length > MAX_FEATURES * 4) return undefined;
    const row = new Float32Array(bytes.length / 4);
    new Uint8Array(row.buffer).set(bytes);
    return Array.from(row);
  }
  // JSON has no NaN: a missing feature value comes back as null.
  if (Array.isArray(value) && value.length <= MAX_FEATURES) return value.map((v) => (typeof v === 'number' ? v : Number.NaN));
  return undefined;
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

function decodeJson(bytes: Buffer): AlertAnomaly | undefined {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  if (!isText(r.eventId) || !isText(r.entity) || !isText(r.kind) || !isAlertLevel(r.level)) return undefined;
  if (typeof r.time !== 'number' || !Number.isFinite(r.time) || typeof r.score !== 'number' || !Number.isFinite(r.score)) return undefined;
  const anomaly: AlertAnomaly = {
    eventId: r.eventId,
    time: r.time,
    entity: r.entity,
    kind: r.kind,
    level: r.level,
    score: Math.fround(r.score),
  };
  if (isText(r.reason)) anomaly.reason = r.reason;
  if (isText(r.action)) anomaly.action = r.action;
  if (isText(r.host)) anomaly.host = r.host;
  if (isText(r.modelVersion)) anomaly.modelVersion = r.modelVersion;
  const features = featuresOfJson(r.features);
  if (features !== undefined) anomaly.features = features;
  return anomaly;
}

/**
 * Records packed into one buffer and their lengths, to hand a batch to another thread as two
 * transferred buffers (the disk queue's records are views into its read chunk).
 */
export function packRecords(records: readonly Uint8Array[]): { bytes: Uint8Array; lengths: Uint32Array } {
  let total = 0;
  for (const record of records) total += record.byteLength;
  const bytes = new Uint8Array(total);
  const lengths = new Uint32Array(records.length);
  let at = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    bytes.set(record, at);
    lengths[i] = record.byteLength;
    at += record.byteLength;
  }
  return { bytes, lengths };
}

/** The records of packRecords; none past the end of `bytes`. */
export function unpackRecords(bytes: Uint8Array, lengths: Uint32Array): Uint8Array[] {
  const records: Uint8Array[] = [];
  let at = 0;
  for (const length of lengths) {
    if (at + length > bytes.byteLength) break;
    records.push(bytes.subarray(at, at + length));
    at += length;
  }
  return records;
}
