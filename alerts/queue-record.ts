/**
 * An anomaly as one record of the alert writer's disk queue: its JSON, with the feature row as
 * base64 of its float32 bytes (printing 44 floats as decimals cost more than the rest of the
 * record; NaN survives too). Reading validates every field and also takes the decimal array that
 * earlier versions wrote (the file outlives the process that wrote it).
 */
import { isAlertLevel, MAX_FEATURES, type AlertAnomaly } from './anomaly.js';

export function encodeAnomaly(anomaly: AlertAnomaly): Buffer {
  if (anomaly.features === undefined) return Buffer.from(JSON.stringify(anomaly));
  const row = Float32Array.from(anomaly.features);
  return Buffer.from(JSON.stringify({ ...anomaly, features: Buffer.from(row.buffer, row.byteOffset, row.byteLength).toString('base64') }));
}

function featuresOf(value: unknown): number[] | undefined {
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

/** The anomaly of a record, or undefined for a record that is not one. */
export function decodeAnomaly(record: Uint8Array): AlertAnomaly | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(record.buffer, record.byteOffset, record.byteLength).toString('utf8'));
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
  const features = featuresOf(r.features);
  if (features !== undefined) anomaly.features = features;
  return anomaly;
}
