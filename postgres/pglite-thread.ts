/**
 * The embedded PostgreSQL (PGlite, WebAssembly) on a thread of its own. PGlite runs every
 * statement synchronously on the thread that owns it; on the ingest thread, applying a flood of
 * alerts took more than half of `siemad serve`'s CPU (bench:e2e profile). Here the main thread
 * only posts statements and awaits answers; the work runs on another core.
 *
 * Protocol: the parent posts `{ id, op, ... }` (op: open, query, exec, close, call) and gets
 * `{ id, result }` or `{ id, error }` back. The parent sends one request at a time
 * (PgliteDatabase serialises its callers), so a transaction is BEGIN ... COMMIT/ROLLBACK sent as
 * statements. `call` runs a function of the program here against this thread's database (the
 * alert store's batches: one message instead of one per statement).
 */
import { parentPort } from 'node:worker_threads';
import type { Database, Queryable } from './database.js';
import { inTransaction } from './transaction.js';

export type PgliteRequest =
  | { id: number; op: 'open'; directory: string }
  | { id: number; op: 'query'; sql: string; params: readonly unknown[] }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'close' }
  | { id: number; op: 'call'; module: string; name: string; argument: unknown };

export type PgliteReply =
  | { id: number; result: unknown }
  | { id: number; error: { message: string; code?: string; detail?: string; severity?: string } };

interface Pglite {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

let db: Pglite | undefined;
/** `db` as the Database a `call`ed function takes. */
let local: Database | undefined;
const SHARED_BUFFERS = '16MB';

async function handle(request: PgliteRequest): Promise<unknown> {
  switch (request.op) {
    case 'open': {
      const { PGlite } = await import('@electric-sql/pglite');
      // PostgreSQL's 128 MB of shared buffers would be WebAssembly memory held for good; alerts,
      // feedback and tokens are small tables (an idle collector went from 950 to ~300 MB RSS).
      db = (await PGlite.create(request.directory, { postgresqlconf: [`shared_buffers=${SHARED_BUFFERS}`] })) as unknown as Pglite;
      local = localDatabase(db);
      return undefined;
    }
    case 'query':
      return local!.query(request.sql, request.params);
    case 'exec':
      await db!.exec(request.sql);
      return undefined;
    case 'close':
      await db?.close();
      db = undefined;
      local = undefined;
      return undefined;
    case 'call': {
      const procedure = ((await import(request.module)) as Record<string, unknown>)[request.name];
      if (typeof procedure !== 'function') throw new Error(`${request.module} exports no function ${request.name}`);
      return (procedure as (db: Database, argument: unknown) => Promise<unknown>)(local!, request.argument);
    }
  }
}

/** This thread's PGlite as a Database (what a `call`ed function takes). */
function localDatabase(pglite: Pglite): Database {
  const queryable: Queryable = {
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await pglite.query(sql, params as unknown[]);
      return { rows: result.rows as Row[], rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(sql: string) {
      await pglite.exec(sql);
    },
  };
  return {
    ...queryable,
    name: 'pglite',
    exclusive: true,
    transaction: (work) => inTransaction(queryable.exec, () => work(queryable)),
    close: async () => undefined,
  };
}

/** What the parent needs of an error: its message and PostgreSQL's fields (SQLSTATE code). */
function errorOf(err: unknown): { message: string; code?: string; detail?: string; severity?: string } {
  const e = err as { message?: unknown; code?: unknown; detail?: unknown; severity?: unknown };
  return {
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.detail === 'string' ? { detail: e.detail } : {}),
    ...(typeof e?.severity === 'string' ? { severity: e.severity } : {}),
  };
}

parentPort?.on('message', (request: PgliteRequest) => {
  handle(request).then(
    (result) => parentPort!.postMessage({ id: request.id, result } satisfies PgliteReply),
    (err: unknown) => parentPort!.postMessage({ id: request.id, error: errorOf(err) } satisfies PgliteReply),
  );
});
