/**
 * The notifier's SQL over `notification_deliveries`: one row per (alert history entry, target),
 * created from the 'opened' and 'escalated' rows of `alert_history` (UNIQUE (history_id, target):
 * collectors creating them together create each once), claimed under a lease so that one
 * collector sends it, and finished as delivered, retried later or failed. Works the same on a
 * PostgreSQL server and on PGlite.
 */
import type { Database, Queryable } from '../../postgres/database.js';
import { ALERT_LEVELS, isAlertLevel, type AlertLevel, type AlertNotification, type NotificationTrigger } from './notification.js';

/** First key of the per-target advisory locks (the second is hashtext(target)). */
const CLAIM_LOCK_KEY = 73_451_905;
/** last_error is cut to this many characters. */
const ERROR_MAX = 500;

const ENQUEUE_SQL = `
INSERT INTO notification_deliveries (alert_id, history_id, target, trigger, level)
SELECT c.alert_id, c.history_id, t.target, c.change, c.level
FROM (
  SELECT h.id AS history_id, h.alert_id, h.change,
         CASE WHEN h.new_value = ANY($3::text[]) THEN h.new_value ELSE a.level END AS level
  FROM alert_history h
  JOIN alerts a ON a.id = h.alert_id
  WHERE h.change IN ('opened', 'escalated') AND h.at > now() - make_interval(secs => $2)
) c
CROSS JOIN unnest($1::text[]) AS t(target)
WHERE c.level = ANY($4::text[])
  AND NOT EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.history_id = c.history_id AND d.target = t.target)
ORDER BY c.history_id
LIMIT $5
ON CONFLICT (history_id, target) DO NOTHING`;

const RECENT_ATTEMPTS_SQL = `
SELECT count(*)::int AS recent FROM notification_deliveries
WHERE target = $1 AND last_attempt_at > now() - interval '1 minute'`;

// The claimed rows' next attempt moves to the end of the lease: if this collector dies while
// sending, another one takes them over then.
const CLAIM_SQL = `
WITH due AS (
  SELECT id FROM notification_deliveries
  WHERE target = $1 AND status = 'pending' AND next_attempt_at <= now()
  ORDER BY next_attempt_at, id
  LIMIT $2
  FOR UPDATE SKIP LOCKED
)
UPDATE notification_deliveries d
SET attempts = d.attempts + 1, last_attempt_at = now(), next_attempt_at = now() + make_interval(secs => $3)
FROM due, alert_history h, alerts a
WHERE d.id = due.id AND h.id = d.history_id AND a.id = d.alert_id
RETURNING d.id, d.history_id, d.trigger, d.level, d.attempts, h.at AS triggered_at, h.old_value,
          a.id AS alert_id, a.entity, a.kind, a.status, a.level AS alert_level, a.score, a.anomaly_count,
          a.first_seen, a.last_seen, a.top_reasons, a.recommended_action, a.hosts`;

interface ClaimedRow {
  id: number | string;
  history_id: number | string;
  trigger: NotificationTrigger;
  level: string;
  attempts: number;
  triggered_at: Date;
  old_value: string | null;
  alert_id: number | string;
  entity: string;
  kind: string;
  status: string;
  alert_level: string;
  score: number;
  anomaly_count: number;
  first_seen: Date;
  last_seen: Date;
  top_reasons: string[] | null;
  recommended_action: string | null;
  hosts: string[] | null;
}

function level(value: string): AlertLevel {
  return isAlertLevel(value) ? value : 'low';
}

function notificationOf(row: ClaimedRow): AlertNotification {
  return {
    deliveryId: Number(row.id),
    historyId: Number(row.history_id),
    trigger: row.trigger,
    level: level(row.level),
    previousLevel: row.trigger === 'escalated' && isAlertLevel(row.old_value) ? row.old_value : undefined,
    triggeredAt: new Date(row.triggered_at),
    attempt: row.attempts,
    alert: {
      id: Number(row.alert_id),
      entity: row.entity,
      kind: row.kind,
      status: row.status,
      level: level(row.alert_level),
      score: Number(row.score),
      count: row.anomaly_count,
      firstSeen: new Date(row.first_seen),
      lastSeen: new Date(row.last_seen),
      topReasons: row.top_reasons ?? [],
      recommendedAction: row.recommended_action,
      hosts: row.hosts ?? [],
    },
  };
}

export interface EnqueueOptions {
  targets: readonly string[];
  minLevel: AlertLevel;
  /** History rows older than this are not notified any more (e.g. for a target added later). */
  maxAgeMs: number;
  /** Rows created per call at most. */
  limit: number;
}

export class DeliveryStore {
  constructor(private readonly db: Database) {}

  /** Creates the deliveries of new 'opened' / 'escalated' history rows; returns how many. */
  async enqueue(options: EnqueueOptions): Promise<number> {
    const levels = ALERT_LEVELS.slice(ALERT_LEVELS.indexOf(options.minLevel));
    const result = await this.db.query(ENQUEUE_SQL, [options.targets, options.maxAgeMs / 1000, ALERT_LEVELS, levels, options.limit]);
    return result.rowCount;
  }

  /**
   * Claims up to `max` due deliveries of `target`, fewer when `perMinute` of the target's
   * deliveries were tried in the last minute (by any collector: the count and the claim run under
   * the target's advisory lock; a delivery tried twice in the minute counts once). Each claimed row's attempt counter is its claim: finishing it later
   * only succeeds while the counter is unchanged.
   */
  claim(target: string, max: number, perMinute: number, leaseMs: number): Promise<AlertNotification[]> {
    return this.db.transaction(async (tx: Queryable) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [CLAIM_LOCK_KEY, target]);
      const { rows } = await tx.query<{ recent: number }>(RECENT_ATTEMPTS_SQL, [target]);
      const budget = Math.min(max, perMinute - (rows[0]?.recent ?? 0));
      if (budget <= 0) return [];
      const claimed = await tx.query<ClaimedRow>(CLAIM_SQL, [target, budget, leaseMs / 1000]);
      return claimed.rows.map(notificationOf).sort((a, b) => a.deliveryId - b.deliveryId);
    });
  }

  async delivered(deliveryId: number, attempt: number): Promise<boolean> {
    const result = await this.db.query(
      "UPDATE notification_deliveries SET status = 'delivered', delivered_at = now(), last_error = NULL WHERE id = $1 AND attempts = $2 AND status = 'pending'",
      [deliveryId, attempt],
    );
    return result.rowCount > 0;
  }

  async retryLater(deliveryId: number, attempt: number, delayMs: number, error: string): Promise<boolean> {
    const result = await this.db.query(
      "UPDATE notification_deliveries SET next_attempt_at = now() + make_interval(secs => $3), last_error = $4 WHERE id = $1 AND attempts = $2 AND status = 'pending'",
      [deliveryId, attempt, delayMs / 1000, error.slice(0, ERROR_MAX)],
    );
    return result.rowCount > 0;
  }

  async failed(deliveryId: number, attempt: number, error: string): Promise<boolean> {
    const result = await this.db.query(
      "UPDATE notification_deliveries SET status = 'failed', last_error = $3 WHERE id = $1 AND attempts = $2 AND status = 'pending'",
      [deliveryId, attempt, error.slice(0, ERROR_MAX)],
    );
    return result.rowCount > 0;
  }

  /** Pending deliveries per target (targets without any are 0). */
  async pending(targets: readonly string[]): Promise<Map<string, number>> {
    const { rows } = await this.db.query<{ target: string; pending: number }>(
      "SELECT target, count(*)::int AS pending FROM notification_deliveries WHERE status = 'pending' AND target = ANY($1::text[]) GROUP BY target",
      [targets],
    );
    const counts = new Map(targets.map((target) => [target, 0]));
    for (const row of rows) counts.set(row.target, row.pending);
    return counts;
  }
}
