/**
 * Detection figures of one real file: siemad's flagged events (ranked by entity exactly as
 * `siemad analyze --format table` ranks them) against the ground truth. Definitions and targets:
 * eval/real/README.md.
 */
import type { EcsEvent } from '../../collector/ecs/event.js';
import { AnomalousEntities, anomalyKey } from '../../sinks/anomalous-entities.js';
import { ATTACK_CLASSES, ipActor, userActor, type AttackClass, type GroundTruth, type LineLabel } from './ground-truth.js';

/** What siemad said about one line. */
export interface DetectorLine {
  timestamp: string;
  /** `event.action/event.outcome` as siemad decoded the line (`-` for none). */
  decoded: string;
  /** Present when the event is flagged (`anomaly.is_anomaly`); `key` is its ranking key. */
  anomaly?: { key: string; score: number; level: string; reasons: string[]; recommended_action?: string };
}

export type EntityClass = 'attacker' | 'legitimate' | 'gray' | 'other';

export interface EntityRow {
  entity: string;
  class: EntityClass;
  events: number;
  score: number;
  level: string;
  reason: string | undefined;
}

export interface Coverage {
  actors: number;
  flagged: number;
  /** flagged / actors (NaN without actors). */
  share: number;
  missed: string[];
}

export interface FileMetrics {
  lines: number;
  types: GroundTruth['types'];
  attackers: number;
  legitimate: number;
  grayActors: number;
  flaggedEvents: number;
  flaggedEntities: number;
  top: EntityRow[];
  topAttackers: number;
  topLegitimate: number;
  /** Attackers the top 10 must hold: 9 of 10, all when fewer are flagged, never more than exist. */
  topRequired: number;
  benign: { events: number; flagged: number; per10k: number };
  coverage: Record<AttackClass, Coverage>;
  gray: { actors: number; actorsFlagged: number; events: number; eventsFlagged: number };
}

export const TOP = 10;
export const TARGETS = { topAttackers: 9, benignPer10k: 20, coverage: 0.9 } as const;
/** Below this many benign events one flag alone exceeds 20 per 10k: the rate is shown, not checked. */
export const MIN_BENIGN_EVENTS = 500;

const ADDRESS_FIELDS = new Set(['source.ip', 'source.address', 'client.ip']);
const ACCOUNT_FIELDS = new Set(['user.name', 'user.target.name']);

/** The figures `measure` needs from one event of `siemad analyze --format ndjson`. */
export function toDetectorLine(event: Partial<EcsEvent>): DetectorLine {
  const fields = event.event;
  const line: DetectorLine = {
    timestamp: String(event['@timestamp'] ?? ''),
    decoded: `${fields?.action ?? '-'}${fields?.outcome === undefined ? '' : `/${fields.outcome}`}`,
  };
  const anomaly = event.anomaly;
  if (anomaly?.is_anomaly === true) {
    line.anomaly = {
      key: anomalyKey({ anomaly, ...(fields === undefined ? {} : { event: fields }) }),
      score: Number(anomaly.score),
      level: String(anomaly.level),
      reasons: Array.isArray(anomaly.reasons) ? anomaly.reasons.map(String) : [],
      ...(anomaly.recommended_action === undefined ? {} : { recommended_action: anomaly.recommended_action }),
    };
  }
  return line;
}

/**
 * An address entity is what its actor is. An account entity is an attacker when every event
 * flagged under it is an attacker's or a gray actor's (and one at least an attacker's); it is
 * legitimate when the account is used by its owners and most events flagged under it are benign
 * (it ranks for its owners' own activity). Any other entity is an attacker only when all its
 * flagged events are attacks.
 */
export function entityClass(entity: string, flaggedLabels: readonly LineLabel[], truth: GroundTruth): EntityClass {
  const split = entity.indexOf('=');
  const field = split < 0 ? '' : entity.slice(0, split);
  const value = entity.slice(split + 1);
  const allSuspicious = flaggedLabels.every((label) => label !== 'benign');
  const someAttack = flaggedLabels.includes('attack');
  if (ADDRESS_FIELDS.has(field)) {
    const actorClass = truth.actors.get(ipActor(value))?.class;
    return actorClass === 'attacker' || actorClass === 'legitimate' || actorClass === 'gray' ? actorClass : 'other';
  }
  if (allSuspicious && someAttack && (ACCOUNT_FIELDS.has(field) || flaggedLabels.every((label) => label === 'attack'))) return 'attacker';
  const benign = flaggedLabels.filter((label) => label === 'benign').length;
  if (ACCOUNT_FIELDS.has(field) && truth.actors.get(userActor(value))?.class === 'legitimate' && 2 * benign > flaggedLabels.length)
    return 'legitimate';
  return flaggedLabels.length > 0 && flaggedLabels.every((label) => label === 'gray') ? 'gray' : 'other';
}

export function measure(truth: GroundTruth, detector: readonly DetectorLine[]): FileMetrics {
  if (detector.length !== truth.lines) throw new RangeError(`${truth.lines} lines but ${detector.length} detector events`);
  const ranking = new AnomalousEntities();
  const labelsByEntity = new Map<string, LineLabel[]>();
  const flaggedActors = new Set<string>();
  const benign = { events: 0, flagged: 0, per10k: Number.NaN };
  const gray = { actors: 0, actorsFlagged: 0, events: 0, eventsFlagged: 0 };
  for (let i = 0; i < truth.lines; i++) {
    const label = truth.labels[i] as LineLabel;
    const anomaly = detector[i]?.anomaly;
    if (label === 'benign') benign.events++;
    if (label === 'gray') gray.events++;
    if (anomaly === undefined) continue;
    ranking.add(anomaly.key, anomaly, detector[i]?.timestamp ?? '');
    const labels = labelsByEntity.get(anomaly.key);
    if (labels === undefined) labelsByEntity.set(anomaly.key, [label]);
    else labels.push(label);
    const actor = truth.lineActors[i];
    if (actor !== undefined) flaggedActors.add(actor);
    if (label === 'benign') benign.flagged++;
    if (label === 'gray') gray.eventsFlagged++;
  }
  benign.per10k = benign.events === 0 ? Number.NaN : (benign.flagged * 10_000) / benign.events;

  const coverage = Object.fromEntries(
    ATTACK_CLASSES.map((kind) => [kind, { actors: 0, flagged: 0, share: Number.NaN, missed: [] as string[] }]),
  ) as Record<AttackClass, Coverage>;
  let attackers = 0;
  let legitimate = 0;
  for (const [key, verdict] of truth.actors) {
    if (verdict.class === 'legitimate') legitimate++;
    if (verdict.class === 'gray') {
      gray.actors++;
      if (flaggedActors.has(key)) gray.actorsFlagged++;
    }
    if (verdict.class !== 'attacker') continue;
    attackers++;
    for (const kind of verdict.attacks) {
      const entry = coverage[kind];
      entry.actors++;
      if (flaggedActors.has(key)) entry.flagged++;
      else entry.missed.push(key);
    }
  }
  for (const entry of Object.values(coverage)) entry.share = entry.actors === 0 ? Number.NaN : entry.flagged / entry.actors;

  const top = ranking.ranked(TOP).map(
    ([entity, entry]): EntityRow => ({
      entity,
      class: entityClass(entity, labelsByEntity.get(entity) ?? [], truth),
      events: entry.count,
      score: entry.maxScore,
      level: entry.level,
      reason: entry.reasons[0],
    }),
  );
  return {
    lines: truth.lines,
    types: truth.types,
    attackers,
    legitimate,
    grayActors: gray.actors,
    flaggedEvents: ranking.eventCount,
    flaggedEntities: ranking.size,
    top,
    topAttackers: top.filter((row) => row.class === 'attacker').length,
    topLegitimate: top.filter((row) => row.class === 'legitimate').length,
    topRequired: Math.min(top.length >= TOP ? TARGETS.topAttackers : top.length, attackers),
    benign,
    coverage,
    gray,
  };
}

/** The targets this file misses, one line each (empty when all are met). */
export function missedTargets(metrics: FileMetrics): string[] {
  const missed: string[] = [];
  if (metrics.topAttackers < metrics.topRequired)
    missed.push(`${metrics.topAttackers} attackers in the top ${metrics.top.length}, need ${metrics.topRequired}`);
  if (metrics.topLegitimate > 0) missed.push(`${metrics.topLegitimate} legitimate actors in the top ${metrics.top.length}`);
  const { events, per10k } = metrics.benign;
  if (events >= MIN_BENIGN_EVENTS && !(per10k <= TARGETS.benignPer10k))
    missed.push(`${per10k.toFixed(1)} benign events flagged per 10k > ${TARGETS.benignPer10k}`);
  for (const kind of ATTACK_CLASSES) {
    const { actors, flagged, share } = metrics.coverage[kind];
    if (actors > 0 && !(share >= TARGETS.coverage))
      missed.push(`${flagged}/${actors} ${kind}s flagged at least once (${(100 * share).toFixed(0)}% < ${100 * TARGETS.coverage}%)`);
  }
  return missed;
}
