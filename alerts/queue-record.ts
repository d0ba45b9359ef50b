/**
 * An anomaly as one record of the alert writer's disk queue: its JSON. Reading validates every
 * field (the file outlives the process that wrote it, possibly another version of it).
 */
import { isAlertLevel, type AlertAnomaly } from './anomaly.js';

export function encodeAnomaly(anomaly: AlertAnomaly): Buffer {
  return Buffer.from(JSON.stringify(anomaly));
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
  // JSON has no NaN: a missing feature value comes back as null.
  if (Array.isArray(r.features)) anomaly.features = r.features.map((v) => (typeof v === 'number' ? v : Number.NaN));
  return anomaly;
}
