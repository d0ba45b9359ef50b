/**
 * A private PostgreSQL server (Debian's postgresql package) on 127.0.0.1 for one test file: its
 * own data directory and port, trust authentication, stopped and started again at will (outage
 * tests), removed at the end. The server refuses to run as root, so as root it runs as the
 * `postgres` user (runuser). `startPglite` opens the embedded default the same tests run against.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Test } from 'tap';
import { connectPostgres, openEmbeddedPostgres, type Database } from '../../postgres/database.js';
import { freePortInRange } from './ports.js';
import { requireService, ServiceUnavailableError } from './services.js';
import { waitFor } from './wait.js';

export interface PostgresHandle {
  readonly url: string;
  readonly port: number;
  /** Stops the server (fast shutdown); the data directory stays for `start`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data directory. */
  destroy(): Promise<void>;
}

const POSTGRES_PORTS = { first: 15432, last: 15499 } as const;

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new ServiceUnavailableError(
      'PostgreSQL server binaries not found under /usr/lib/postgresql (run scripts/install-system-deps.sh)',
    );
  return join(root, versions[0]!, 'bin');
}

/** Runs a server binary, as `postgres` when we are root (the server refuses root). */
function run(binary: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const command = asRoot ? 'runuser' : binary;
  const argv = asRoot ? ['-u', 'postgres', '--', binary, ...args] : args;
  const result = spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0)
    throw new ServiceUnavailableError(
      `${binary} ${args.join(' ')} failed: ${(result.stderr || result.stdout || String(result.error)).trim()}`,
    );
}

async function ready(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function startPostgres(): Promise<PostgresHandle> {
  const bin = binDir();
  const dir = await mkdtemp(join(tmpdir(), 'siemad-postgres-'));
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) {
    fs.chmodSync(dir, 0o755);
    spawnSync('chown', ['postgres:postgres', dir]);
  }
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePortInRange(POSTGRES_PORTS.first, POSTGRES_PORTS.last, 'tcp');
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c full_page_writes=off`;
  const start = async (): Promise<void> => {
    run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '30', 'start']);
    await waitFor(`PostgreSQL on port ${port}`, () => ready(url), { timeoutMs: 30_000, intervalMs: 100 });
  };
  const stop = async (): Promise<void> => {
    run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
  };
  await start();
  return {
    url,
    port,
    start,
    stop,
    async destroy() {
      if (fs.existsSync(join(data, 'postmaster.pid'))) await stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The embedded default (PGlite) in a fresh temporary directory; closes and removes it on `destroy`. */
export async function startPglite(): Promise<{ db: Database; destroy(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'siemad-pglite-'));
  const db = await openEmbeddedPostgres(dir);
  return {
    db,
    async destroy() {
      await db.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `suite` twice, as two subtests: on the embedded PGlite and on a real PostgreSQL server
 * (under CI=true a missing server fails; elsewhere it is skipped with the reason).
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
    const db = await connectPostgres({ url: server.url, maxConnections: 4 });
    t.teardown(() => db.close());
    await suite(t, db, server);
  });
}
