import type { Queryable } from '../../postgres/database.js';
import type { ApiDatabase } from '../database.js';
import { API_ERRORS, ApiError } from '../errors.js';
import { pageClauses, splitPage, type Sort } from '../keyset.js';
import { ALERT_LEVELS, type AlertLevel, type AlertStatus } from '../schemas.js';
import { featuresByName, toId } from './rows.js';

/** The API's reads and triage writes of alerts; the alert writer (alerts/) owns how they are opened and grouped. */
const LEVEL_RANK = "CASE level WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END";

export const ALERT_SORTS: Record<string, Sort> = {
  last_seen: {
    name: 'last_seen',
    keys: [
      { expr: 'last_seen', type: 'timestamp' },
      { expr: 'id', type: 'bigint' },
    ],
  },
  first_seen: {
    name: 'first_seen',
    keys: [
      { expr: 'first_seen', type: 'timestamp' },
      { expr: 'id', type: 'bigint' },
    ],
  },
  level: {
    name: 'level',
    keys: [
      { expr: LEVEL_RANK, type: 'integer' },
      { expr: 'last_seen', type: 'timestamp' },
      { expr: 'id', type: 'bigint' },
    ],
  },
  score: {
    name: 'score',
    keys: [
      { expr: 'score', type: 'real' },
      { expr: 'id', type: 'bigint' },
    ],
  },
};

const ALERT_COLUMNS =
  'id, entity, kind, status, level, score, anomaly_count, first_seen, last_seen, top_reasons, recommended_action, hosts, assignee, created_at, updated_at, acknowledged_at, resolved_at';

export interface AlertFilter {
  status?: AlertStatus[];
  /** At least this level. */
  level?: AlertLevel;
  since?: Date;
  until?: Date;
  entity?: string;
  kind?: string;
  sort: keyof typeof ALERT_SORTS;
  descending: boolean;
  limit: number;
  cursor?: string;
}

function alertOf(row: Record<string, unknown>): Record<string, unknown> {
  return { ...row, id: toId(row.id) };
}

export async function listAlerts(
  db: ApiDatabase,
  filter: AlertFilter,
): Promise<{ alerts: Record<string, unknown>[]; next_cursor: string | null }> {
  const params: unknown[] = [];
  const where: string[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.status !== undefined) where.push(`status = ANY(${param(filter.status)}::text[])`);
  if (filter.level !== undefined) where.push(`level = ANY(${param(ALERT_LEVELS.slice(ALERT_LEVELS.indexOf(filter.level)))}::text[])`);
  // Alerts active during [since, until]: seen last at or after since, first before until.
  if (filter.since !== undefined) where.push(`last_seen >= ${param(filter.since)}`);
  if (filter.until !== undefined) where.push(`first_seen < ${param(filter.until)}`);
  if (filter.entity !== undefined) where.push(`entity = ${param(filter.entity)}`);
  if (filter.kind !== undefined) where.push(`kind = ${param(filter.kind)}`);
  const sort = ALERT_SORTS[filter.sort]!;
  const page = pageClauses(sort, filter.descending, filter.cursor, params);
  const sql = `SELECT ${ALERT_COLUMNS}, ${page.selectKeys} FROM alerts WHERE ${where.length > 0 ? where.join(' AND ') : 'true'} ${page.after}
    ORDER BY ${page.orderBy} LIMIT ${param(filter.limit + 1)}`;
  const { rows } = await db.query<Record<string, unknown>>(sql, params);
  const result = splitPage(rows, filter.limit, sort, filter.descending);
  return { alerts: result.rows.map(({ k0, k1, k2, ...alert }) => alertOf(alert)), next_cursor: result.next_cursor };
}

/** Rows of an alert's anomalies, history and feedback returned with it, at most. */
export const DETAIL_LIMIT = 1000;

export async function getAlert(db: ApiDatabase, id: number): Promise<Record<string, unknown>> {
  const { rows } = await db.query<Record<string, unknown>>(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = $1`, [id]);
  if (rows[0] === undefined) throw new ApiError(API_ERRORS.NOT_FOUND, `alert ${id} not found`);
  const anomalies = await db.query<Record<string, unknown> & { features: number[] | null }>(
    `SELECT event_id, "timestamp", level, score, reason, model_version, features FROM alert_events WHERE alert_id = $1 ORDER BY "timestamp" DESC, event_id LIMIT ${DETAIL_LIMIT}`,
    [id],
  );
  const history = await db.query<Record<string, unknown>>(
    `SELECT id, at, actor, change, old_value, new_value, note FROM alert_history WHERE alert_id = $1 ORDER BY at, id LIMIT ${DETAIL_LIMIT}`,
    [id],
  );
  const feedback = await db.query<Record<string, unknown>>(
    `SELECT id, alert_id, event_id, verdict, comment, entity, kind, created_by, created_at FROM feedback WHERE alert_id = $1 ORDER BY created_at, id LIMIT ${DETAIL_LIMIT}`,
    [id],
  );
  return {
    alert: alertOf(rows[0]),
    anomalies: anomalies.rows.map((row) => ({ ...row, features: featuresByName(row.features) })),
    history: history.rows.map((row) => ({ ...row, id: toId(row.id) })),
    feedback: feedback.rows.map((row) => ({ ...row, id: toId(row.id), alert_id: toId(row.alert_id) })),
  };
}

export interface AlertChange {
  status?: AlertStatus;
  /** null: unassign. */
  assignee?: string | null;
  note?: string;
}

/**
 * Applies an analyst's change in one transaction, each changed field a row of alert_history with
 * the token name as actor. Status times: acknowledged_at is when the alert first left `open`;
 * resolved_at is set by resolved / false_positive and cleared when it is reopened or acknowledged.
 */
export async function changeAlert(db: ApiDatabase, id: number, change: AlertChange, actor: string): Promise<Record<string, unknown>> {
  return db.transaction(async (tx) => {
    const current = await tx.query<{ status: string; assignee: string | null }>(
      'SELECT status, assignee FROM alerts WHERE id = $1 FOR UPDATE',
      [id],
    );
    const before = current.rows[0];
    if (before === undefined) throw new ApiError(API_ERRORS.NOT_FOUND, `alert ${id} not found`);
    if (change.status !== undefined && change.status !== before.status) {
      await tx.query(
        `UPDATE alerts SET status = $2::text, updated_at = now(),
           acknowledged_at = CASE WHEN $2::text <> 'open' THEN COALESCE(acknowledged_at, now()) ELSE acknowledged_at END,
           resolved_at = CASE WHEN $2::text IN ('resolved', 'false_positive') THEN now() ELSE NULL END
         WHERE id = $1`,
        [id, change.status],
      );
      await history(tx, id, actor, 'status', before.status, change.status);
    }
    if (change.assignee !== undefined && change.assignee !== before.assignee) {
      await tx.query('UPDATE alerts SET assignee = $2, updated_at = now() WHERE id = $1', [id, change.assignee]);
      await history(tx, id, actor, 'assignee', before.assignee, change.assignee);
    }
    if (change.note !== undefined) {
      await tx.query('UPDATE alerts SET updated_at = now() WHERE id = $1', [id]);
      await history(tx, id, actor, 'note', null, null, change.note);
    }
    const { rows } = await tx.query<Record<string, unknown>>(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = $1`, [id]);
    return alertOf(rows[0]!);
  });
}

function history(
  tx: Queryable,
  alertId: number,
  actor: string,
  change: string,
  oldValue: string | null,
  newValue: string | null,
  note: string | null = null,
): Promise<unknown> {
  return tx.query('INSERT INTO alert_history (alert_id, actor, change, old_value, new_value, note) VALUES ($1, $2, $3, $4, $5, $6)', [
    alertId,
    actor,
    change,
    oldValue,
    newValue,
    note,
  ]);
}
