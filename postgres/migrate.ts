import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CODES, SiemadError } from '../core/errors.js';
import { PACKAGE_ROOT } from '../core/package-root.js';
import type { Database } from './database.js';

/**
 * Versioned migrations: `postgres/migrations/NNNN_name.sql`, applied in order, each once, recorded
 * with a checksum in `siemad_schema_migrations`. All pending ones run in one transaction under a
 * transaction-level advisory lock, so collectors starting together apply them once and a failed
 * migration leaves nothing half done. A recorded migration whose file changed is an error: the
 * schema would no longer be what the files say.
 */
export const MIGRATIONS_DIR = path.join(PACKAGE_ROOT, 'postgres', 'migrations');
/** Arbitrary, fixed: the advisory lock key of siemad's migrations. */
const LOCK_KEY = 7_345_190_412;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  current: number;
}

export function readMigrations(directory = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(directory)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = fs.readFileSync(path.join(directory, file), 'utf8');
      return { version: Number(file.slice(0, 4)), name: file.slice(5, -4), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export async function migrate(db: Database, migrations = readMigrations()): Promise<MigrationReport> {
  try {
    return await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      await tx.query(`CREATE TABLE IF NOT EXISTS siemad_schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const { rows } = await tx.query<{ version: number; name: string; checksum: string }>(
        'SELECT version, name, checksum FROM siemad_schema_migrations ORDER BY version',
      );
      const done = new Map(rows.map((row) => [row.version, row]));
      const applied: string[] = [];
      for (const migration of migrations) {
        const recorded = done.get(migration.version);
        if (recorded !== undefined) {
          if (recorded.checksum !== migration.checksum) {
            throw new SiemadError(
              ERROR_CODES.MIGRATION_FAILED,
              `migration ${migration.version}_${migration.name} was applied with other contents; restore the file or migrate by hand`,
            );
          }
          continue;
        }
        await tx.exec(migration.sql);
        await tx.query('INSERT INTO siemad_schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          migration.checksum,
        ]);
        applied.push(`${String(migration.version).padStart(4, '0')}_${migration.name}`);
      }
      const known = Math.max(0, ...migrations.map((m) => m.version));
      const newest = Math.max(0, ...rows.map((row) => row.version));
      if (newest > known) {
        throw new SiemadError(
          ERROR_CODES.MIGRATION_FAILED,
          `the database has schema version ${newest}, newer than this siemad knows (${known}); upgrade siemad`,
        );
      }
      return { applied, current: known };
    });
  } catch (err) {
    if (err instanceof SiemadError) throw err;
    throw new SiemadError(ERROR_CODES.MIGRATION_FAILED, `migrating ${db.name}: ${(err as Error).message}`, '--database-url', {
      cause: err,
    });
  }
}
