import path from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { parsePositiveInt } from '../pipeline/config-values.js';
import { connectPostgres, openEmbeddedPostgres, type Database } from '../postgres/database.js';
import { envOption } from './options.js';

/** Where alerts, feedback, suppressions and API tokens live. */
export interface DatabaseFlags {
  databaseUrl?: string;
  databasePool: number;
  dataDir: string;
}

function parseDatabaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected postgres://user:password@host:5432/database');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new InvalidArgumentError('expected a postgres:// or postgresql:// URL');
  return value;
}

/** --database-url and --database-pool; `--data-dir` is the command's own (the embedded database lives under it). */
export function addDatabaseOptions(command: Command): Command {
  return command
    .addOption(
      envOption('--database-url <url>', 'SIEMAD_DATABASE_URL', 'PostgreSQL for alerts, feedback, suppressions and API tokens (postgres://user:password@host:5432/db; the password is never logged)', parseDatabaseUrl, undefined, 'embedded PostgreSQL (PGlite) in <data-dir>/postgres'),
    )
    .addOption(envOption('--database-pool <n>', 'SIEMAD_DATABASE_POOL', 'PostgreSQL connections at most', parsePositiveInt, 8));
}

/** The configured server, or the embedded database under the data directory. */
export function openDatabase(flags: DatabaseFlags): Promise<Database> {
  if (flags.databaseUrl !== undefined) return connectPostgres({ url: flags.databaseUrl, maxConnections: flags.databasePool });
  return openEmbeddedPostgres(path.join(flags.dataDir, 'postgres'));
}
