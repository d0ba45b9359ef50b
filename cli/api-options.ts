import fs from 'node:fs';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { ApiServer } from '../api/server.js';
import { ERROR_CODES, SiemadError } from '../pipeline/errors.js';
import { parsePort, parseSize } from '../pipeline/config-values.js';
import { ApiMetrics } from '../pipeline/metrics.js';
import type { Registry } from 'prom-client';
import type { DatabaseService } from '../postgres/service.js';
import { envOption } from './options.js';

/** The HTTP API's own port: next to syslog's 5514 and 6514, clear of the metrics' 9464. */
export const DEFAULT_API_PORT = 8514;

export interface ApiFlags {
  apiPort: number | false;
  apiHost: string;
  apiTlsCert?: string;
  apiTlsKey?: string;
  apiBodyLimit: number;
}

export function addApiOptions(command: Command): Command {
  return command
    .addOption(envOption('--api-port <port>', 'SIEMAD_API_PORT', 'port of the HTTP API (alerts, feedback, suppressions; /docs, /openapi.json), or "off"', parsePort, DEFAULT_API_PORT))
    .addOption(envOption('--api-host <address>', 'SIEMAD_API_HOST', 'address the HTTP API listens on (0.0.0.0 for every interface; use TLS then)', undefined, '127.0.0.1'))
    .addOption(envOption('--api-tls-cert <file>', 'SIEMAD_API_TLS_CERT', 'PEM certificate (chain): the HTTP API speaks HTTPS'))
    .addOption(envOption('--api-tls-key <file>', 'SIEMAD_API_TLS_KEY', 'PEM private key for --api-tls-cert'))
    .addOption(envOption('--api-body-limit <size>', 'SIEMAD_API_BODY_LIMIT', 'largest HTTP API request body (larger: 413)', parseSize, 64 * 1024, '64KiB'));
}

/** Starts the API unless --api-port is off; start-up errors name the setting at fault. */
export async function startApi(flags: ApiFlags, database: DatabaseService, logger: Logger, registry: Registry): Promise<ApiServer | undefined> {
  if (flags.apiPort === false) return undefined;
  if ((flags.apiTlsCert === undefined) !== (flags.apiTlsKey === undefined)) {
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, '--api-tls-cert and --api-tls-key go together', '--api-tls-key');
  }
  const tls = flags.apiTlsCert !== undefined ? { cert: readPem(flags.apiTlsCert, '--api-tls-cert'), key: readPem(flags.apiTlsKey!, '--api-tls-key') } : undefined;
  const options = { database, logger, metrics: new ApiMetrics(registry), bodyLimit: flags.apiBodyLimit, ...(tls !== undefined ? { tls } : {}) };
  try {
    return await ApiServer.start(options, flags.apiHost, flags.apiPort);
  } catch (err) {
    if (err instanceof SiemadError || tls === undefined) throw err;
    throw new SiemadError(ERROR_CODES.TLS_INVALID, `--api-tls-cert/--api-tls-key: unusable certificate or key: ${(err as Error).message.split('\n')[0]}`, '--api-tls-cert');
  }
}

function readPem(file: string, setting: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new SiemadError(ERROR_CODES.TLS_INVALID, `${setting}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, setting);
  }
}
