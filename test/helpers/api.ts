/**
 * The HTTP API over a real database for tests: `startApi` migrates the database, creates one token
 * per scope (and a revoked one), and listens on an ephemeral loopback port; `request` speaks real
 * HTTP(S) to it; `seedAlert` writes an alert with its anomalies the way the schema holds them
 * (plain SQL: the alert writer is a component of its own); `onBothDatabases` runs a suite on the
 * embedded PGlite and on a real PostgreSQL server.
 */
import http from 'node:http';
import https from 'node:https';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { Test } from 'tap';
import { ApiServer } from '../../api/server.js';
import { TokenStore } from '../../api/tokens.js';
import { ApiMetrics } from '../../api/metrics.js';
import { Registry } from 'prom-client';
import { connectPostgres, type Database } from '../../postgres/database.js';
import { DatabaseService } from '../../postgres/service.js';
import { FEATURES } from '../../scorer/features/definitions.js';
import { startPglite, startPostgres, type PostgresHandle } from './postgres.js';
import { requireService } from './services.js';

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

export interface RequestOptions {
  token?: string;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
  headers?: Record<string, string>;
  ca?: Buffer;
}

export function request(base: string, method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const url = new URL(path, base);
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let payload: Buffer | undefined;
  if (options.body !== undefined) {
    payload = Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
    headers['content-type'] ??= 'application/json';
    headers['content-length'] ??= String(payload.length);
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method, headers, ...(options.ca !== undefined ? { ca: options.ca } : {}), agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export type TokenKind = 'read' | 'write' | 'admin' | 'readWrite' | 'revoked';

export interface ApiHandle {
  base: string;
  db: Database;
  service: DatabaseService;
  registry: Registry;
  tokens: Record<TokenKind, string>;
  /** The names the tokens were created under (the actor of their changes). */
  names: Record<TokenKind, string>;
  /** Every line the API logged, as text. */
  log(): string;
  call(method: string, path: string, options?: RequestOptions): Promise<Response>;
  close(): Promise<void>;
}

export interface StartApiOptions {
  bodyLimit?: number;
  tls?: { cert: Buffer; key: Buffer };
  /** ms between the DatabaseService's probes while the database is down. */
  retryMs?: number;
}

export async function startApi(db: Database, options: StartApiOptions = {}): Promise<ApiHandle> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger: Logger = pino({ level: 'debug' }, sink);
  const service = new DatabaseService(db, logger, options.retryMs ?? 200);
  await service.start();
  const store = new TokenStore(db);
  const suffix = Math.random().toString(36).slice(2, 8);
  const names: Record<TokenKind, string> = {
    read: `reader-${suffix}`,
    write: `writer-${suffix}`,
    admin: `admin-${suffix}`,
    readWrite: `analyst-${suffix}`,
    revoked: `revoked-${suffix}`,
  };
  const tokens: Record<TokenKind, string> = {
    read: await store.create(names.read, ['read']),
    write: await store.create(names.write, ['write']),
    admin: await store.create(names.admin, ['admin']),
    readWrite: await store.create(names.readWrite, ['read', 'write']),
    revoked: await store.create(names.revoked, ['read', 'write', 'admin']),
  };
  await store.revoke(names.revoked);
  const registry = new Registry();
  const server = await ApiServer.start(
    {
      database: service,
      logger,
      metrics: new ApiMetrics(registry),
      bodyLimit: options.bodyLimit ?? 64 * 1024,
      ...(options.tls !== undefined ? { tls: options.tls } : {}),
    },
    '127.0.0.1',
    0,
  );
  const base = `${options.tls !== undefined ? 'https' : 'http'}://127.0.0.1:${server.port}`;
  return {
    base,
    db,
    service,
    registry,
    tokens,
    names,
    log: () => lines.join(''),
    call: (method, path, requestOptions) => request(base, method, path, requestOptions),
    close: () => server.close(),
  };
}

export interface SeedAlert {
  entity: string;
  kind: string;
  level?: 'low' | 'medium' | 'high' | 'critical';
  score?: number;
  status?: string;
  firstSeen: string;
  lastSeen: string;
  /** Anomalies: event ids with their time; features default to a row of FEATURES length. */
  events?: { id: string; at: string; features?: number[] | null; modelVersion?: string }[];
}

/** A feature row whose values say where they came from: feature i of event n is n + i / 100. */
export function featureRow(n: number): number[] {
  return FEATURES.map((_, i) => n + i / 100);
}

export async function seedAlert(db: Database, alert: SeedAlert): Promise<number> {
  const events = alert.events ?? [];
  const { rows } = await db.query<{ id: unknown }>(
    `INSERT INTO alerts (entity, kind, status, level, score, anomaly_count, first_seen, last_seen, top_reasons, hosts, recommended_action)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [
      alert.entity,
      alert.kind,
      alert.status ?? 'open',
      alert.level ?? 'high',
      alert.score ?? 0.9,
      Math.max(1, events.length),
      alert.firstSeen,
      alert.lastSeen,
      ['many failed logins'],
      ['web-01'],
      'block the source',
    ],
  );
  const id = Number(rows[0]!.id);
  for (const [n, event] of events.entries()) {
    await db.query(
      `INSERT INTO alert_events (alert_id, event_id, "timestamp", level, score, reason, model_version, features) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        id,
        event.id,
        event.at,
        alert.level ?? 'high',
        alert.score ?? 0.9,
        'many failed logins',
        event.modelVersion ?? 'test-model-1',
        event.features === undefined ? featureRow(n) : event.features,
      ],
    );
  }
  await db.query("INSERT INTO alert_history (alert_id, actor, change, new_value) VALUES ($1, 'siemad', 'opened', $2)", [
    id,
    alert.level ?? 'high',
  ]);
  return id;
}

/**
 * Runs `suite` on the embedded PGlite and on a real PostgreSQL server (which it may stop and
 * start: `server` is given for that). Under CI a missing server fails.
 */
export function onBothDatabases(t: Test, suite: (t: Test, db: Database, server?: PostgresHandle) => Promise<void>): void {
  t.test('on the embedded PostgreSQL (PGlite)', async (t) => {
    const pglite = await startPglite();
    t.teardown(() => pglite.destroy());
    await suite(t, pglite.db);
  });
  t.test('on a PostgreSQL server', async (t) => {
    const server = await requireService(t, 'postgresql', () => startPostgres());
    if (server === undefined) return;
    t.teardown(() => server.destroy());
    const db = await connectPostgres({ url: server.url, maxConnections: 4, connectTimeoutMs: 2_000 });
    t.teardown(() => db.close());
    await suite(t, db, server);
  });
}
