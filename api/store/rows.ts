import { FEATURES } from '../../scorer/features/definitions.js';

/**
 * Turning database rows into API objects: bigint ids (text from node-postgres) into numbers, and
 * kept feature rows into {feature name: value}.
 */
export function toId(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/**
 * The feature row by name (FEATURES order of scorer/features/definitions.ts). A row of another
 * length was kept for a model with other features: its names are not known here, so null.
 */
export function featuresByName(row: readonly number[] | null | undefined): Record<string, number> | null {
  if (row === null || row === undefined || row.length !== FEATURES.length) return null;
  const named: Record<string, number> = {};
  for (let i = 0; i < row.length; i++) named[FEATURES[i]!.name] = row[i]!;
  return named;
}

export const FEATURE_NAMES: readonly string[] = FEATURES.map((feature) => feature.name);
