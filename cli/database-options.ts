import path from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { parsePositiveInt } from '../core/config-values.js';
import { connectPostgres, openEmbeddedPostgres, type Database } from '../postgres/database.js';
import { addOptionTable, optional, withDefault, type OptionValues } from './option-table.js';

function parseDatabaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected postgres://user:password@host:5432/database');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new InvalidArgumentError('expected a postgres:// or postgresql:// URL');
  return value;
}

/** --database-url and --database-pool; `--data-dir` is the command's own (the embedded database lives under it). */
/** Where alerts, feedback, suppressions and API tokens live. */
const DATABASE = {
  databaseUrl: optional({
    flag: '--database-url <url>',
    env: 'SIEMAD_DATABASE_URL',
    help: 'PostgreSQL for alerts, feedback, suppressions and API tokens (postgres://user:password@host:5432/db; the password is never logged)',
    parse: parseDatabaseUrl,
    shownDefault: 'embedded PostgreSQL (PGlite) in <data-dir>/postgres',
  }),
  databasePool: withDefault({
    flag: '--database-pool <n>',
    env: 'SIEMAD_DATABASE_POOL',
    help: 'PostgreSQL connections at most',
    parse: parsePositiveInt,
    default: 8,
  }),
} as const;

export type DatabaseFlags = OptionValues<typeof DATABASE> & { dataDir: string };

export function addDatabaseOptions(command: Command): Command {
  return addOptionTable(command, DATABASE);
}

/** The configured server, or the embedded database under the data directory. */
export function openDatabase(flags: DatabaseFlags): Promise<Database> {
  if (flags.databaseUrl !== undefined) return connectPostgres({ url: flags.databaseUrl, maxConnections: flags.databasePool });
  return openEmbeddedPostgres(path.join(flags.dataDir, 'postgres'));
}
