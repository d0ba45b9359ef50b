/**
 * Alerts, feedback, suppressions and notification deliveries made from a replayed stream, for the
 * SQL of the "siemad alerts and feedback" dashboard: a generated day of logs (eval/generate) goes
 * through `siemad analyze --format ndjson`; its anomalies are grouped into alerts by (entity,
 * kind) with a gap of at most 30 minutes, and a fixed share of the alerts is acknowledged,
 * resolved or called a false positive (with feedback and suppressions). Plain SQL: the real alert
 * writer (alerts/) is another component; this fixture only fills the tables the way the schema
 * says they are filled.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, openSync, closeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Database } from '../../postgres/database.js';
import { REPO_ROOT, SIEMAD, ensureBuilt } from '../helpers/siemad.js';

export interface ReplayedAnomaly {
  eventId: string;
  at: Date;
  entity: string;
  kind: string;
  level: Level;
  score: number;
  reason: string | undefined;
  action: string | undefined;
  host: string | undefined;
  modelVersion: string;
}

export const LEVELS = ['low', 'medium', 'high', 'critical'] as const;
type Level = (typeof LEVELS)[number];

/** A generated day (seeded) through the real analyze command; the anomalies in stream order. */
export async function replayedAnomalies(seed = 5): Promise<ReplayedAnomaly[]> {
  ensureBuilt();
  const dir = await mkdtemp(join(tmpdir(), 'siemad-replay-'));
  try {
    const stream = join(dir, 'stream.log');
    const generated = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'dist', 'eval', 'generate.js'), '--seed', String(seed), '--days', '1', '--out', stream],
      { encoding: 'utf8' },
    );
    if (generated.status !== 0) throw new Error(`eval/generate failed: ${generated.stderr}`);
    const output = join(dir, 'events.ndjson');
    const fd = openSync(output, 'w');
    try {
      const analyzed = spawnSync(process.execPath, [SIEMAD, 'analyze', '--format', 'ndjson', stream], {
        stdio: ['ignore', fd, 'pipe'],
        encoding: 'utf8',
      });
      if (analyzed.status !== 0) throw new Error(`siemad analyze failed: ${analyzed.stderr}`);
    } finally {
      closeSync(fd);
    }
    const anomalies: ReplayedAnomaly[] = [];
    for await (const line of createInterface({ input: createReadStream(output) })) {
      const event = JSON.parse(line) as {
        '@timestamp': string;
        event: { id: string };
        host?: { hostname?: string };
        anomaly?: Record<string, any>;
      };
      const anomaly = event.anomaly;
      if (anomaly?.is_anomaly !== true || typeof anomaly.entity !== 'string') continue;
      anomalies.push({
        eventId: event.event.id,
        at: new Date(event['@timestamp']),
        entity: anomaly.entity,
        kind: anomaly.kind ?? 'unusual_combination',
        level: anomaly.level,
        score: anomaly.score,
        reason: anomaly.reasons?.[0],
        action: anomaly.recommended_action,
        host: event.host?.hostname,
        modelVersion: anomaly.model_version,
      });
    }
    return anomalies;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface FixtureAlert {
  entity: string;
  kind: string;
  anomalies: ReplayedAnomaly[];
  /** Levels reached, in order: the first opens the alert, each later one is an escalation. */
  levels: { level: Level; at: Date }[];
  status: 'open' | 'acknowledged' | 'resolved' | 'false_positive';
  createdAt: Date;
  acknowledgedAt: Date | undefined;
  resolvedAt: Date | undefined;
  feedback: 'true_positive' | 'false_positive' | undefined;
  suppression: 'active' | 'expired' | 'deleted' | 'permanent' | undefined;
  delivery: 'delivered' | 'failed' | 'pending';
}

const GAP_MS = 30 * 60_000;
const MINUTE = 60_000;

function rank(level: Level): number {
  return LEVELS.indexOf(level);
}

/** Groups anomalies into alerts and decides, by each alert's position, what analysts did with it. */
export function alertsOf(anomalies: readonly ReplayedAnomaly[]): FixtureAlert[] {
  const open = new Map<string, FixtureAlert>();
  const alerts: FixtureAlert[] = [];
  for (const anomaly of anomalies) {
    const key = `${anomaly.entity}\u0000${anomaly.kind}`;
    let alert = open.get(key);
    const last = alert?.anomalies.at(-1);
    if (alert === undefined || last === undefined || anomaly.at.getTime() - last.at.getTime() > GAP_MS) {
      alert = {
        entity: anomaly.entity,
        kind: anomaly.kind,
        anomalies: [],
        levels: [{ level: anomaly.level, at: anomaly.at }],
        status: 'open',
        createdAt: new Date(anomaly.at.getTime() + 30_000),
        acknowledgedAt: undefined,
        resolvedAt: undefined,
        feedback: undefined,
        suppression: undefined,
        delivery: 'delivered',
      };
      open.set(key, alert);
      alerts.push(alert);
    } else if (rank(anomaly.level) > rank(alert.levels.at(-1)!.level)) {
      alert.levels.push({ level: anomaly.level, at: anomaly.at });
    }
    alert.anomalies.push(anomaly);
  }
  alerts.forEach((alert, i) => {
    const acknowledged = new Date(alert.createdAt.getTime() + ((i % 7) + 1) * 3 * MINUTE);
    const role = i % 5;
    if (role === 1 || role === 2 || role === 3) alert.acknowledgedAt = acknowledged;
    if (role === 1) alert.status = 'acknowledged';
    if (role === 2 || role === 3) alert.resolvedAt = new Date(acknowledged.getTime() + 20 * MINUTE);
    if (role === 2) alert.status = 'resolved';
    if (role === 3) {
      alert.status = 'false_positive';
      alert.feedback = 'false_positive';
      alert.suppression = (['active', 'expired', 'deleted', 'permanent'] as const)[Math.floor(i / 5) % 4];
    }
    if (role === 2 && i % 2 === 0) alert.feedback = 'true_positive';
    if (i % 7 === 6) alert.delivery = 'failed';
    if (i % 11 === 10) alert.delivery = 'pending';
  });
  return alerts;
}

const TARGET = 'json:hooks.example.com#0123456789';

function highest(alert: FixtureAlert): Level {
  return alert.levels.at(-1)!.level;
}

/** Writes the alerts and everything around them; returns the alert ids in order. */
export async function loadAlerts(db: Database, alerts: readonly FixtureAlert[]): Promise<number[]> {
  const ids: number[] = [];
  for (const alert of alerts) {
    ids.push(
      await db.transaction(async (tx) => {
        const first = alert.anomalies[0]!;
        const last = alert.anomalies.at(-1)!;
        const reasons = [...new Set(alert.anomalies.map((a) => a.reason).filter((r): r is string => r !== undefined))].slice(0, 3);
        const hosts = [...new Set(alert.anomalies.map((a) => a.host).filter((h): h is string => h !== undefined))].slice(0, 10);
        const { rows } = await tx.query<{ id: string | number }>(
          `INSERT INTO alerts (entity, kind, status, level, score, anomaly_count, first_seen, last_seen, top_reasons, recommended_action, hosts, assignee, created_at, updated_at, acknowledged_at, resolved_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15) RETURNING id`,
          [
            alert.entity,
            alert.kind,
            alert.status,
            highest(alert),
            Math.max(...alert.anomalies.map((a) => a.score)),
            alert.anomalies.length,
            first.at,
            last.at,
            reasons,
            first.action ?? null,
            hosts,
            alert.acknowledgedAt !== undefined ? 'analyst-1' : null,
            alert.createdAt,
            alert.acknowledgedAt ?? null,
            alert.resolvedAt ?? null,
          ],
        );
        const id = Number(rows[0]!.id);
        await tx.query(
          `INSERT INTO alert_events (alert_id, event_id, "timestamp", level, score, reason, model_version)
           SELECT $1, e.event_id, e.at, e.level, e.score, e.reason, e.model_version
           FROM unnest($2::text[], $3::timestamptz[], $4::text[], $5::real[], $6::text[], $7::text[]) AS e(event_id, at, level, score, reason, model_version)
           ON CONFLICT DO NOTHING`,
          [
            id,
            alert.anomalies.map((a) => a.eventId),
            alert.anomalies.map((a) => a.at),
            alert.anomalies.map((a) => a.level),
            alert.anomalies.map((a) => a.score),
            alert.anomalies.map((a) => a.reason ?? null),
            alert.anomalies.map((a) => a.modelVersion),
          ],
        );
        for (const [n, step] of alert.levels.entries()) {
          const at = n === 0 ? alert.createdAt : step.at;
          const history = await tx.query<{ id: string | number }>(
            "INSERT INTO alert_history (alert_id, at, actor, change, old_value, new_value) VALUES ($1, $2, 'siemad', $3, $4, $5) RETURNING id",
            [id, at, n === 0 ? 'opened' : 'escalated', n === 0 ? null : alert.levels[n - 1]!.level, step.level],
          );
          const status = n === 0 ? alert.delivery : 'delivered';
          await tx.query(
            `INSERT INTO notification_deliveries (alert_id, history_id, target, trigger, level, status, attempts, last_error, next_attempt_at, delivered_at, created_at, last_attempt_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $9)`,
            [
              id,
              Number(history.rows[0]!.id),
              TARGET,
              n === 0 ? 'opened' : 'escalated',
              step.level,
              status,
              status === 'pending' ? 0 : status === 'failed' ? 10 : 1,
              status === 'failed' ? 'gave up after 10 attempts: HTTP 503: unavailable' : null,
              at,
              status === 'delivered' ? at : null,
            ],
          );
        }
        if (alert.acknowledgedAt !== undefined) {
          await tx.query(
            "INSERT INTO alert_history (alert_id, at, actor, change, old_value, new_value) VALUES ($1, $2, 'analyst-1', 'status', 'open', 'acknowledged')",
            [id, alert.acknowledgedAt],
          );
        }
        if (alert.feedback !== undefined) {
          const feedbackAt = new Date((alert.resolvedAt ?? alert.acknowledgedAt ?? alert.createdAt).getTime() + MINUTE);
          const feedback = await tx.query<{ id: string | number }>(
            "INSERT INTO feedback (alert_id, verdict, comment, entity, kind, created_by, created_at) VALUES ($1, $2, $3, $4, $5, 'analyst-1', $6) RETURNING id",
            [
              id,
              alert.feedback,
              alert.feedback === 'false_positive' ? 'scheduled job of our own' : 'confirmed with the host owner',
              alert.entity,
              alert.kind,
              feedbackAt,
            ],
          );
          if (alert.suppression !== undefined) {
            await tx.query(
              `INSERT INTO suppressions (entity, kind, effect, comment, feedback_id, created_by, expires_at, deleted_at)
               VALUES ($1, $2, $3, 'from a false positive', $4, 'analyst-1', $5, $6)`,
              [
                alert.entity,
                alert.kind,
                alert.suppression === 'permanent' ? 'lower' : 'mute',
                Number(feedback.rows[0]!.id),
                alert.suppression === 'active'
                  ? new Date(Date.now() + 7 * 86_400_000)
                  : alert.suppression === 'expired'
                    ? new Date(Date.now() - 86_400_000)
                    : null,
                alert.suppression === 'deleted' ? new Date() : null,
              ],
            );
          }
        }
        return id;
      }),
    );
  }
  // Benign verdicts on single anomalies (no alert): feedback keeps entity and kind itself.
  const benign = alerts.flatMap((alert) => alert.anomalies).filter((_, i) => i % 97 === 0);
  for (const anomaly of benign) {
    await db.query(
      "INSERT INTO feedback (event_id, verdict, comment, entity, kind, created_by, created_at) VALUES ($1, 'benign', 'expected maintenance', $2, $3, 'analyst-2', $4)",
      [anomaly.eventId, anomaly.entity, anomaly.kind, new Date(anomaly.at.getTime() + 10 * MINUTE)],
    );
  }
  return ids;
}
