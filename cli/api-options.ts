import { readTlsFile } from '../core/tls-file.js';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { ApiServer } from '../api/server.js';
import { ERROR_CODES, SiemadError } from '../core/errors.js';
import { parseCount, parsePort, parsePositiveInt, parseSize } from '../core/config-values.js';
import { ApiMetrics } from '../api/metrics.js';
import type { Registry } from 'prom-client';
import type { DatabaseService } from '../postgres/service.js';
import type { ApiLimits, ApiServices } from '../api/services.js';
import { addOptionTable, optional, withDefault, type OptionValues } from './option-table.js';

/** The HTTP API's own port: next to syslog's 5514 and 6514, clear of the metrics' 9464. */
export const DEFAULT_API_PORT = 8514;

/** The HTTP API (api/): its own port, TLS, body and batch limits, per-token rates. */
const API = {
  apiPort: withDefault({
    flag: '--api-port <port>',
    env: 'SIEMAD_API_PORT',
    help: 'port of the HTTP API (alerts, feedback, suppressions, log analysis; /docs, /openapi.json), or "off"',
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
    help: 'largest HTTP API request body (larger: 413), but for batches',
    parse: parseSize,
    default: 64 * 1024,
    shownDefault: '64KiB',
  }),
  apiRate: withDefault({
    flag: '--api-rate <n>',
    env: 'SIEMAD_API_RATE',
    help: 'HTTP API requests per second per token (0: no limit; over it: 429 with Retry-After)',
    parse: parseCount,
    default: 500,
  }),
  apiBurst: withDefault({
    flag: '--api-burst <n>',
    env: 'SIEMAD_API_BURST',
    help: 'HTTP API requests one token may make at once above --api-rate',
    parse: parsePositiveInt,
    default: 1000,
  }),
  apiIngestRate: withDefault({
    flag: '--api-ingest-rate <n>',
    env: 'SIEMAD_API_INGEST_RATE',
    help: 'log lines per second per token through /api/v1/logs/analyze and /batch (0: no limit; burst: twice this, at least one batch)',
    parse: parseCount,
    default: 100_000,
  }),
  apiBatchMaxLines: withDefault({
    flag: '--api-batch-max-lines <n>',
    env: 'SIEMAD_API_BATCH_MAX_LINES',
    help: 'lines per /api/v1/logs/batch request (more: 413)',
    parse: parsePositiveInt,
    default: 1000,
  }),
  apiBatchBodyLimit: withDefault({
    flag: '--api-batch-body-limit <size>',
    env: 'SIEMAD_API_BATCH_BODY_LIMIT',
    help: 'largest /api/v1/logs/batch body (larger: 413)',
    parse: parseSize,
    default: 4 * 1024 * 1024,
    shownDefault: '4MiB',
  }),
  apiAnomalyScanBytes: withDefault({
    flag: '--api-anomaly-scan-bytes <size>',
    env: 'SIEMAD_API_ANOMALY_SCAN_BYTES',
    help: 'without OpenSearch: NDJSON anomalies read per /api/v1/anomalies query, newest first',
    parse: parseSize,
    default: 64 * 1024 * 1024,
    shownDefault: '64MiB',
  }),
} as const;

export type ApiFlags = OptionValues<typeof API>;

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
  return addOptionTable(command, API);
}

/** Starts the API unless --api-port is off; start-up errors name the setting at fault. */
export async function startApi(
  flags: ApiFlags,
  database: DatabaseService,
  logger: Logger,
  registry: Registry,
  services?: ApiServices,
): Promise<ApiServer | undefined> {
  if (flags.apiPort === false) return undefined;
  if ((flags.apiTlsCert === undefined) !== (flags.apiTlsKey === undefined)) {
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, '--api-tls-cert and --api-tls-key go together', '--api-tls-key');
  }
  const tls =
    flags.apiTlsCert !== undefined
      ? { cert: readTlsFile(flags.apiTlsCert, '--api-tls-cert'), key: readTlsFile(flags.apiTlsKey!, '--api-tls-key') }
      : undefined;
  const options = {
    database,
    logger,
    metrics: new ApiMetrics(registry),
    bodyLimit: flags.apiBodyLimit,
    ...(tls !== undefined ? { tls } : {}),
    ...(services !== undefined ? { services } : {}),
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
