/**
 * Alerts in PostgreSQL (schema: postgres/migrations/0001_alerts_feedback.sql and 0002): applies a
 * batch of anomalies in one transaction. Per (entity, kind), under a transaction advisory lock
 * (on the hashes of entity and kind) taken in key order (collectors sharing the database neither race nor deadlock): the anomalies
 * already applied are skipped (alert_applied_events: a replayed queue counts nothing twice), the
 * key's open or acknowledged alerts near the anomalies' times are read (FOR UPDATE), the anomalies
 * placed among them exactly as grouping.ts places them in memory, and the alerts written with
 * their first anomalies (alert_events, bounded per alert) and their 'opened' / 'escalated'
 * history rows. Resolved and false-positive alerts are closed: a new anomaly opens a new alert.
 * Every statement is parameterised.
 */
import type { Database, Queryable } from '../postgres/database.js';
import type { AlertAnomaly, AlertLevel } from './anomaly.js';
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
  applied: string[];
}

/** alert_events rows per INSERT statement (7 parameters each). */
const EVENT_ROWS_PER_INSERT = 100;

const iso = (ms: number): string => new Date(ms).toISOString();

export async function applyAnomalies(db: Database, anomalies: readonly AlertAnomaly[], options: StoreOptions): Promise<ApplyReport> {
  const report: ApplyReport = { opened: 0, escalated: 0, updated: 0, duplicates: 0, belowLevel: 0 };
  const byKey = new Map<string, AlertAnomaly[]>();
  for (const anomaly of anomalies) {
    if (!qualifies(anomaly, options)) {
      report.belowLevel++;
      continue;
    }
    const key = alertKey(anomaly);
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [anomaly]);
    else list.push(anomaly);
  }
  if (byKey.size === 0) return report;
  const keys = [...byKey.keys()].sort();
  await db.transaction(async (tx) => {
    for (const key of keys) await applyKey(tx, byKey.get(key) as AlertAnomaly[], options, report);
  });
  return report;
}

async function applyKey(tx: Queryable, anomalies: AlertAnomaly[], options: StoreOptions, report: ApplyReport): Promise<void> {
  const { entity, kind } = anomalies[0] as AlertAnomaly;
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [entity, kind]);
  const known = await tx.query<{ event_id: string }>('SELECT event_id FROM alert_applied_events WHERE event_id = ANY($1::text[])', [
    anomalies.map((a) => a.eventId),
  ]);
  const seen = new Set(known.rows.map((row) => row.event_id));
  const fresh: AlertAnomaly[] = [];
  for (const anomaly of anomalies) {
    if (seen.has(anomaly.eventId)) {
      report.duplicates++;
      continue;
    }
    seen.add(anomaly.eventId);
    fresh.push(anomaly);
  }
  if (fresh.length === 0) return;

  let from = Infinity;
  let to = -Infinity;
  for (const anomaly of fresh) {
    if (anomaly.time < from) from = anomaly.time;
    if (anomaly.time > to) to = anomaly.time;
  }
  const alerts = await candidateAlerts(tx, entity, kind, from - options.windowMs, to + options.windowMs, ALERTS_PER_KEY);
  // More alerts may overlap a batch that spans a long time (a replay mixing old and new): an
  // anomaly none of the latest fits looks for its own.
  const mayHaveMore = alerts.length === ALERTS_PER_KEY;
  const touched = new Map<KeyedAlert<string>, Touched>();
  for (const anomaly of fresh) {
    if (mayHaveMore && !alerts.some((candidate) => withinWindow(candidate.state, anomaly.time, options.windowMs))) {
      const [older] = await candidateAlerts(tx, entity, kind, anomaly.time - options.windowMs, anomaly.time + options.windowMs, 1);
      if (older !== undefined && !alerts.some((candidate) => candidate.id === older.id)) alerts.push(older);
    }
    const { alert, change, previous } = placeAnomaly(alerts, anomaly, options);
    let entry = touched.get(alert);
    if (entry === undefined) {
      entry = { alert, changes: [], events: [], applied: [] };
      touched.set(alert, entry);
    }
    entry.applied.push(anomaly.eventId);
    if (alert.state.count <= options.maxEventsPerAlert) entry.events.push(anomaly);
    count(report, change);
    if (change !== 'updated') entry.changes.push({ change, from: previous, to: anomaly.level });
  }
  for (const entry of touched.values()) await writeAlert(tx, entry);
}

/** The key's open or acknowledged alerts whose span reaches into [from, to], latest first, locked. */
async function candidateAlerts(
  tx: Queryable,
  entity: string,
  kind: string,
  from: number,
  to: number,
  limit: number,
): Promise<KeyedAlert<string>[]> {
  const { rows } = await tx.query<AlertRow>(
    `SELECT id::text AS id, level, score::float8 AS score, anomaly_count AS count,
            (extract(epoch FROM first_seen) * 1000)::float8 AS first_seen, (extract(epoch FROM last_seen) * 1000)::float8 AS last_seen,
            top_reasons, top_reason_scores::float8[] AS reason_scores, recommended_action, hosts
       FROM alerts
      WHERE entity = $1 AND kind = $2 AND status IN ('open', 'acknowledged') AND last_seen >= $3 AND first_seen <= $4
      ORDER BY last_seen DESC
      LIMIT $5
        FOR UPDATE`,
    [entity, kind, iso(from), iso(to), limit],
  );
  return rows.map((row) => ({ id: row.id, state: stateOf(entity, kind, row) }));
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

async function writeAlert(tx: Queryable, entry: Touched): Promise<void> {
  const { state } = entry.alert;
  const values = [
    state.level,
    state.score,
    state.count,
    iso(state.firstSeen),
    iso(state.lastSeen),
    state.reasons,
    state.reasonScores,
    state.action ?? null,
    state.hosts,
  ];
  if (entry.alert.id === undefined) {
    const inserted = await tx.query<{ id: string }>(
      `INSERT INTO alerts (entity, kind, level, score, anomaly_count, first_seen, last_seen, top_reasons, top_reason_scores, recommended_action, hosts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text[], $9::real[], $10, $11::text[]) RETURNING id::text AS id`,
      [state.entity, state.kind, ...values],
    );
    entry.alert.id = (inserted.rows[0] as { id: string }).id;
  } else {
    await tx.query(
      `UPDATE alerts SET level = $2, score = $3, anomaly_count = $4, first_seen = $5, last_seen = $6, top_reasons = $7::text[],
              top_reason_scores = $8::real[], recommended_action = $9, hosts = $10::text[], updated_at = now()
        WHERE id = $1::bigint`,
      [entry.alert.id, ...values],
    );
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
  await tx.query(
    'INSERT INTO alert_applied_events (event_id, alert_id) SELECT event_id, $2::bigint FROM unnest($1::text[]) AS event_id ON CONFLICT DO NOTHING',
    [entry.applied, id],
  );
  for (let start = 0; start < entry.events.length; start += EVENT_ROWS_PER_INSERT) {
    const rows = entry.events.slice(start, start + EVENT_ROWS_PER_INSERT);
    const params: unknown[] = [id];
    const tuples = rows.map((event) => {
      const at = params.length;
      params.push(
        event.eventId,
        iso(event.time),
        event.level,
        event.score,
        event.reason ?? null,
        event.modelVersion ?? null,
        event.features ?? null,
      );
      return `($1::bigint, $${at + 1}, $${at + 2}::timestamptz, $${at + 3}, $${at + 4}::real, $${at + 5}, $${at + 6}, $${at + 7}::real[])`;
    });
    await tx.query(
      `INSERT INTO alert_events (alert_id, event_id, "timestamp", level, score, reason, model_version, features) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`,
      params,
    );
  }
}

/** Deletes the record of anomalies applied more than `olderThanMs` ago; returns how many. */
export async function pruneAppliedEvents(db: Database, olderThanMs: number): Promise<number> {
  const result = await db.query("DELETE FROM alert_applied_events WHERE applied_at < now() - $1::bigint * interval '1 millisecond'", [
    Math.round(olderThanMs),
  ]);
  return result.rowCount;
}
