import type { AnomalyFields, AnomalyLevel } from '../collector/ecs/event.js';

/**
 * An analyst's decision that some anomalies are not worth flagging (issue: a false positive
 * creates one). Every field that is set must match: the anomaly's entity exactly, its kind
 * exactly, a substring of one of its reasons (case-insensitive). `mute` clears the anomaly,
 * `lower` takes it one level down; either way `anomaly.suppressed_by` says which suppression did.
 */
export interface Suppression {
  id: number;
  entity?: string;
  kind?: string;
  reasonContains?: string;
  effect: 'mute' | 'lower';
  comment?: string;
  /** Epoch ms after which it no longer applies. */
  expiresAt?: number;
}

/** Where the scorer reads the suppressions in force (a poller of the database, in serve). */
export interface SuppressionSource {
  current(): SuppressionIndex;
}

const LOWER: Record<AnomalyLevel, AnomalyLevel> = { none: 'none', low: 'none', medium: 'low', high: 'medium', critical: 'high' };

/** Suppressions indexed by entity, so matching costs a map look-up for most anomalies. */
export class SuppressionIndex {
  private readonly byEntity = new Map<string, Suppression[]>();
  private readonly others: Suppression[] = [];
  readonly size: number;

  constructor(suppressions: readonly Suppression[]) {
    for (const suppression of suppressions) {
      if (suppression.entity !== undefined) {
        const list = this.byEntity.get(suppression.entity);
        if (list === undefined) this.byEntity.set(suppression.entity, [suppression]);
        else list.push(suppression);
      } else {
        this.others.push(suppression);
      }
    }
    this.size = suppressions.length;
  }

  /** The first suppression in force at `now` that matches the anomaly, if any. */
  match(anomaly: AnomalyFields, now: number): Suppression | undefined {
    if (this.size === 0) return undefined;
    const candidates = anomaly.entity === undefined ? undefined : this.byEntity.get(anomaly.entity);
    return (candidates !== undefined ? find(candidates, anomaly, now) : undefined) ?? find(this.others, anomaly, now);
  }
}

export const NO_SUPPRESSIONS = new SuppressionIndex([]);

function find(list: readonly Suppression[], anomaly: AnomalyFields, now: number): Suppression | undefined {
  for (const suppression of list) {
    if (suppression.expiresAt !== undefined && suppression.expiresAt <= now) continue;
    if (suppression.kind !== undefined && suppression.kind !== anomaly.kind) continue;
    if (suppression.reasonContains !== undefined) {
      const needle = suppression.reasonContains.toLowerCase();
      if (!anomaly.reasons.some((reason) => reason.toLowerCase().includes(needle))) continue;
    }
    return suppression;
  }
  return undefined;
}

/**
 * Applies a matching suppression to an anomaly: returns its new level (and sets `suppressed_by`),
 * or undefined when none matched.
 */
export function applySuppression(anomaly: AnomalyFields, suppression: Suppression): AnomalyLevel {
  anomaly.suppressed_by = `suppression ${suppression.id}${suppression.comment !== undefined && suppression.comment !== '' ? `: ${suppression.comment.slice(0, 200)}` : ''}`;
  return suppression.effect === 'mute' ? 'none' : LOWER[anomaly.level];
}
