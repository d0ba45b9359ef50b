/**
 * What the API needs from the running collector besides the database: the pipeline for analyze
 * and batch, the anomaly store, statistics, log sources and readiness. `siemad serve` provides
 * them; an API started alone (tests of the alert routes) has none, and those routes answer 503.
 */
import type { EcsEvent } from '../collector/ecs/event.js';
import type { RawMessage } from '../collector/raw-message.js';
import type { ActivityReport } from '../pipeline/activity.js';
import type { BatchOptions } from '../pipeline/pipeline.js';
import type { SourceFilter, SourceStatus, SourceView } from '../pipeline/sources.js';
import type { AnomalyQuery } from './store/anomalies.js';

export interface LogAnalyzer {
  /** Whether events are scored (serve --scoring false: decoded only). */
  readonly scoring: boolean;
  /** The same pipeline as syslog input: decode, score and (unless dry run) store. */
  submit(raws: readonly RawMessage[], options: BatchOptions): Promise<EcsEvent[]>;
}

export interface SourceDirectory {
  list(filter: SourceFilter, now?: number): SourceView[];
  counts(now?: number): Record<SourceStatus, number>;
  readonly silentAfterMs: number;
}

/** One dependency of readiness and what is known of it. */
export interface ReadinessCheck {
  name: string;
  /** `down` fails readiness when the check is `required`; otherwise it degrades it. */
  status: 'up' | 'down' | 'degraded' | 'off';
  required: boolean;
  /** For callers with a read token only: never shown to anonymous callers. */
  detail?: Record<string, unknown>;
}

export interface ApiServices {
  analyzer?: LogAnalyzer;
  anomalies?: AnomalyQuery;
  activity?: { report(now?: number): ActivityReport };
  sources?: SourceDirectory;
  /** Readiness of the collector's own parts (receivers, models, sinks, Redis); the API adds the database. */
  readiness?: () => Promise<ReadinessCheck[]> | ReadinessCheck[];
  /** Rate limits per token (requests on every authenticated route; lines on analyze and batch). */
  limits?: ApiLimits;
}

export interface ApiLimits {
  requestRate: number;
  requestBurst: number;
  lineRate: number;
  lineBurst: number;
  /** Lines per batch at most (more: 413). */
  batchMaxLines: number;
  /** Largest batch body, bytes (the other routes use --api-body-limit). */
  batchBodyLimit: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = {
  requestRate: 500,
  requestBurst: 1000,
  lineRate: 100_000,
  lineBurst: 200_000,
  batchMaxLines: 1000,
  batchBodyLimit: 4 * 1024 * 1024,
};
