/**
 * OpenSearch settings shared by `serve`, `replay` and `setup opensearch`: connection (URL, basic
 * auth, TLS), layout (names, retention, ISM), disk buffer, dead letters and bulk indexing.
 *
 * The URL and password options have no value parser on purpose: commander quotes a value it
 * rejects, and these may hold credentials. They are checked later with the URL redacted.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { FsyncPolicy } from '../opensearch/buffer/index.js';
import { createOpenSearchClient, type OpenSearchClientOptions } from '../opensearch/client.js';
import { resolveIndexerConfig, type IndexerConfig } from '../opensearch/indexer/config.js';
import { resolveLayoutOptions, type IsmMode, type OpenSearchLayoutInput } from '../opensearch/layout.js';
import type { OpenSearchOutputOptions } from '../opensearch/output.js';
import { parseBoolean, parseChoice, parseDuration, parsePositiveInt, parseSize } from '../pipeline/config-values.js';
import { ERROR_CODES, SiemadError } from '../pipeline/errors.js';
import { InvalidArgumentError } from 'commander';
import { envOption } from './options.js';

export interface OpenSearchConnectionFlags {
  opensearchUrl?: string;
  opensearchUsername?: string;
  opensearchPassword?: string;
  opensearchPasswordFile?: string;
  opensearchCa?: string;
  opensearchCert?: string;
  opensearchKey?: string;
  opensearchSkipHostnameVerification: boolean;
  opensearchInsecureSkipVerify: boolean;
}

export interface OpenSearchLayoutFlags {
  indexPrefix?: string;
  indexNamespace?: string;
  ism?: IsmMode;
  indexShards?: number;
  indexReplicas?: number;
  indexRefreshInterval?: string;
  logsRetentionDays?: number;
  logsRolloverAge?: string;
  logsRolloverSize?: string;
  anomaliesRetentionDays?: number;
  anomaliesRolloverAge?: string;
  anomaliesRolloverSize?: string;
}

export interface OpenSearchIndexingFlags {
  opensearchSetup: boolean;
  bufferDir?: string;
  bufferMaxBytes: number;
  bufferFsync: FsyncPolicy;
  bufferFsyncInterval: number;
  deadLetterMaxBytes: number;
  bulkMaxEvents: number;
  bulkMaxBytes: number;
  bulkFlushInterval: number;
  bulkConcurrency: number;
  bulkTimeout: number;
  bulkRetryMaxDelay: number;
  opensearchDegradedAfter: number;
}

const MIB = 1024 * 1024;

function parseNonNegativeInt(value: string): number {
  const text = value.trim();
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new InvalidArgumentError('expected a whole number, 0 or more');
  return Number(text);
}

function parseBufferSize(value: string): number {
  const bytes = parseSize(value);
  if (bytes < MIB) throw new InvalidArgumentError('expected at least 1MiB');
  return bytes;
}

function parsePositiveDuration(value: string): number {
  const ms = parseDuration(value);
  if (ms < 1) throw new InvalidArgumentError('expected a duration greater than 0');
  return ms;
}

export function addOpenSearchConnectionOptions(command: Command): Command {
  return command
    .addOption(envOption('--opensearch-url <url>', 'SIEMAD_OPENSEARCH_URL', 'OpenSearch to index into, http(s)://host:9200 (user:password@ in it is accepted and never logged)'))
    .addOption(envOption('--opensearch-username <name>', 'SIEMAD_OPENSEARCH_USERNAME', 'basic-auth user'))
    .addOption(envOption('--opensearch-password <password>', 'SIEMAD_OPENSEARCH_PASSWORD', 'basic-auth password (prefer the variable or --opensearch-password-file: flags show in ps)'))
    .addOption(envOption('--opensearch-password-file <file>', 'SIEMAD_OPENSEARCH_PASSWORD_FILE', 'file holding the basic-auth password (one line)'))
    .addOption(envOption('--opensearch-ca <file>', 'SIEMAD_OPENSEARCH_CA', 'PEM CA bundle that signed the cluster certificate'))
    .addOption(envOption('--opensearch-cert <file>', 'SIEMAD_OPENSEARCH_CERT', 'PEM client certificate (mutual TLS)'))
    .addOption(envOption('--opensearch-key <file>', 'SIEMAD_OPENSEARCH_KEY', 'PEM client key (mutual TLS)'))
    .addOption(envOption('--opensearch-skip-hostname-verification [bool]', 'SIEMAD_OPENSEARCH_SKIP_HOSTNAME_VERIFICATION', 'verify the certificate chain but not the host name (clusters addressed by IP; labs)', parseBoolean, false))
    .addOption(envOption('--opensearch-insecure-skip-verify [bool]', 'SIEMAD_OPENSEARCH_INSECURE_SKIP_VERIFY', 'accept any certificate: no chain, no host name check (throw-away labs only)', parseBoolean, false));
}

export function addOpenSearchLayoutOptions(command: Command): Command {
  return command
    .addOption(envOption('--index-prefix <name>', 'SIEMAD_INDEX_PREFIX', 'dataset part of the data stream names: logs-<prefix>-<namespace>, logs-<prefix>.anomalies-<namespace>', undefined, undefined, 'siemad'))
    .addOption(envOption('--index-namespace <name>', 'SIEMAD_INDEX_NAMESPACE', 'namespace part of the data stream names', undefined, undefined, 'default'))
    .addOption(envOption('--ism <mode>', 'SIEMAD_ISM', 'ISM rollover/retention policies: required, if-available (skip without the plugin) or off', parseChoice(['required', 'if-available', 'off'] as const), undefined, 'required'))
    .addOption(envOption('--index-shards <n>', 'SIEMAD_INDEX_SHARDS', 'primary shards per backing index', parsePositiveInt, undefined, '1'))
    .addOption(envOption('--index-replicas <n>', 'SIEMAD_INDEX_REPLICAS', 'replicas per backing index', parseNonNegativeInt, undefined, '1'))
    .addOption(envOption('--index-refresh-interval <interval>', 'SIEMAD_INDEX_REFRESH_INTERVAL', 'index.refresh_interval of backing indices (e.g. 5s)', undefined, undefined, '5s'))
    .addOption(envOption('--logs-retention-days <n>', 'SIEMAD_LOGS_RETENTION_DAYS', 'days a logs backing index is kept after rollover', parsePositiveInt, undefined, '30'))
    .addOption(envOption('--logs-rollover-age <age>', 'SIEMAD_LOGS_ROLLOVER_AGE', 'roll the logs write index over at this age (1d, 12h)', undefined, undefined, '1d'))
    .addOption(envOption('--logs-rollover-size <size>', 'SIEMAD_LOGS_ROLLOVER_SIZE', 'roll the logs write index over at this primary shard size (30gb)', undefined, undefined, '30gb'))
    .addOption(envOption('--anomalies-retention-days <n>', 'SIEMAD_ANOMALIES_RETENTION_DAYS', 'days an anomalies backing index is kept after rollover', parsePositiveInt, undefined, '365'))
    .addOption(envOption('--anomalies-rollover-age <age>', 'SIEMAD_ANOMALIES_ROLLOVER_AGE', 'roll the anomalies write index over at this age', undefined, undefined, '30d'))
    .addOption(envOption('--anomalies-rollover-size <size>', 'SIEMAD_ANOMALIES_ROLLOVER_SIZE', 'roll the anomalies write index over at this primary shard size', undefined, undefined, '30gb'));
}

/** Buffer, dead-letter and bulk settings; `bufferDefault` names the default buffer directory in --help. */
export function addOpenSearchIndexingOptions(command: Command, bufferDefault: string): Command {
  return command
    .addOption(envOption('--opensearch-setup <bool>', 'SIEMAD_OPENSEARCH_SETUP', 'apply templates, ISM policies and data streams (idempotent) before indexing', parseBoolean, true))
    .addOption(envOption('--buffer-dir <dir>', 'SIEMAD_BUFFER_DIR', 'disk buffer (write-ahead log) between the pipeline and OpenSearch', undefined, undefined, bufferDefault))
    .addOption(envOption('--buffer-max-bytes <size>', 'SIEMAD_BUFFER_MAX_BYTES', 'disk buffer bound; when full, TCP/TLS senders are paused and UDP datagrams dropped (counted)', parseBufferSize, 256 * MIB, '256MiB'))
    .addOption(envOption('--buffer-fsync <policy>', 'SIEMAD_BUFFER_FSYNC', 'interval (fsync at most every --buffer-fsync-interval), always (before accepting) or never', parseChoice(['interval', 'always', 'never'] as const), 'interval'))
    .addOption(envOption('--buffer-fsync-interval <duration>', 'SIEMAD_BUFFER_FSYNC_INTERVAL', 'period of the interval fsync', parsePositiveDuration, 500, '500ms'))
    .addOption(envOption('--dead-letter-max-bytes <size>', 'SIEMAD_DEAD_LETTER_MAX_BYTES', 'bound of <data-dir>/dead-letter (oldest files deleted beyond it)', parseBufferSize, 256 * MIB, '256MiB'))
    .addOption(envOption('--bulk-max-events <n>', 'SIEMAD_BULK_MAX_EVENTS', 'events per bulk request at most', parsePositiveInt, 5000))
    .addOption(envOption('--bulk-max-bytes <size>', 'SIEMAD_BULK_MAX_BYTES', 'event bytes per bulk request at most', parseSize, 8 * MIB, '8MiB'))
    .addOption(envOption('--bulk-flush-interval <duration>', 'SIEMAD_BULK_FLUSH_INTERVAL', 'send a smaller bulk request once its first events waited this long', parsePositiveDuration, 1000, '1s'))
    .addOption(envOption('--bulk-concurrency <n>', 'SIEMAD_BULK_CONCURRENCY', 'bulk requests in flight at once', parsePositiveInt, 2))
    .addOption(envOption('--bulk-timeout <duration>', 'SIEMAD_BULK_TIMEOUT', 'time allowed for one bulk request', parsePositiveDuration, 60_000, '60s'))
    .addOption(envOption('--bulk-retry-max-delay <duration>', 'SIEMAD_BULK_RETRY_MAX_DELAY', 'longest wait between retries (exponential backoff with full jitter, no limit in time)', parsePositiveDuration, 10_000, '10s'))
    .addOption(envOption('--opensearch-degraded-after <duration>', 'SIEMAD_OPENSEARCH_DEGRADED_AFTER', '/healthz answers 503 once OpenSearch has been unusable this long (events keep being buffered)', parseDuration, 30_000, '30s'));
}

/** Client settings from the flags; throws a one-line SiemadError naming the flag. */
export function connectionOptions(flags: OpenSearchConnectionFlags): OpenSearchClientOptions {
  if (flags.opensearchUrl === undefined || flags.opensearchUrl.trim() === '') {
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, '--opensearch-url (SIEMAD_OPENSEARCH_URL) is required', '--opensearch-url');
  }
  if (flags.opensearchPassword !== undefined && flags.opensearchPasswordFile !== undefined) {
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, '--opensearch-password and --opensearch-password-file: give one of them', '--opensearch-password-file');
  }
  let password = flags.opensearchPassword;
  if (flags.opensearchPasswordFile !== undefined) {
    try {
      password = fs.readFileSync(flags.opensearchPasswordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new SiemadError(ERROR_CODES.CONFIG_INVALID, `--opensearch-password-file: cannot read ${flags.opensearchPasswordFile}: ${code}`, '--opensearch-password-file');
    }
  }
  const options: OpenSearchClientOptions = {
    url: flags.opensearchUrl.trim(),
    ...(flags.opensearchUsername !== undefined ? { username: flags.opensearchUsername } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(flags.opensearchCa !== undefined ? { caFile: flags.opensearchCa } : {}),
    ...(flags.opensearchCert !== undefined ? { certFile: flags.opensearchCert } : {}),
    ...(flags.opensearchKey !== undefined ? { keyFile: flags.opensearchKey } : {}),
    skipHostnameVerification: flags.opensearchSkipHostnameVerification,
    insecureSkipVerify: flags.opensearchInsecureSkipVerify,
  };
  try {
    // The client checks the URL and reads the PEM files: fail now, naming the flag, not after start-up.
    void createOpenSearchClient(options).close();
  } catch (error) {
    throw withFlagName(error);
  }
  return options;
}

/**
 * Errors of the client and the layout name their options (`caFile`, `logs.rolloverAge`); this
 * returns the error naming the flag instead. Other errors are returned as they are.
 */
export function withFlagName(error: unknown): unknown {
  if (!(error instanceof SiemadError) || error.setting === undefined) return error;
  const flag = SETTING_FLAGS[error.setting];
  if (flag === undefined) return error;
  const message = error.message.replace(/^OpenSearch setup: \S+/, flag);
  return new SiemadError(error.code, message.startsWith(flag) ? message : `${flag}: ${message}`, flag, { cause: error });
}

const SETTING_FLAGS: Record<string, string> = {
  url: '--opensearch-url',
  username: '--opensearch-username',
  caFile: '--opensearch-ca',
  certFile: '--opensearch-cert',
  keyFile: '--opensearch-key',
  prefix: '--index-prefix',
  namespace: '--index-namespace',
  ism: '--ism',
  shards: '--index-shards',
  replicas: '--index-replicas',
  refreshInterval: '--index-refresh-interval',
  'logs.retentionDays': '--logs-retention-days',
  'logs.rolloverAge': '--logs-rollover-age',
  'logs.rolloverPrimaryShardSize': '--logs-rollover-size',
  'anomalies.retentionDays': '--anomalies-retention-days',
  'anomalies.rolloverAge': '--anomalies-rollover-age',
  'anomalies.rolloverPrimaryShardSize': '--anomalies-rollover-size',
};

/** Layout settings from the flags, checked (unset ones keep the layout's defaults). */
export function layoutInput(flags: OpenSearchLayoutFlags): OpenSearchLayoutInput {
  const retention = (days: number | undefined, age: string | undefined, size: string | undefined) => ({
    ...(days !== undefined ? { retentionDays: days } : {}),
    ...(age !== undefined ? { rolloverAge: age } : {}),
    ...(size !== undefined ? { rolloverPrimaryShardSize: size } : {}),
  });
  const input: OpenSearchLayoutInput = {
    ...(flags.indexPrefix !== undefined ? { prefix: flags.indexPrefix } : {}),
    ...(flags.indexNamespace !== undefined ? { namespace: flags.indexNamespace } : {}),
    ...(flags.ism !== undefined ? { ism: flags.ism } : {}),
    ...(flags.indexShards !== undefined ? { shards: flags.indexShards } : {}),
    ...(flags.indexReplicas !== undefined ? { replicas: flags.indexReplicas } : {}),
    ...(flags.indexRefreshInterval !== undefined ? { refreshInterval: flags.indexRefreshInterval } : {}),
    logs: retention(flags.logsRetentionDays, flags.logsRolloverAge, flags.logsRolloverSize),
    anomalies: retention(flags.anomaliesRetentionDays, flags.anomaliesRolloverAge, flags.anomaliesRolloverSize),
  };
  try {
    resolveLayoutOptions(input);
  } catch (error) {
    throw withFlagName(error);
  }
  return input;
}

export function indexerConfig(flags: OpenSearchIndexingFlags): IndexerConfig {
  return resolveIndexerConfig({
    maxEvents: flags.bulkMaxEvents,
    maxBytes: flags.bulkMaxBytes,
    flushIntervalMs: flags.bulkFlushInterval,
    concurrency: flags.bulkConcurrency,
    requestTimeoutMs: flags.bulkTimeout,
    retryMaxDelayMs: flags.bulkRetryMaxDelay,
    retryInitialDelayMs: Math.min(250, flags.bulkRetryMaxDelay),
    degradedAfterMs: flags.opensearchDegradedAfter,
  });
}

/** Everything `OpenSearchOutput.open` needs, checked; `bufferSubdir` is the default buffer directory under the data directory. */
export function outputOptions(
  flags: OpenSearchConnectionFlags & OpenSearchLayoutFlags & OpenSearchIndexingFlags,
  context: { dataDir: string; bufferSubdir: string; logger: Logger; registry?: Registry },
): OpenSearchOutputOptions {
  const dataDir = path.resolve(context.dataDir);
  return {
    connection: connectionOptions(flags),
    layout: layoutInput(flags),
    setup: flags.opensearchSetup,
    buffer: {
      directory: path.resolve(flags.bufferDir ?? path.join(dataDir, context.bufferSubdir)),
      maxTotalBytes: flags.bufferMaxBytes,
      fsync: flags.bufferFsync,
      fsyncIntervalMs: flags.bufferFsyncInterval,
    },
    deadLetter: { directory: path.join(dataDir, 'dead-letter'), maxTotalBytes: flags.deadLetterMaxBytes },
    indexer: indexerConfig(flags),
    logger: context.logger,
    ...(context.registry !== undefined ? { registry: context.registry } : {}),
  };
}
