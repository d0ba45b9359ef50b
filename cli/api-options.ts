import fs from 'node:fs';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { ApiServer } from '../api/server.js';
import { ERROR_CODES, SiemadError } from '../core/errors.js';
import { parsePort, parseSize } from '../core/config-values.js';
import { ApiMetrics } from '../api/metrics.js';
import type { Registry } from 'prom-client';
import type { DatabaseService } from '../postgres/service.js';
import { addOptionTable, optional, withDefault, type OptionValues } from './option-table.js';

/** The HTTP API's own port: next to syslog's 5514 and 6514, clear of the metrics' 9464. */
export const DEFAULT_API_PORT = 8514;

/** The HTTP API (api/): its own port, TLS and body limit. */
const API = {
  apiPort: withDefault({
    flag: '--api-port <port>',
    env: 'SIEMAD_API_PORT',
    help: 'port of the HTTP API (alerts, feedback, suppressions; /docs, /openapi.json), or "off"',
    parse: parsePort,
    default: DEFAULT_API_PORT,
  }),
  apiHost: withDefault({
    flag: '--api-host <address>',
    env: 'SIEMAD_API_HOST',
    help: 'address the HTTP API listens on (0.0.0.0 for every interface; use TLS then)',
    default: '127.0.0.1',
  }),
  apiTlsCert: optional({
    flag: '--api-tls-cert <file>',
    env: 'SIEMAD_API_TLS_CERT',
    help: 'PEM certificate (chain): the HTTP API speaks HTTPS',
  }),
  apiTlsKey: optional({ flag: '--api-tls-key <file>', env: 'SIEMAD_API_TLS_KEY', help: 'PEM private key for --api-tls-cert' }),
  apiBodyLimit: withDefault({
    flag: '--api-body-limit <size>',
    env: 'SIEMAD_API_BODY_LIMIT',
    help: 'largest HTTP API request body (larger: 413)',
    parse: parseSize,
    default: 64 * 1024,
    shownDefault: '64KiB',
  }),
} as const;

export type ApiFlags = OptionValues<typeof API>;

export function addApiOptions(command: Command): Command {
  return addOptionTable(command, API);
}

/** Starts the API unless --api-port is off; start-up errors name the setting at fault. */
export async function startApi(
  flags: ApiFlags,
  database: DatabaseService,
  logger: Logger,
  registry: Registry,
): Promise<ApiServer | undefined> {
  if (flags.apiPort === false) return undefined;
  if ((flags.apiTlsCert === undefined) !== (flags.apiTlsKey === undefined)) {
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, '--api-tls-cert and --api-tls-key go together', '--api-tls-key');
  }
  const tls =
    flags.apiTlsCert !== undefined
      ? { cert: readPem(flags.apiTlsCert, '--api-tls-cert'), key: readPem(flags.apiTlsKey!, '--api-tls-key') }
      : undefined;
  const options = {
    database,
    logger,
    metrics: new ApiMetrics(registry),
    bodyLimit: flags.apiBodyLimit,
    ...(tls !== undefined ? { tls } : {}),
  };
  try {
    return await ApiServer.start(options, flags.apiHost, flags.apiPort);
  } catch (err) {
    if (err instanceof SiemadError || tls === undefined) throw err;
    throw new SiemadError(
      ERROR_CODES.TLS_INVALID,
      `--api-tls-cert/--api-tls-key: unusable certificate or key: ${(err as Error).message.split('\n')[0]}`,
      '--api-tls-cert',
    );
  }
}

function readPem(file: string, setting: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new SiemadError(
      ERROR_CODES.TLS_INVALID,
      `${setting}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      setting,
    );
  }
}
