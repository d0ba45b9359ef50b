import fs from 'node:fs';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { ApiServer } from '../api/server.js';
import { ERROR_CODES, SiemadError } from '../pipeline/errors.js';
import { parseCount, parsePort, parsePositiveInt, parseSize } from '../pipeline/config-values.js';
import { ApiMetrics } from '../pipeline/metrics.js';
import type { Registry } from 'prom-client';
import type { DatabaseService } from '../postgres/service.js';
import type { ApiLimits, ApiServices } from '../api/services.js';
import { envOption } from './options.js';

/** The HTTP API's own port: next to syslog's 5514 and 6514, clear of the metrics' 9464. */
export const DEFAULT_API_PORT = 8514;

export interface ApiFlags {
  apiPort: number | false;
  apiHost: string;
  apiTlsCert?: string;
  apiTlsKey?: string;
  apiBodyLimit: number;
  apiRate: number;
  apiBurst: number;
  apiIngestRate: number;
  apiBatchMaxLines: number;
  apiBatchBodyLimit: number;
  apiAnomalyScanBytes: number;
}

/** The rate and size limits of the API's flags. */
export function apiLimits(flags: ApiFlags): ApiLimits {
  return {
    requestRate: flags.apiRate,
    requestBurst: flags.apiBurst,
    lineRate: flags.apiIngestRate,
    // A full batch must fit in a burst, or it could never pass.
    lineBurst: Math.max(2 * flags.apiIngestRate, flags.apiBatchMaxLines),
    batchMaxLines: flags.apiBatchMaxLines,
    batchBodyLimit: flags.apiBatchBodyLimit,
  };
}

export function addApiOptions(command: Command): Command {
  return command
    .addOption(envOption('--api-port <port>', 'SIEMAD_API_PORT', 'port of the HTTP API (alerts, feedback, suppressions; /docs, /openapi.json), or "off"', parsePort, DEFAULT_API_PORT))
    .addOption(envOption('--api-host <address>', 'SIEMAD_API_HOST', 'address the HTTP API listens on (0.0.0.0 for every interface; use TLS then)', undefined, '127.0.0.1'))
    .addOption(envOption('--api-tls-cert <file>', 'SIEMAD_API_TLS_CERT', 'PEM certificate (chain): the HTTP API speaks HTTPS'))
    .addOption(envOption('--api-tls-key <file>', 'SIEMAD_API_TLS_KEY', 'PEM private key for --api-tls-cert'))
    .addOption(envOption('--api-body-limit <size>', 'SIEMAD_API_BODY_LIMIT', 'largest HTTP API request body (larger: 413), but for batches', parseSize, 64 * 1024, '64KiB'))
    .addOption(envOption('--api-rate <n>', 'SIEMAD_API_RATE', 'HTTP API requests per second per token (0: no limit; over it: 429 with Retry-After)', parseCount, 500))
    .addOption(envOption('--api-burst <n>', 'SIEMAD_API_BURST', 'HTTP API requests one token may make at once above --api-rate', parsePositiveInt, 1000))
    .addOption(envOption('--api-ingest-rate <n>', 'SIEMAD_API_INGEST_RATE', 'log lines per second per token through /api/v1/logs/analyze and /batch (0: no limit; burst: twice this, at least one batch)', parseCount, 100_000))
    .addOption(envOption('--api-batch-max-lines <n>', 'SIEMAD_API_BATCH_MAX_LINES', 'lines per /api/v1/logs/batch request (more: 413)', parsePositiveInt, 1000))
    .addOption(envOption('--api-batch-body-limit <size>', 'SIEMAD_API_BATCH_BODY_LIMIT', 'largest /api/v1/logs/batch body (larger: 413)', parseSize, 4 * 1024 * 1024, '4MiB'))
    .addOption(envOption('--api-anomaly-scan-bytes <size>', 'SIEMAD_API_ANOMALY_SCAN_BYTES', 'without OpenSearch: NDJSON anomalies read per /api/v1/anomalies query, newest first', parseSize, 64 * 1024 * 1024, '64MiB'));
}

/** Starts the API unless --api-port is off; start-up errors name the setting at fault. */
export async function startApi(flags: ApiFlags, database: DatabaseService, logger: Logger, registry: Registry, services?: ApiServices): Promise<ApiServer | undefined> {
  if (flags.apiPort === false) return undefined;
  if ((flags.apiTlsCert === undefined) !== (flags.apiTlsKey === undefined)) {
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, '--api-tls-cert and --api-tls-key go together', '--api-tls-key');
  }
  const tls = flags.apiTlsCert !== undefined ? { cert: readPem(flags.apiTlsCert, '--api-tls-cert'), key: readPem(flags.apiTlsKey!, '--api-tls-key') } : undefined;
  const options = { database, logger, metrics: new ApiMetrics(registry), bodyLimit: flags.apiBodyLimit, ...(tls !== undefined ? { tls } : {}), ...(services !== undefined ? { services } : {}) };
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
