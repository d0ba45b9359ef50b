/**
 * What makes an object on the cluster "ours" and how current it is: a schema version (bumped when
 * this code changes what it writes) and a fingerprint of the whole desired body (changes when the
 * options change). Both are stored with the object (`version` + `_meta`, or in a policy's
 * description), so re-running setup compares them instead of the server's expanded copy.
 */
import { createHash } from 'node:crypto';
import { ECS_VERSION } from '../collector/ecs/event.js';

/** Bump when the templates or policies this code writes change. */
export const SCHEMA_VERSION = 1;

export interface ManagedMeta {
  managed_by: 'siemad';
  schema_version: number;
  ecs_version: string;
  fingerprint: string;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A short, stable hash of a JSON body (key order does not matter). */
export function fingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex').slice(0, 16);
}

export function managedMeta(body: unknown, schemaVersion = SCHEMA_VERSION): ManagedMeta {
  return { managed_by: 'siemad', schema_version: schemaVersion, ecs_version: ECS_VERSION, fingerprint: fingerprint(body) };
}

/** What the cluster holds, as far as the decision needs it. */
export interface StoredState {
  version: number | undefined;
  fingerprint: string | undefined;
}

export type Decision =
  | { action: 'create' }
  | { action: 'unchanged' }
  | { action: 'update'; detail: string }
  | { action: 'skip'; detail: string };

export function decide(stored: StoredState | undefined, desiredVersion: number, desiredFingerprint: string): Decision {
  if (!stored) return { action: 'create' };
  if (stored.version === undefined) return { action: 'update', detail: 'not written by siemad before' };
  if (stored.version > desiredVersion) {
    return { action: 'skip', detail: `cluster has v${stored.version}, newer than this siemad's v${desiredVersion}; not downgraded` };
  }
  if (stored.version < desiredVersion) return { action: 'update', detail: `updated from v${stored.version} to v${desiredVersion}` };
  if (stored.fingerprint !== desiredFingerprint) return { action: 'update', detail: 'options changed' };
  return { action: 'unchanged' };
}
