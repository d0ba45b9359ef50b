import { Command, InvalidArgumentError } from 'commander';
import { SCOPES, TOKEN_NAME_PATTERN, TokenNameTakenError, TokenStore, type Scope } from '../../api/tokens.js';
import { parseList } from '../../core/config-values.js';
import { ERROR_CODES, SiemadError } from '../../core/errors.js';
import { migrate } from '../../postgres/migrate.js';
import { addDatabaseOptions, openDatabase, type DatabaseFlags } from '../database-options.js';
import { envOption } from '../option-table.js';

type TokenFlags = DatabaseFlags & { json: boolean };

function parseName(value: string): string {
  if (!new RegExp(TOKEN_NAME_PATTERN).test(value))
    throw new InvalidArgumentError('expected 1-64 letters, digits, . _ @ - (starting with a letter or digit)');
  return value;
}

function parseScopes(value: string): Scope[] {
  const scopes = parseList(value);
  const unknown = scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope));
  if (scopes.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`expected a comma-separated list of ${SCOPES.join(', ')}`);
  return scopes as Scope[];
}

/** The options every token subcommand shares: where the tokens live, and --json. */
function tokenSubcommand(name: string, description: string): Command {
  const command = new Command(name)
    .description(description)
    .option('--json', 'print JSON', false)
    .addOption(
      envOption(
        '--data-dir <dir>',
        'SIEMAD_DATA_DIR',
        'data directory (the embedded database lives in <data-dir>/postgres; open it while siemad serve is stopped)',
        undefined,
        './data',
      ),
    );
  return addDatabaseOptions(command);
}

/** `siemad token create|list|revoke`: the bearer tokens of the HTTP API. */
export function tokenCommand(): Command {
  const create = tokenSubcommand('create', 'Create an API token and print it (once: only its sha256 is stored)')
    .requiredOption('--name <name>', 'a name for the token (who or what uses it; recorded as the actor of its changes)', parseName)
    .requiredOption('--scope <scopes>', `comma-separated scopes: ${SCOPES.join(', ')} (admin grants all)`, parseScopes)
    .action(async (flags: TokenFlags & { name: string; scope: Scope[] }) => {
      await withTokens(flags, async (tokens) => {
        let token: string;
        try {
          token = await tokens.create(flags.name, flags.scope);
        } catch (err) {
          if (err instanceof TokenNameTakenError) throw new SiemadError(ERROR_CODES.CONFIG_INVALID, `--name: ${err.message}`, '--name');
          throw err;
        }
        process.stdout.write(flags.json ? `${JSON.stringify({ name: flags.name, scopes: flags.scope, token })}\n` : `${token}\n`);
        if (!flags.json)
          process.stderr.write(`token "${flags.name}" (${flags.scope.join(', ')}) created; it is shown only now: keep it safe\n`);
      });
    });
  const list = tokenSubcommand('list', 'List API tokens (names, scopes, creation, last use, revocation; never the tokens)').action(
    async (flags: TokenFlags) => {
      await withTokens(flags, async (tokens) => {
        const rows = await tokens.list();
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(rows)}\n`);
          return;
        }
        const lines = rows.map((row) => [
          row.name,
          row.scopes.join(','),
          iso(row.created_at),
          iso(row.last_used_at),
          row.revoked_at === null ? 'valid' : `revoked ${iso(row.revoked_at)}`,
        ]);
        process.stdout.write(table([['name', 'scopes', 'created', 'last used', 'state'], ...lines]));
      });
    },
  );
  const revoke = tokenSubcommand('revoke', 'Revoke an API token: requests with it are refused (401) from now on')
    .requiredOption('--name <name>', 'the token to revoke', parseName)
    .action(async (flags: TokenFlags & { name: string }) => {
      await withTokens(flags, async (tokens) => {
        if (!(await tokens.revoke(flags.name)))
          throw new SiemadError(ERROR_CODES.CONFIG_INVALID, `--name: no valid token named "${flags.name}"`, '--name');
        process.stdout.write(flags.json ? `${JSON.stringify({ name: flags.name, revoked: true })}\n` : `token "${flags.name}" revoked\n`);
      });
    });
  return new Command('token')
    .description('Manage the bearer tokens of the HTTP API')
    .addCommand(create)
    .addCommand(list)
    .addCommand(revoke);
}

/** Opens and migrates the database (the tokens table may not exist yet), runs `work`, closes. */
async function withTokens(flags: DatabaseFlags, work: (tokens: TokenStore) => Promise<void>): Promise<void> {
  const db = await openDatabase(flags);
  try {
    await migrate(db);
    await work(new TokenStore(db));
  } finally {
    await db.close();
  }
}

function iso(value: Date | null): string {
  return value === null ? '-' : value.toISOString();
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return (
    rows
      .map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
