/**
 * Alerts in PostgreSQL (schema: postgres/migrations/0001_alerts_feedback.sql and 0002): applies a
 * batch of anomalies in one transaction. Per (entity, kind), under a transaction advisory lock
 * (on the hashes of entity and kind) taken in key order (collectors sharing the database neither race nor deadlock), the
 * key's open or acknowledged alerts near the anomalies' times are read (FOR UPDATE), the anomalies
 * placed among them exactly as grouping.ts places them in memory, and the alerts written with
 * their first anomalies (alert_events, bounded per alert) and their 'opened' / 'escalated'
 * history rows. Resolved and false-positive alerts are closed: a new anomaly opens a new alert.
 * Every statement is parameterised.
 *
 * Exactly once: the writer's queue delivers at least once (a crash between the commit and the
 * queue's acknowledgement delivers a batch again). The transaction also stores how far into its
 * queue it got (alert_queue_positions: one row per collector's queue); records at or before that
 * position are skipped. One row per queue instead of one per anomaly: under a flood the per-anomaly
 * record and lookup took 43% of the embedded database's time, and its table grew with every anomaly.
 */
import { runsHere, type Database, type Queryable } from '../postgres/database.js';
import type { AlertAnomaly, AlertLevel } from './anomaly.js';
import { decodeAnomaly, packRecords, unpackRecords } from './queue-record.js';
import {
  ALERTS_PER_KEY,
  alertKey,
  placeAnomaly,
  qualifies,
  withinWindow,
  type AlertChange,
  type AlertState,
  type GroupingOptions,
  type KeyedAlert,
} from './grouping.js';

export interface StoreOptions extends GroupingOptions {
  /** alert_events rows kept per alert (its first anomalies); anomaly_count counts them all. */
  maxEventsPerAlert: number;
}

export const DEFAULT_MAX_EVENTS_PER_ALERT = 200;

/** Who the history rows name as the actor of 'opened' and 'escalated'. */
export const WRITER_ACTOR = 'siemad';

/** Where a batch's records sit in the writer's queue (core/disk-buffer's BufferBatch). */
export interface QueuePosition {
  /** The queue's identity (a queue directory made anew starts its segments over). */
  queueId: string;
  segment: number;
  /** The byte offset just past each record in the segment, in record order. */
  ends: readonly number[];
}

export interface ApplyReport {
  opened: number;
  escalated: number;
  /** Anomalies that joined an alert without raising its level. */
  updated: number;
  /** Anomalies applied before (a replay), skipped. */
  duplicates: number;
  /** Below the alert level, skipped. */
  belowLevel: number;
}

interface AlertRow {
  id: string;
  level: AlertLevel;
  score: number;
  count: number;
  first_seen: number;
  last_seen: number;
  top_reasons: string[];
  reason_scores: number[];
  recommended_action: string | null;
  hosts: string[];
}

interface Touched {
  alert: KeyedAlert<string>;
  /** Its 'opened' and 'escalated' history, in order (levels before and after). */
  changes: { change: 'opened' | 'escalated'; from: AlertLevel | undefined; to: AlertLevel }[];
  events: AlertAnomaly[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Applies the anomalies of queue records (alerts/queue-record.ts); records that are not one are
 * skipped. The embedded PGlite applies them on its own thread: the caller sends one message per
 * batch instead of one per statement (under an attack flood that was 7% of serve's scoring thread).
 */
export async function applyAnomalyRecords(
  db: Database,
  records: readonly Uint8Array[],
  options: StoreOptions,
  position?: QueuePosition,
): Promise<ApplyReport> {
  if (runsHere(db)) {
    const { bytes, lengths } = packRecords(records);
    return db.runHere<ApplyReport>(import.meta.url, applyPackedRecords.name, { bytes, lengths, options, position }, [
      bytes.buffer as ArrayBuffer,
      lengths.buffer as ArrayBuffer,
    ]);
  }
  return applyDecoded(db, records, options, position);
}

/** applyAnomalyRecords where the database lives (RunsHere), on records packed by packRecords. */
export function applyPackedRecords(
  db: Database,
  argument: { bytes: Uint8Array; lengths: Uint32Array; options: StoreOptions; position?: QueuePosition },
): Promise<ApplyReport> {
  return applyDecoded(db, unpackRecords(argument.bytes, argument.lengths), argument.options, argument.position);
}

function applyDecoded(db: Database, records: readonly Uint8Array[], options: StoreOptions, position?: QueuePosition): Promise<ApplyReport> {
  const anomalies: AlertAnomaly[] = [];
  const ends: number[] = [];
  for (let i = 0; i < records.length; i++) {
    const anomaly = decodeAnomaly(records[i]!);
    if (anomaly === undefined) continue;
    anomalies.push(anomaly);
    if (position !== undefined) ends.push(position.ends[i]!);
  }
  return applyAnomalies(db, anomalies, options, position === undefined ? undefined : { ...position, ends });
}

/**
 * Applies anomalies in one transaction. With `position` (one end per anomaly), those at or before
 * the position stored for the queue are skipped as duplicates, and the batch's last one is stored.
 */
export async function applyAnomalies(
  db: Database,
  anomalies: readonly AlertAnomaly[],
  options: StoreOptions,
  position?: QueuePosition,
): Promise<ApplyReport> {
  const report: ApplyReport = { opened: 0, escalated: 0, updated: 0, duplicates: 0, belowLevel: 0 };
  if (position !== undefined && position.ends.length !== anomalies.length) throw new Error('one queue position per anomaly');
  if (anomalies.length === 0) return report;
  await db.transaction(async (tx) => {
    const from = position === undefined ? 0 : await firstNotApplied(tx, position);
    report.duplicates += from;
    const groups = groupByKey(anomalies, from, options, report);
    if (groups.length > 0) {
      // Statements cover the whole batch where they can: a statement costs far more than a row
      // (with the embedded PGlite, per-key statements took three quarters of a flood's apply time).
      await tx.query(
        'SELECT pg_advisory_xact_lock(hashtext(entity), hashtext(kind)) FROM unnest($1::text[], $2::text[]) AS k(entity, kind)',
        [groups.map((group) => group[0]!.entity), groups.map((group) => group[0]!.kind)],
      );
      const candidates = await candidateAlerts(tx, groups, options.windowMs, ALERTS_PER_KEY);
      const applied: Applied = { updates: [], events: [] };
      for (let i = 0; i < groups.length; i++) await applyKey(tx, groups[i]!, candidates[i]!, options, report, applied);
      await updateAlerts(tx, applied.updates);
      await insertAlertEvents(tx, applied.events);
    }
    if (position !== undefined && from < anomalies.length) {
      await tx.query(
        `INSERT INTO alert_queue_positions (queue_id, segment, "offset") VALUES ($1, $2, $3)
         ON CONFLICT (queue_id) DO UPDATE SET segment = EXCLUDED.segment, "offset" = EXCLUDED."offset", updated_at = now()`,
        [position.queueId, position.segment, position.ends[position.ends.length - 1]],
      );
    }
  });
  return report;
}

/** How many of the batch's records (a prefix: positions only grow) the queue's stored position covers. */
async function firstNotApplied(tx: Queryable, position: QueuePosition): Promise<number> {
  const { rows } = await tx.query<{ segment: number; offset: number }>(
    'SELECT segment::float8 AS segment, "offset"::float8 AS "offset" FROM alert_queue_positions WHERE queue_id = $1 FOR UPDATE',
    [position.queueId],
  );
  const stored = rows[0];
  if (stored === undefined || position.segment > stored.segment) return 0;
  if (position.segment < stored.segment) return position.ends.length;
  let from = 0;
  while (from < position.ends.length && position.ends[from]! <= stored.offset) from++;
  return from;
}

/** The anomalies from `from` on, at or above the level and each once, grouped by key in key order. */
function groupByKey(anomalies: readonly AlertAnomaly[], from: number, options: StoreOptions, report: ApplyReport): AlertAnomaly[][] {
  const byKey = new Map<string, AlertAnomaly[]>();
  const seen = new Set<string>();
  for (let i = from; i < anomalies.length; i++) {
    const anomaly = anomalies[i]!;
    if (!qualifies(anomaly, options)) {
      report.belowLevel++;
      continue;
    }
    if (seen.has(anomaly.eventId)) {
      report.duplicates++;
      continue;
    }
    seen.add(anomaly.eventId);
    const key = alertKey(anomaly);
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [anomaly]);
    else list.push(anomaly);
  }
  return [...byKey.keys()].sort().map((key) => byKey.get(key) as AlertAnomaly[]);
}

/** What a batch writes once for all its keys. */
interface Applied {
  updates: AlertUpdate[];
  /** alert_events rows: an alert's first anomalies, with the alert's id. */
  events: { alertId: string; anomaly: AlertAnomaly }[];
}

const ALERT_COLUMNS = `id::text AS id, level, score::float8 AS score, anomaly_count AS count,
            (extract(epoch FROM first_seen) * 1000)::float8 AS first_seen, (extract(epoch FROM last_seen) * 1000)::float8 AS last_seen,
            top_reasons, top_reason_scores::float8[] AS reason_scores, recommended_action, hosts`;

/**
 * For each key's anomalies (in order), the key's open or acknowledged alerts whose span, widened
 * by the window, reaches theirs: at most `limit`, latest first, locked.
 */
async function candidateAlerts(
  tx: Queryable,
  groups: readonly AlertAnomaly[][],
  windowMs: number,
  limit: number,
): Promise<KeyedAlert<string>[][]> {
  const from: string[] = [];
  const to: string[] = [];
  for (const group of groups) {
    let first = Infinity;
    let last = -Infinity;
    for (const anomaly of group) {
      if (anomaly.time < first) first = anomaly.time;
      if (anomaly.time > last) last = anomaly.time;
    }
    from.push(iso(first - windowMs));
    to.push(iso(last + windowMs));
  }
  const { rows } = await tx.query<AlertRow & { n: number }>(
    `SELECT k.n::integer AS n, c.*
       FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) WITH ORDINALITY AS k(entity, kind, lo, hi, n)
      CROSS JOIN LATERAL (
        SELECT ${ALERT_COLUMNS}
          FROM alerts
         WHERE entity = k.entity AND kind = k.kind AND status IN ('open', 'acknowledged') AND last_seen >= k.lo AND first_seen <= k.hi
         ORDER BY last_seen DESC
         LIMIT $5
           FOR UPDATE) c
      ORDER BY k.n, c.last_seen DESC`,
    [groups.map((group) => group[0]!.entity), groups.map((group) => group[0]!.kind), from, to, limit],
  );
  const candidates: KeyedAlert<string>[][] = groups.map(() => []);
  for (const row of rows) {
    const { entity, kind } = groups[row.n - 1]![0]!;
    candidates[row.n - 1]!.push({ id: row.id, state: stateOf(entity, kind, row) });
  }
  return candidates;
}

async function applyKey(
  tx: Queryable,
  fresh: AlertAnomaly[],
  alerts: KeyedAlert<string>[],
  options: StoreOptions,
  report: ApplyReport,
  applied: Applied,
): Promise<void> {
  // More alerts may overlap a batch that spans a long time (a replay mixing old and new): an
  // anomaly none of the latest fits looks for its own.
  const mayHaveMore = alerts.length === ALERTS_PER_KEY;
  const touched = new Map<KeyedAlert<string>, Touched>();
  for (const anomaly of fresh) {
    if (mayHaveMore && !alerts.some((candidate) => withinWindow(candidate.state, anomaly.time, options.windowMs))) {
      const older = (await candidateAlerts(tx, [[anomaly]], options.windowMs, 1))[0]?.[0];
      if (older !== undefined && !alerts.some((candidate) => candidate.id === older.id)) alerts.push(older);
    }
    const { alert, change, previous } = placeAnomaly(alerts, anomaly, options);
    let entry = touched.get(alert);
    if (entry === undefined) {
      entry = { alert, changes: [], events: [] };
      touched.set(alert, entry);
    }
    if (alert.state.count <= options.maxEventsPerAlert) entry.events.push(anomaly);
    count(report, change);
    if (change !== 'updated') entry.changes.push({ change, from: previous, to: anomaly.level });
  }
  for (const entry of touched.values()) {
    await writeAlert(tx, entry, applied.updates);
    for (const anomaly of entry.events) applied.events.push({ alertId: entry.alert.id!, anomaly });
  }
}

function count(report: ApplyReport, change: AlertChange): void {
  if (change === 'opened') report.opened++;
  else if (change === 'escalated') report.escalated++;
  else report.updated++;
}

function stateOf(entity: string, kind: string, row: AlertRow): AlertState {
  return {
    entity,
    kind,
    level: row.level,
    score: Math.fround(row.score),
    count: row.count,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    reasons: [...row.top_reasons],
    reasonScores: row.reason_scores.map((score) => Math.fround(score)),
    action: row.recommended_action ?? undefined,
    hosts: [...row.hosts],
  };
}

/** An existing alert's new state, written with the batch's others in one UPDATE (updateAlerts). */
interface AlertUpdate {
  id: string;
  level: AlertLevel;
  score: number;
  count: number;
  first_seen: string;
  last_seen: string;
  top_reasons: string[];
  top_reason_scores: number[];
  recommended_action: string | null;
  hosts: string[];
}

async function updateAlerts(tx: Queryable, updates: readonly AlertUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  await tx.query(
    `UPDATE alerts a
        SET level = u.level, score = u.score, anomaly_count = u.count, first_seen = u.first_seen, last_seen = u.last_seen,
            top_reasons = u.top_reasons, top_reason_scores = u.top_reason_scores, recommended_action = u.recommended_action,
            hosts = u.hosts, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS u(id bigint, level text, score real, count integer, first_seen timestamptz,
            last_seen timestamptz, top_reasons text[], top_reason_scores real[], recommended_action text, hosts text[])
      WHERE a.id = u.id`,
    [JSON.stringify(updates)],
  );
}

/** Inserts a new alert (its id set on it), or queues an existing one's update, then writes its history. */
async function writeAlert(tx: Queryable, entry: Touched, updates: AlertUpdate[]): Promise<void> {
  const { state } = entry.alert;
  if (entry.alert.id === undefined) {
    const inserted = await tx.query<{ id: string }>(
      `INSERT INTO alerts (entity, kind, level, score, anomaly_count, first_seen, last_seen, top_reasons, top_reason_scores, recommended_action, hosts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text[], $9::real[], $10, $11::text[]) RETURNING id::text AS id`,
      [
        state.entity,
        state.kind,
        state.level,
        state.score,
        state.count,
        iso(state.firstSeen),
        iso(state.lastSeen),
        state.reasons,
        state.reasonScores,
        state.action ?? null,
        state.hosts,
      ],
    );
    entry.alert.id = (inserted.rows[0] as { id: string }).id;
  } else {
    updates.push({
      id: entry.alert.id,
      level: state.level,
      score: state.score,
      count: state.count,
      first_seen: iso(state.firstSeen),
      last_seen: iso(state.lastSeen),
      top_reasons: state.reasons,
      top_reason_scores: state.reasonScores,
      recommended_action: state.action ?? null,
      hosts: state.hosts,
    });
  }
  const id = entry.alert.id;
  for (const change of entry.changes) {
    await tx.query('INSERT INTO alert_history (alert_id, actor, change, old_value, new_value) VALUES ($1::bigint, $2, $3, $4, $5)', [
      id,
      WRITER_ACTOR,
      change.change,
      change.from ?? null,
      change.to,
    ]);
  }
}

/** The batch's alert_events rows in one statement: PGlite spends ~0.4 ms on each statement, a few µs on a row. */
async function insertAlertEvents(tx: Queryable, rows: Applied['events']): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO alert_events (alert_id, event_id, "timestamp", level, score, reason, model_version, features)
     SELECT e.alert_id, e.event_id, e.at, e.level, e.score, e.reason, e.model_version, e.features::real[]
       FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::text[], $5::real[], $6::text[], $7::text[], $8::text[])
         AS e(alert_id, event_id, at, level, score, reason, model_version, features)
     ON CONFLICT DO NOTHING`,
    [
      rows.map((row) => row.alertId),
      rows.map((row) => row.anomaly.eventId),
      rows.map((row) => iso(row.anomaly.time)),
      rows.map((row) => row.anomaly.level),
      rows.map((row) => row.anomaly.score),
      rows.map((row) => row.anomaly.reason ?? null),
      rows.map((row) => row.anomaly.modelVersion ?? null),
      rows.map((row) => (row.anomaly.features === undefined ? null : arrayLiteral(row.anomaly.features))),
    ],
  );
}

/** A PostgreSQL array literal of numbers ('{1.5,NaN,-Infinity}'), which real[] reads back exactly (float32 values). */
function arrayLiteral(values: ArrayLike<number>): string {
  let text = '{';
  for (let i = 0; i < values.length; i++) text += (i === 0 ? '' : ',') + String(values[i]);
  return `${text}}`;
}
