/**
 * Settings of the bulk indexer, with defaults and bounds. Each value is checked here so a bad one
 * stops start-up with one line naming the setting (the CLI puts its flag in that setting's place).
 */
import { ERROR_CODES, SiemadError } from '../../core/errors.js';

export interface IndexerConfig {
  /** Documents per bulk request at most (an anomalous event counts twice: logs and anomalies). */
  maxEvents: number;
  /** Bytes of event JSON per bulk request at most (unless one event alone is larger). */
  maxBytes: number;
  /** A bulk request smaller than the bounds is sent once its first event has waited this long. */
  flushIntervalMs: number;
  /** Bulk requests in flight at once (each retries on its own). */
  concurrency: number;
  /** Time allowed for one bulk request. */
  requestTimeoutMs: number;
  /** Upper bound of the first retry wait (full jitter: the wait is uniform in [0, bound]). */
  retryInitialDelayMs: number;
  /** Upper bound of any retry wait. */
  retryMaxDelayMs: number;
  /** `/healthz` reports degraded once OpenSearch has been unusable this long. */
  degradedAfterMs: number;
  /** On shutdown, how long in-flight requests may still finish before they are abandoned. */
  shutdownGraceMs: number;
}

export const DEFAULT_INDEXER_CONFIG: IndexerConfig = {
  maxEvents: 5000,
  maxBytes: 8 * 1024 * 1024,
  flushIntervalMs: 1000,
  concurrency: 2,
  requestTimeoutMs: 60_000,
  retryInitialDelayMs: 250,
  retryMaxDelayMs: 10_000,
  degradedAfterMs: 30_000,
  shutdownGraceMs: 5000,
};

/** OpenSearch refuses requests over `http.max_content_length` (100 MiB by default). */
const MAX_BULK_BYTES = 100 * 1024 * 1024;

const LIMITS: Record<keyof IndexerConfig, [min: number, max: number]> = {
  maxEvents: [1, 100_000],
  maxBytes: [1024, MAX_BULK_BYTES / 2],
  flushIntervalMs: [1, 600_000],
  concurrency: [1, 64],
  requestTimeoutMs: [100, 3_600_000],
  retryInitialDelayMs: [1, 3_600_000],
  retryMaxDelayMs: [1, 3_600_000],
  degradedAfterMs: [0, 86_400_000],
  shutdownGraceMs: [0, 600_000],
};

/** Defaults filled in, every value checked; throws SiemadError(CONFIG_INVALID) naming the setting. */
export function resolveIndexerConfig(input: Partial<IndexerConfig> = {}): IndexerConfig {
  const config: IndexerConfig = { ...DEFAULT_INDEXER_CONFIG };
  for (const key of Object.keys(LIMITS) as (keyof IndexerConfig)[]) {
    const value = input[key];
    if (value === undefined) continue;
    const [min, max] = LIMITS[key];
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new SiemadError(ERROR_CODES.CONFIG_INVALID, `${key} must be from ${min} to ${max}, got ${String(value)}`, key);
    }
    config[key] = value;
  }
  if (config.retryMaxDelayMs < config.retryInitialDelayMs) {
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, 'retryMaxDelayMs must not be below retryInitialDelayMs', 'retryMaxDelayMs');
  }
  return config;
}
