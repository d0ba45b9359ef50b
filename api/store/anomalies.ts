/**
 * Anomaly queries of GET /api/v1/anomalies, answered by the OpenSearch anomalies stream when the
 * collector indexes into OpenSearch, else by the embedded NDJSON files (anomalies-ndjson.ts).
 */
import type { AnomalyLevel } from '../../collector/ecs/event.js';

export const ANOMALY_SORTS = ['time', 'score'] as const;
export type AnomalySort = (typeof ANOMALY_SORTS)[number];

export interface AnomalyFilter {
  minScore?: number;
  /** This level or higher. */
  level?: Exclude<AnomalyLevel, 'none'>;
  since?: Date;
  until?: Date;
  sourceIp?: string;
  user?: string;
  host?: string;
  kind?: string;
  /** Case-insensitive words all of which appear in the reasons. */
  text?: string;
  sort: AnomalySort;
  limit: number;
  /** Position after which the page starts: [sort value, event id] of the previous page's last row. */
  after?: [number, string];
}

export interface AnomalyPage {
  anomalies: Record<string, unknown>[];
  /** [sort value, event id] of the last row when there may be more; else undefined. */
  next?: [number, string];
  /** What the store looked at: the NDJSON store says how much it scanned and whether it stopped early. */
  scan?: { bytes: number; truncated: boolean };
}

export interface AnomalyQuery {
  readonly name: 'opensearch' | 'ndjson';
  search(filter: AnomalyFilter): Promise<AnomalyPage>;
}

export const LEVEL_RANK: Record<AnomalyLevel, number> = { none: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** Words of a free-text filter (lower case, at most 8, each at most 100 characters). */
export function textWords(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word !== '')
    .slice(0, 8)
    .map((word) => word.slice(0, 100));
}
