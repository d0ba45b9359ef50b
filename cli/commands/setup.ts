import { Command } from 'commander';
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

/** `siemad setup opensearch`: templates, ISM policies and data streams, idempotently. */
export function setupCommand(): Command {
  const opensearch = new Command('opensearch')
    .description('Apply the index templates, ISM retention policies and data streams (idempotent: only what is missing or outdated is written) and print what changed')
    .option('--json', 'print the report as JSON', false);
  addOpenSearchConnectionOptions(opensearch);
  addOpenSearchLayoutOptions(opensearch);
  opensearch.action(async (flags: SetupOpenSearchFlags) => {
    await setupOpenSearch(flags);
  });
  return new Command('setup').description('Prepare external systems for siemad').addCommand(opensearch);
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
