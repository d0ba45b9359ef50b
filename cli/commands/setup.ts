import { Command } from 'commander';
import { migrate } from '../../postgres/migrate.js';
import { addDatabaseOptions, openDatabase, type DatabaseFlags } from '../database-options.js';
import { envOption } from '../option-table.js';
import { createOpenSearchClient } from '../../opensearch/client.js';
import { applyOpenSearchSetup, formatSetupReport } from '../../opensearch/setup.js';
import {
  addOpenSearchConnectionOptions,
  addOpenSearchLayoutOptions,
  connectionOptions,
  layoutInput,
  withFlagName,
  type OpenSearchConnectionFlags,
  type OpenSearchLayoutFlags,
} from '../opensearch-options.js';

type SetupOpenSearchFlags = OpenSearchConnectionFlags & OpenSearchLayoutFlags & { json: boolean };
type SetupPostgresFlags = DatabaseFlags & { json: boolean };

/** `siemad setup opensearch`: templates, ISM policies and data streams, idempotently. */
export function setupCommand(): Command {
  const opensearch = new Command('opensearch')
    .description(
      'Apply the index templates, ISM retention policies and data streams (idempotent: only what is missing or outdated is written) and print what changed',
    )
    .option('--json', 'print the report as JSON', false);
  addOpenSearchConnectionOptions(opensearch);
  addOpenSearchLayoutOptions(opensearch);
  opensearch.action(async (flags: SetupOpenSearchFlags) => {
    await setupOpenSearch(flags);
  });
  const postgres = new Command('postgres')
    .description("Apply siemad's schema migrations to PostgreSQL (idempotent; also done at start-up) and print which were applied")
    .option('--json', 'print the report as JSON', false)
    .addOption(
      envOption(
        '--data-dir <dir>',
        'SIEMAD_DATA_DIR',
        'data directory (the embedded database lives in <data-dir>/postgres)',
        undefined,
        './data',
      ),
    );
  addDatabaseOptions(postgres).action(async (flags: SetupPostgresFlags) => {
    await setupPostgres(flags);
  });
  return new Command('setup').description('Prepare external systems for siemad').addCommand(opensearch).addCommand(postgres);
}

async function setupPostgres(flags: SetupPostgresFlags): Promise<void> {
  const db = await openDatabase(flags);
  try {
    const report = await migrate(db);
    const text =
      report.applied.length === 0
        ? `${db.name}: schema up to date (version ${report.current})`
        : `${db.name}: applied ${report.applied.join(', ')} (schema version ${report.current})`;
    process.stdout.write(flags.json ? `${JSON.stringify({ database: db.name, ...report })}\n` : `${text}\n`);
  } finally {
    await db.close();
  }
}

async function setupOpenSearch(flags: SetupOpenSearchFlags): Promise<void> {
  const layout = layoutInput(flags);
  let client;
  try {
    client = createOpenSearchClient(connectionOptions(flags));
  } catch (error) {
    throw withFlagName(error);
  }
  try {
    const report = await applyOpenSearchSetup(client, layout);
    process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : `${formatSetupReport(report)}\n`);
  } finally {
    await client.close();
  }
}
