/**
 * What the notifier tests stand on: a local webhook receiver (a real HTTP server on 127.0.0.1 whose
 * answers a test scripts: fail, delay, recover) and alerts with their 'opened' / 'escalated'
 * history rows written with plain SQL, the way the alert writer writes them in one transaction.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Database } from '../../../postgres/database.js';

export interface ReceivedRequest {
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** ms to wait before answering. */
  delayMs?: number;
}

/** `answer(request, n)` decides the response to the n-th request (0-based); default 200. */
export type Responder = (request: ReceivedRequest, n: number) => Answer;

export class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  responder: Responder = () => ({ status: 200, body: 'ok' });

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* kept as text: a test asserts on it */
        }
        const request: ReceivedRequest = { at: Date.now(), path: req.url ?? '', headers: req.headers, body };
        const n = receiver.received.length;
        receiver.received.push(request);
        const answer = receiver.responder(request, n);
        const send = (): void => {
          res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
          res.end(answer.body ?? '');
        };
        if (answer.delayMs !== undefined) setTimeout(send, answer.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** Requests whose JSON body has this delivery id. */
  deliveries(deliveryId: number): ReceivedRequest[] {
    return this.received.filter((r) => r.body?.delivery_id === deliveryId);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

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
      [alert.entity, alert.kind, alert.level, alert.score ?? 0.9, alert.count ?? 1, alert.reasons ?? [], alert.action ?? null, alert.hosts ?? [], ago],
    );
    const id = Number(rows[0]!.id);
    await tx.query("INSERT INTO alert_history (alert_id, at, actor, change, new_value) VALUES ($1, now() - $3::interval, 'siemad', 'opened', $2)", [id, alert.level, ago]);
    return id;
  });
}

/** Raises an alert's level and writes its 'escalated' history row, in one transaction. */
export async function escalateAlert(db: Database, alertId: number, to: AlertFixture['level'], count: number): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ level: string }>('SELECT level FROM alerts WHERE id = $1 FOR UPDATE', [alertId]);
    await tx.query('UPDATE alerts SET level = $2, anomaly_count = $3, last_seen = now(), updated_at = now() WHERE id = $1', [alertId, to, count]);
    await tx.query("INSERT INTO alert_history (alert_id, actor, change, old_value, new_value) VALUES ($1, 'siemad', 'escalated', $2, $3)", [alertId, rows[0]!.level, to]);
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
  const { rows } = await db.query<DeliveryRow>('SELECT id, alert_id, history_id, target, trigger, level, status, attempts, last_error, delivered_at FROM notification_deliveries ORDER BY id');
  return rows.map((row) => ({ ...row, id: Number(row.id), alert_id: Number(row.alert_id), history_id: Number(row.history_id) }));
}

export async function emptyTables(db: Database): Promise<void> {
  await db.exec('TRUNCATE notification_deliveries, alert_history, alert_events, alerts CASCADE');
}
