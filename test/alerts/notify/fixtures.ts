/**
 * What the notifier tests stand on: alerts with their 'opened' / 'escalated' history rows written
 * with plain SQL, the way the alert writer writes them in one transaction (and the webhook
 * receiver of test/helpers).
 */
import type { Database } from '../../../postgres/database.js';

export { WebhookReceiver, type ReceivedRequest } from '../../helpers/webhook-receiver.js';

export interface AlertFixture {
  entity: string;
  kind: string;
  level: 'low' | 'medium' | 'high' | 'critical';
  score?: number;
  count?: number;
  reasons?: string[];
  action?: string;
  hosts?: string[];
  /** When the alert was opened: an SQL interval before now, e.g. '2 hours' (default now). */
  ago?: string;
}

/** An alert and its 'opened' history row, in one transaction; returns the alert id. */
export async function openAlert(db: Database, alert: AlertFixture): Promise<number> {
  return db.transaction(async (tx) => {
    const ago = alert.ago ?? '0 seconds';
    const { rows } = await tx.query<{ id: number | string }>(
      `INSERT INTO alerts (entity, kind, level, score, anomaly_count, first_seen, last_seen, top_reasons, recommended_action, hosts)
       VALUES ($1, $2, $3, $4, $5, now() - $9::interval, now() - $9::interval, $6, $7, $8) RETURNING id`,
      [
        alert.entity,
        alert.kind,
        alert.level,
        alert.score ?? 0.9,
        alert.count ?? 1,
        alert.reasons ?? [],
        alert.action ?? null,
        alert.hosts ?? [],
        ago,
      ],
    );
    const id = Number(rows[0]!.id);
    await tx.query(
      "INSERT INTO alert_history (alert_id, at, actor, change, new_value) VALUES ($1, now() - $3::interval, 'siemad', 'opened', $2)",
      [id, alert.level, ago],
    );
    return id;
  });
}

/** Raises an alert's level and writes its 'escalated' history row, in one transaction. */
export async function escalateAlert(db: Database, alertId: number, to: AlertFixture['level'], count: number): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ level: string }>('SELECT level FROM alerts WHERE id = $1 FOR UPDATE', [alertId]);
    await tx.query('UPDATE alerts SET level = $2, anomaly_count = $3, last_seen = now(), updated_at = now() WHERE id = $1', [
      alertId,
      to,
      count,
    ]);
    await tx.query("INSERT INTO alert_history (alert_id, actor, change, old_value, new_value) VALUES ($1, 'siemad', 'escalated', $2, $3)", [
      alertId,
      rows[0]!.level,
      to,
    ]);
  });
}

export interface DeliveryRow {
  id: number;
  alert_id: number;
  history_id: number;
  target: string;
  trigger: string;
  level: string;
  status: string;
  attempts: number;
  last_error: string | null;
  delivered_at: Date | null;
}

export async function deliveries(db: Database): Promise<DeliveryRow[]> {
  const { rows } = await db.query<DeliveryRow>(
    'SELECT id, alert_id, history_id, target, trigger, level, status, attempts, last_error, delivered_at FROM notification_deliveries ORDER BY id',
  );
  return rows.map((row) => ({ ...row, id: Number(row.id), alert_id: Number(row.alert_id), history_id: Number(row.history_id) }));
}

export async function emptyTables(db: Database): Promise<void> {
  await db.exec('TRUNCATE notification_deliveries, alert_history, alert_events, alerts CASCADE');
}
