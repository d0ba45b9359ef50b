import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { ERROR_CODES, SiemadError } from '../core/errors.js';
import { lockEmbeddedDirectory } from './embedded-lock.js';
import { inTransaction } from './transaction.js';
import type { PgliteReply, PgliteRequest } from './pglite-thread.js';

/**
 * The one interface every PostgreSQL user of siemad talks to: a real server through a bounded
 * node-postgres pool, or PGlite (PostgreSQL compiled to WebAssembly) in the data directory when no
 * server is configured. Same SQL, same parameters ($1, $2 ...) on both; every query parameterised.
 */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: Row[]; rowCount: number }>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  /** `postgres://...` (password hidden) or `pglite:<dir>`. */
  readonly name: string;
  /** No other process can reach it (the embedded database, locked to this process). */
  readonly exclusive: boolean;
  /** Runs `work` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * A database that runs a function of this program where the database lives (the embedded PGlite's
 * thread): a batch of statements costs the caller one message instead of one per statement.
 * `module` (a URL, from the caller's own code) exports `name(db: Database, argument)`.
 */
export interface RunsHere {
  runHere<T>(module: string, name: string, argument: unknown, transfer?: ArrayBuffer[]): Promise<T>;
}

export function runsHere(db: object): db is RunsHere {
  return typeof (db as Partial<RunsHere>).runHere === 'function';
}

export interface PostgresOptions {
  url: string;
  /** Connections at most. */
  maxConnections?: number;
  /** ms to wait for a connection (also bounds how long a caller waits while the server is down). */
  connectTimeoutMs?: number;
  /** ms a statement may run. */
  statementTimeoutMs?: number;
}

const DEFAULTS = { maxConnections: 8, connectTimeoutMs: 5_000, statementTimeoutMs: 30_000 };

/** The URL without its password, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}

class PgDatabase implements Database {
  readonly exclusive = false;

  constructor(
    readonly name: string,
    private readonly pool: pg.Pool,
  ) {}

  async query<Row>(sql: string, params: readonly unknown[] = []): Promise<{ rows: Row[]; rowCount: number }> {
    const result = await this.pool.query(sql, params as unknown[]);
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A checked-out client has no error listener of the pool's: without this one, the server
    // going away in the middle of a transaction would be an uncaught 'error' event (a crash).
    let broken: Error | undefined;
    const onError = (err: Error): void => {
      broken = err;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const tx: Queryable = {
        async query<Row>(sql: string, params: readonly unknown[] = []) {
          const result = await client.query(sql, params as unknown[]);
          return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
        },
        async exec(sql: string) {
          // Without parameters node-postgres uses the simple protocol: several statements are fine.
          await client.query(sql);
        },
      };
      const value = await work(tx);
      await client.query('COMMIT');
      return value;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.removeListener('error', onError);
      // A broken connection is destroyed instead of going back to the pool.
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Connects a bounded pool to a PostgreSQL server; errors on idle clients are absorbed (the pool reconnects). */
export async function connectPostgres(options: PostgresOptions): Promise<Database> {
  const settings = { ...DEFAULTS, ...options };
  let pool: pg.Pool;
  try {
    pool = new pg.Pool({
      connectionString: settings.url,
      max: settings.maxConnections,
      connectionTimeoutMillis: settings.connectTimeoutMs,
      statement_timeout: settings.statementTimeoutMs,
      idleTimeoutMillis: 30_000,
      application_name: 'siemad',
    });
  } catch (err) {
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, `--database-url: ${(err as Error).message}`, '--database-url');
  }
  pool.on('error', () => undefined);
  return new PgDatabase(redactUrl(settings.url), pool);
}

/** PGlite on its own thread (pglite-thread.ts): one request in flight at a time. */
class PgliteThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  private nextId = 1;
  private exited: Error | undefined;

  constructor() {
    this.worker = new Worker(new URL('./pglite-thread.js', import.meta.url));
    this.worker.on('message', (reply: PgliteReply) => {
      const waiter = this.waiting.get(reply.id);
      if (waiter === undefined) return;
      this.waiting.delete(reply.id);
      if ('error' in reply) waiter.reject(Object.assign(new Error(reply.error.message), reply.error));
      else waiter.resolve(reply.result);
    });
    const fail = (err: Error): void => {
      this.exited = err;
      for (const waiter of this.waiting.values()) waiter.reject(err);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`embedded PostgreSQL thread exited (${code}): connection closed`)));
  }

  request<T>(request: DistributiveOmit<PgliteRequest, 'id'>, transfer?: ArrayBuffer[]): Promise<T> {
    if (this.exited !== undefined) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...request, id }, transfer);
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

class PgliteDatabase implements Database, RunsHere {
  readonly exclusive = true;
  /** PGlite runs one query at a time; callers queue here, in order (a transaction holds the line). */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly thread: PgliteThread,
    private readonly unlock: () => void = () => undefined,
  ) {}

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work, work);
    this.tail = next.catch(() => undefined);
    return next;
  }

  private run<Row>(sql: string, params: readonly unknown[]): Promise<{ rows: Row[]; rowCount: number }> {
    return this.thread.request({ op: 'query', sql, params });
  }

  query<Row>(sql: string, params: readonly unknown[] = []): Promise<{ rows: Row[]; rowCount: number }> {
    return this.serial(() => this.run<Row>(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.serial(() => this.thread.request({ op: 'exec', sql }));
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const exec = (sql: string): Promise<void> => this.thread.request({ op: 'exec', sql });
    return this.serial(() =>
      inTransaction(exec, () => work({ query: <Row>(sql: string, params: readonly unknown[] = []) => this.run<Row>(sql, params), exec })),
    );
  }

  runHere<T>(module: string, name: string, argument: unknown, transfer?: ArrayBuffer[]): Promise<T> {
    return this.serial(() => this.thread.request<T>({ op: 'call', module, name, argument }, transfer));
  }

  close(): Promise<void> {
    return this.serial(() => this.thread.request<void>({ op: 'close' }))
      .finally(() => this.thread.terminate())
      .finally(this.unlock);
  }
}

/** PGlite under `directory` (created if missing), on a thread of its own: the embedded default without --database-url. */
export async function openEmbeddedPostgres(directory: string): Promise<Database> {
  let unlock: (() => void) | undefined;
  let thread: PgliteThread | undefined;
  try {
    fs.mkdirSync(directory, { recursive: true });
    unlock = lockEmbeddedDirectory(directory);
    if (!fs.existsSync(path.join(directory, 'PG_VERSION'))) {
      // initdb peaks near 800 MB of WebAssembly memory that a thread keeps until it ends: create
      // the cluster on a thread of its own, then serve from a fresh one (~300 MB).
      thread = new PgliteThread();
      await thread.request({ op: 'open', directory: path.resolve(directory) });
      await thread.request({ op: 'close' });
      await thread.terminate();
    }
    thread = new PgliteThread();
    await thread.request({ op: 'open', directory: path.resolve(directory) });
    return new PgliteDatabase(`pglite:${directory}`, thread, unlock);
  } catch (err) {
    await thread?.terminate();
    if (err instanceof SiemadError) throw err;
    unlock?.();
    throw new SiemadError(ERROR_CODES.DATABASE_UNAVAILABLE, `embedded PostgreSQL in ${directory}: ${(err as Error).message}`, '--data-dir');
  }
}
