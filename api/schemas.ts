/**
 * JSON schemas shared by the routes: the objects the API answers with (named components of the
 * OpenAPI document) and the pieces of requests that recur. Validation, serialisation and the
 * OpenAPI document all come from these.
 */
import { DETECTION_KINDS } from '../collector/ecs/event.js';

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved', 'false_positive'] as const;
export const ALERT_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export const VERDICTS = ['true_positive', 'false_positive', 'benign'] as const;
export const EFFECTS = ['mute', 'lower'] as const;

export type AlertStatus = (typeof ALERT_STATUSES)[number];
export type AlertLevel = (typeof ALERT_LEVELS)[number];
export type Verdict = (typeof VERDICTS)[number];

const timestamp = { type: 'string', format: 'date-time' } as const;
const nullableTimestamp = { type: ['string', 'null'], format: 'date-time' } as const;
const nullableText = { type: ['string', 'null'] } as const;
const id = { type: 'integer', minimum: 1 } as const;

export const kind = { type: 'string', enum: [...DETECTION_KINDS], description: 'detection kind (anomaly.kind)' } as const;
export const entity = {
  type: 'string',
  minLength: 3,
  maxLength: 512,
  pattern: '^[a-z][a-z0-9_.]*=.+$',
  description: 'what an anomaly is about, as anomaly.entity: field=value, e.g. source.ip=203.0.113.9 or user.name=root',
} as const;
/** An absolute time with its zone, or an age back from now. */
export const instant = {
  type: 'string',
  format: 'instant',
  description: 'an RFC 3339 time with zone (2026-05-01T12:00:00Z) or an age back from now (90s, 30m, 24h, 7d)',
} as const;
export const idParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { ...id, maximum: Number.MAX_SAFE_INTEGER } },
} as const;
export const limit = (fallback: number, max: number) =>
  ({ type: 'integer', minimum: 1, maximum: max, default: fallback, description: `rows per page (at most ${max})` }) as const;
export const cursor = {
  type: 'string',
  maxLength: 400,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'next_cursor of the previous page',
} as const;

export const ALERT_SCHEMA = {
  $id: 'Alert',
  type: 'object',
  required: ['id', 'entity', 'kind', 'status', 'level', 'score', 'anomaly_count', 'first_seen', 'last_seen'],
  properties: {
    id,
    entity: { type: 'string' },
    kind: { type: 'string' },
    status: { type: 'string', enum: [...ALERT_STATUSES] },
    level: { type: 'string', enum: [...ALERT_LEVELS], description: 'highest level of its anomalies' },
    score: { type: 'number', description: 'highest score of its anomalies' },
    anomaly_count: { type: 'integer' },
    first_seen: timestamp,
    last_seen: timestamp,
    top_reasons: { type: 'array', items: { type: 'string' } },
    recommended_action: nullableText,
    hosts: { type: 'array', items: { type: 'string' } },
    assignee: nullableText,
    created_at: timestamp,
    updated_at: timestamp,
    acknowledged_at: { ...nullableTimestamp, description: 'when it first left the open status' },
    resolved_at: { ...nullableTimestamp, description: 'when it was resolved or marked a false positive (cleared when reopened)' },
  },
} as const;

export const FEATURES_SCHEMA = {
  $id: 'Features',
  type: ['object', 'null'],
  description: "the scorer's feature row of the anomaly by feature name (null when it was kept for a model with other features)",
  additionalProperties: { type: 'number' },
} as const;

export const ANOMALY_SCHEMA = {
  $id: 'Anomaly',
  type: 'object',
  required: ['event_id', 'timestamp', 'level', 'score'],
  properties: {
    event_id: { type: 'string', description: 'event.id: the OpenSearch document id or the NDJSON event id' },
    timestamp,
    level: { type: 'string' },
    score: { type: 'number' },
    reason: nullableText,
    model_version: nullableText,
    features: { $ref: 'Features#' },
  },
} as const;

export const HISTORY_SCHEMA = {
  $id: 'HistoryEntry',
  type: 'object',
  required: ['id', 'at', 'actor', 'change'],
  properties: {
    id,
    at: timestamp,
    actor: { type: 'string', description: 'who made the change: the API token name for changes made through the API' },
    change: { type: 'string', enum: ['opened', 'escalated', 'status', 'assignee', 'note'] },
    old_value: nullableText,
    new_value: nullableText,
    note: nullableText,
  },
} as const;

export const FEEDBACK_SCHEMA = {
  $id: 'Feedback',
  type: 'object',
  required: ['id', 'verdict', 'created_by', 'created_at'],
  properties: {
    id,
    alert_id: { type: ['integer', 'null'] },
    event_id: nullableText,
    verdict: { type: 'string', enum: [...VERDICTS] },
    comment: nullableText,
    entity: nullableText,
    kind: nullableText,
    created_by: { type: 'string' },
    created_at: timestamp,
  },
} as const;

export const SUPPRESSION_SCHEMA = {
  $id: 'Suppression',
  type: 'object',
  required: ['id', 'effect', 'created_by', 'created_at', 'updated_at', 'active'],
  properties: {
    id,
    entity: nullableText,
    kind: nullableText,
    reason_contains: nullableText,
    effect: { type: 'string', enum: [...EFFECTS] },
    comment: nullableText,
    feedback_id: { type: ['integer', 'null'] },
    created_by: { type: 'string' },
    created_at: timestamp,
    updated_at: timestamp,
    expires_at: nullableTimestamp,
    deleted_at: nullableTimestamp,
    deleted_by: nullableText,
    active: { type: 'boolean', description: 'neither deleted nor expired' },
  },
} as const;

/** What a new suppression matches and does (POST /suppressions, and inside POST /feedback). */
export const suppressionInputProperties = {
  entity,
  kind,
  reason_contains: {
    type: 'string',
    minLength: 1,
    maxLength: 200,
    description: 'a substring of one of the anomaly reasons (case-insensitive)',
  },
  effect: { type: 'string', enum: [...EFFECTS], default: 'mute', description: 'mute: no longer an anomaly; lower: one level down' },
  comment: { type: 'string', maxLength: 2000 },
  expires_at: { type: 'string', format: 'date-time', description: 'when it stops applying (RFC 3339, in the future); none: until deleted' },
} as const;

export const SHARED_SCHEMAS = [ALERT_SCHEMA, FEATURES_SCHEMA, ANOMALY_SCHEMA, HISTORY_SCHEMA, FEEDBACK_SCHEMA, SUPPRESSION_SCHEMA] as const;

export const ref = (name: string) => ({ $ref: `${name}#` }) as const;
