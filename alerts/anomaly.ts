import type { AnomalyLevel, EcsEvent } from '../collector/ecs/event.js';

/** The levels an alert can have (an anomaly's `anomaly.level`, without `none`). */
export const ALERT_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

const RANK: Record<AnomalyLevel, number> = { none: 0, low: 1, medium: 2, high: 3, critical: 4 };

export function levelRank(level: AnomalyLevel): number {
  return RANK[level] ?? 0;
}

export function isAlertLevel(value: unknown): value is AlertLevel {
  return typeof value === 'string' && (ALERT_LEVELS as readonly string[]).includes(value);
}

/**
 * What an alert keeps of one anomaly: the writer's queue record and the grouping's input. Built
 * from a live event (serve) or from `siemad analyze` NDJSON (eval) by the same function.
 */
export interface AlertAnomaly {
  /** `event.id`: the OpenSearch document id, or the event's id in the NDJSON sink. */
  eventId: string;
  /** `@timestamp`, epoch ms: grouping runs on event time. */
  time: number;
  entity: string;
  kind: string;
  level: AlertLevel;
  /** Risk, rounded to float4 (the column type), so a value read back compares equal. */
  score: number;
  /** The first of `anomaly.reasons`. */
  reason?: string;
  action?: string;
  host?: string;
  modelVersion?: string;
  /** The scorer's feature row (FEATURES order), float4 values. */
  features?: number[];
}

/** Bounds on what one anomaly brings (the input is external when read from NDJSON). */
const MAX_TEXT = 500;
const MAX_ID = 128;
export const MAX_FEATURES = 1024;

function text(value: unknown, max = MAX_TEXT): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return value.length > max ? value.slice(0, max) : value;
}

/**
 * The alert's view of an anomalous event, or undefined when the event is no anomaly (or lacks an
 * id or a valid time). An anomaly without an entity is about its host (or, lacking one, its action).
 */
export function alertAnomalyOf(event: Partial<EcsEvent>, features?: ArrayLike<number>): AlertAnomaly | undefined {
  const anomaly = event.anomaly;
  if (anomaly?.is_anomaly !== true || !isAlertLevel(anomaly.level)) return undefined;
  const eventId = text(event.event?.id, MAX_ID);
  const time = Date.parse(String(event['@timestamp']));
  if (eventId === undefined || !Number.isFinite(time)) return undefined;
  const host = text(event.host?.hostname);
  const entity =
    text(anomaly.entity) ?? (host !== undefined ? `host.hostname=${host}` : `event.action=${text(event.event?.action) ?? 'unknown'}`);
  const score = Number(anomaly.score);
  const result: AlertAnomaly = {
    eventId,
    time,
    entity,
    kind: text(anomaly.kind, 64) ?? 'unusual_combination',
    level: anomaly.level,
    score: Number.isFinite(score) ? Math.fround(score) : 0,
  };
  const reason = text(Array.isArray(anomaly.reasons) ? anomaly.reasons[0] : undefined);
  if (reason !== undefined) result.reason = reason;
  const action = text(anomaly.recommended_action);
  if (action !== undefined) result.action = action;
  if (host !== undefined) result.host = host;
  const modelVersion = text(anomaly.model_version, 128);
  if (modelVersion !== undefined) result.modelVersion = modelVersion;
  if (features !== undefined && features.length <= MAX_FEATURES)
    result.features = Array.from(features, (value) => Math.fround(Number(value)));
  return result;
}

/** A reason's wording without its numbers: two reasons of one shape say the same thing. */
export function reasonShape(reason: string): string {
  return reason.replace(/\d+/g, '#');
}
