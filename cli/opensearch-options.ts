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
import type { FsyncPolicy } from '../core/disk-buffer/index.js';
import { createOpenSearchClient, type OpenSearchClientOptions } from '../opensearch/client.js';
import { DEFAULT_INDEXER_CONFIG, resolveIndexerConfig, type IndexerConfig } from '../opensearch/indexer/config.js';
import { DEFAULT_LAYOUT_OPTIONS, resolveLayoutOptions, type IsmMode, type OpenSearchLayoutInput } from '../opensearch/layout.js';
import type { OpenSearchOutputOptions } from '../opensearch/output.js';
import {
  formatDuration,
  formatSize,
  parseBoolean,
  parseChoice,
  parseDuration,
  parsePositiveInt,
  parseSize,
} from '../core/config-values.js';
import { ERROR_CODES, SiemadError } from '../core/errors.js';
import { InvalidArgumentError } from 'commander';
import {
  addOptionTable,
  defaultAt,
  flagsByTarget,
  optional,
  settingsOf,
  withDefault,
  type OptionalRow,
  type OptionValues,
  type RowBase,
} from './option-table.js';

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

const CONNECTION = {
  opensearchUrl: optional({
    flag: '--opensearch-url <url>',
    env: 'SIEMAD_OPENSEARCH_URL',
    help: 'OpenSearch to index into, http(s)://host:9200 (user:password@ in it is accepted and never logged)',
    target: 'url',
  }),
  opensearchUsername: optional({
    flag: '--opensearch-username <name>',
    env: 'SIEMAD_OPENSEARCH_USERNAME',
    help: 'basic-auth user',
    target: 'username',
  }),
  opensearchPassword: optional({
    flag: '--opensearch-password <password>',
    env: 'SIEMAD_OPENSEARCH_PASSWORD',
    help: 'basic-auth password (prefer the variable or --opensearch-password-file: flags show in ps)',
  }),
  opensearchPasswordFile: optional({
    flag: '--opensearch-password-file <file>',
    env: 'SIEMAD_OPENSEARCH_PASSWORD_FILE',
    help: 'file holding the basic-auth password (one line)',
  }),
  opensearchCa: optional({
    flag: '--opensearch-ca <file>',
    env: 'SIEMAD_OPENSEARCH_CA',
    help: 'PEM CA bundle that signed the cluster certificate',
    target: 'caFile',
  }),
  opensearchCert: optional({
    flag: '--opensearch-cert <file>',
    env: 'SIEMAD_OPENSEARCH_CERT',
    help: 'PEM client certificate (mutual TLS)',
    target: 'certFile',
  }),
  opensearchKey: optional({
    flag: '--opensearch-key <file>',
    env: 'SIEMAD_OPENSEARCH_KEY',
    help: 'PEM client key (mutual TLS)',
    target: 'keyFile',
  }),
  opensearchSkipHostnameVerification: withDefault({
    flag: '--opensearch-skip-hostname-verification [bool]',
    env: 'SIEMAD_OPENSEARCH_SKIP_HOSTNAME_VERIFICATION',
    help: 'verify the certificate chain but not the host name (clusters addressed by IP; labs)',
    parse: parseBoolean,
    default: false,
    target: 'skipHostnameVerification',
  }),
  opensearchInsecureSkipVerify: withDefault({
    flag: '--opensearch-insecure-skip-verify [bool]',
    env: 'SIEMAD_OPENSEARCH_INSECURE_SKIP_VERIFY',
    help: 'accept any certificate: no chain, no host name check (throw-away labs only)',
    parse: parseBoolean,
    default: false,
    target: 'insecureSkipVerify',
  }),
} as const;

/** Layout rows feed `OpenSearchLayoutInput` through their targets; unset ones keep the layout's defaults, shown in --help. */
const layoutRow = <T = string>(row: RowBase & { readonly parse?: (value: string) => T; readonly target: string }): OptionalRow<T> =>
  optional<T>({ ...row, shownDefault: defaultAt(DEFAULT_LAYOUT_OPTIONS, row.target) });

const LAYOUT = {
  indexPrefix: layoutRow({
    flag: '--index-prefix <name>',
    env: 'SIEMAD_INDEX_PREFIX',
    help: 'dataset part of the data stream names: logs-<prefix>-<namespace>, logs-<prefix>.anomalies-<namespace>',
    target: 'prefix',
  }),
  indexNamespace: layoutRow({
    flag: '--index-namespace <name>',
    env: 'SIEMAD_INDEX_NAMESPACE',
    help: 'namespace part of the data stream names',
    target: 'namespace',
  }),
  ism: layoutRow({
    flag: '--ism <mode>',
    env: 'SIEMAD_ISM',
    help: 'ISM rollover/retention policies: required, if-available (skip without the plugin) or off',
    parse: parseChoice<IsmMode>(['required', 'if-available', 'off']),
    target: 'ism',
  }),
  indexShards: layoutRow({
    flag: '--index-shards <n>',
    env: 'SIEMAD_INDEX_SHARDS',
    help: 'primary shards per backing index',
    parse: parsePositiveInt,
    target: 'shards',
  }),
  indexReplicas: layoutRow({
    flag: '--index-replicas <n>',
    env: 'SIEMAD_INDEX_REPLICAS',
    help: 'replicas per backing index',
    parse: parseNonNegativeInt,
    target: 'replicas',
  }),
  indexRefreshInterval: layoutRow({
    flag: '--index-refresh-interval <interval>',
    env: 'SIEMAD_INDEX_REFRESH_INTERVAL',
    help: 'index.refresh_interval of backing indices (e.g. 5s)',
    target: 'refreshInterval',
  }),
  logsRetentionDays: layoutRow({
    flag: '--logs-retention-days <n>',
    env: 'SIEMAD_LOGS_RETENTION_DAYS',
    help: 'days a logs backing index is kept after rollover',
    parse: parsePositiveInt,
    target: 'logs.retentionDays',
  }),
  logsRolloverAge: layoutRow({
    flag: '--logs-rollover-age <age>',
    env: 'SIEMAD_LOGS_ROLLOVER_AGE',
    help: 'roll the logs write index over at this age (1d, 12h)',
    target: 'logs.rolloverAge',
  }),
  logsRolloverSize: layoutRow({
    flag: '--logs-rollover-size <size>',
    env: 'SIEMAD_LOGS_ROLLOVER_SIZE',
    help: 'roll the logs write index over at this primary shard size (30gb)',
    target: 'logs.rolloverPrimaryShardSize',
  }),
  anomaliesRetentionDays: layoutRow({
    flag: '--anomalies-retention-days <n>',
    env: 'SIEMAD_ANOMALIES_RETENTION_DAYS',
    help: 'days an anomalies backing index is kept after rollover',
    parse: parsePositiveInt,
    target: 'anomalies.retentionDays',
  }),
  anomaliesRolloverAge: layoutRow({
    flag: '--anomalies-rollover-age <age>',
    env: 'SIEMAD_ANOMALIES_ROLLOVER_AGE',
    help: 'roll the anomalies write index over at this age',
    target: 'anomalies.rolloverAge',
  }),
  anomaliesRolloverSize: layoutRow({
    flag: '--anomalies-rollover-size <size>',
    env: 'SIEMAD_ANOMALIES_ROLLOVER_SIZE',
    help: 'roll the anomalies write index over at this primary shard size',
    target: 'anomalies.rolloverPrimaryShardSize',
  }),
} as const;

const INDEXER = DEFAULT_INDEXER_CONFIG;

/** Buffer, dead-letter and bulk rows; `bufferDefault` names the default buffer directory in --help. */
function indexingTable(bufferDefault: string) {
  return {
    opensearchSetup: withDefault({
      flag: '--opensearch-setup <bool>',
      env: 'SIEMAD_OPENSEARCH_SETUP',
      help: 'apply templates, ISM policies and data streams (idempotent) before indexing',
      parse: parseBoolean,
      default: true,
    }),
    bufferDir: optional({
      flag: '--buffer-dir <dir>',
      env: 'SIEMAD_BUFFER_DIR',
      help: 'disk buffer (write-ahead log) between the pipeline and OpenSearch',
      shownDefault: bufferDefault,
    }),
    bufferMaxBytes: withDefault({
      flag: '--buffer-max-bytes <size>',
      env: 'SIEMAD_BUFFER_MAX_BYTES',
      help: 'disk buffer bound; when full, TCP/TLS senders are paused and UDP datagrams dropped (counted)',
      parse: parseBufferSize,
      default: 256 * MIB,
      shownDefault: '256MiB',
    }),
    bufferFsync: withDefault<FsyncPolicy>({
      flag: '--buffer-fsync <policy>',
      env: 'SIEMAD_BUFFER_FSYNC',
      help: 'interval (fsync at most every --buffer-fsync-interval), always (before accepting) or never',
      parse: parseChoice<FsyncPolicy>(['interval', 'always', 'never']),
      default: 'interval',
    }),
    bufferFsyncInterval: withDefault({
      flag: '--buffer-fsync-interval <duration>',
      env: 'SIEMAD_BUFFER_FSYNC_INTERVAL',
      help: 'period of the interval fsync',
      parse: parsePositiveDuration,
      default: 500,
      shownDefault: '500ms',
    }),
    deadLetterMaxBytes: withDefault({
      flag: '--dead-letter-max-bytes <size>',
      env: 'SIEMAD_DEAD_LETTER_MAX_BYTES',
      help: 'bound of <data-dir>/dead-letter (oldest files deleted beyond it)',
      parse: parseBufferSize,
      default: 256 * MIB,
      shownDefault: '256MiB',
    }),
    bulkMaxEvents: withDefault({
      flag: '--bulk-max-events <n>',
      env: 'SIEMAD_BULK_MAX_EVENTS',
      help: 'events per bulk request at most',
      parse: parsePositiveInt,
      default: INDEXER.maxEvents,
      target: 'maxEvents',
    }),
    bulkMaxBytes: withDefault({
      flag: '--bulk-max-bytes <size>',
      env: 'SIEMAD_BULK_MAX_BYTES',
      help: 'event bytes per bulk request at most',
      parse: parseSize,
      default: INDEXER.maxBytes,
      shownDefault: formatSize(INDEXER.maxBytes),
      target: 'maxBytes',
    }),
    bulkFlushInterval: withDefault({
      flag: '--bulk-flush-interval <duration>',
      env: 'SIEMAD_BULK_FLUSH_INTERVAL',
      help: 'send a smaller bulk request once its first events waited this long',
      parse: parsePositiveDuration,
      default: INDEXER.flushIntervalMs,
      shownDefault: formatDuration(INDEXER.flushIntervalMs),
      target: 'flushIntervalMs',
    }),
    bulkConcurrency: withDefault({
      flag: '--bulk-concurrency <n>',
      env: 'SIEMAD_BULK_CONCURRENCY',
      help: 'bulk requests in flight at once',
      parse: parsePositiveInt,
      default: INDEXER.concurrency,
      target: 'concurrency',
    }),
    bulkTimeout: withDefault({
      flag: '--bulk-timeout <duration>',
      env: 'SIEMAD_BULK_TIMEOUT',
      help: 'time allowed for one bulk request',
      parse: parsePositiveDuration,
      default: INDEXER.requestTimeoutMs,
      shownDefault: formatDuration(INDEXER.requestTimeoutMs),
      target: 'requestTimeoutMs',
    }),
    bulkRetryMaxDelay: withDefault({
      flag: '--bulk-retry-max-delay <duration>',
      env: 'SIEMAD_BULK_RETRY_MAX_DELAY',
      help: 'longest wait between retries (exponential backoff with full jitter, no limit in time)',
      parse: parsePositiveDuration,
      default: INDEXER.retryMaxDelayMs,
      shownDefault: formatDuration(INDEXER.retryMaxDelayMs),
      target: 'retryMaxDelayMs',
    }),
    opensearchDegradedAfter: withDefault({
      flag: '--opensearch-degraded-after <duration>',
      env: 'SIEMAD_OPENSEARCH_DEGRADED_AFTER',
      help: '/healthz answers 503 once OpenSearch has been unusable this long (events keep being buffered)',
      parse: parseDuration,
      default: INDEXER.degradedAfterMs,
      shownDefault: formatDuration(INDEXER.degradedAfterMs),
      target: 'degradedAfterMs',
    }),
  } as const;
}

export type OpenSearchConnectionFlags = OptionValues<typeof CONNECTION>;
export type OpenSearchLayoutFlags = OptionValues<typeof LAYOUT>;
export type OpenSearchIndexingFlags = OptionValues<ReturnType<typeof indexingTable>>;

/** Library setting → flag, for every setting a library error may name. */
const FLAGS = flagsByTarget(CONNECTION, LAYOUT, indexingTable(''));

export function addOpenSearchConnectionOptions(command: Command): Command {
  return addOptionTable(command, CONNECTION);
}

export function addOpenSearchLayoutOptions(command: Command): Command {
  return addOptionTable(command, LAYOUT);
}

export function addOpenSearchIndexingOptions(command: Command, bufferDefault: string): Command {
  return addOptionTable(command, indexingTable(bufferDefault));
}

/** Client settings from the flags; throws a one-line SiemadError naming the flag. */
export function connectionOptions(flags: OpenSearchConnectionFlags): OpenSearchClientOptions {
  if (flags.opensearchUrl === undefined || flags.opensearchUrl.trim() === '') {
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, '--opensearch-url (SIEMAD_OPENSEARCH_URL) is required', '--opensearch-url');
  }
  if (flags.opensearchPassword !== undefined && flags.opensearchPasswordFile !== undefined) {
    throw new SiemadError(
      ERROR_CODES.CONFIG_INVALID,
      '--opensearch-password and --opensearch-password-file: give one of them',
      '--opensearch-password-file',
    );
  }
  let password = flags.opensearchPassword;
  if (flags.opensearchPasswordFile !== undefined) {
    try {
      password = fs.readFileSync(flags.opensearchPasswordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new SiemadError(
        ERROR_CODES.CONFIG_INVALID,
        `--opensearch-password-file: cannot read ${flags.opensearchPasswordFile}: ${code}`,
        '--opensearch-password-file',
      );
    }
  }
  // The rows' targets name the client's options; the password comes from one of two settings.
  const options = {
    ...settingsOf(CONNECTION, flags),
    url: flags.opensearchUrl.trim(),
    ...(password !== undefined ? { password } : {}),
  } as OpenSearchClientOptions;
  try {
    // The client checks the URL and reads the PEM files: fail now, naming the flag, not after start-up.
    void createOpenSearchClient(options).close();
  } catch (error) {
    throw withFlagName(error);
  }
  return options;
}

/**
 * Errors of the client, the layout and the indexer name their own settings (`caFile`,
 * `logs.rolloverAge`, `maxEvents`); this returns the error naming the flag instead. Other errors
 * are returned as they are.
 */
export function withFlagName(error: unknown): unknown {
  if (!(error instanceof SiemadError) || error.setting === undefined) return error;
  const flag = FLAGS.get(error.setting);
  if (flag === undefined) return error;
  const message = error.message.replace(/^OpenSearch setup: /, '');
  const named = message.startsWith(`${error.setting} `) ? `${flag}${message.slice(error.setting.length)}` : `${flag}: ${message}`;
  return new SiemadError(error.code, named, flag, { cause: error });
}

/** Layout settings from the flags, checked (unset ones keep the layout's defaults). */
export function layoutInput(flags: OpenSearchLayoutFlags): OpenSearchLayoutInput {
  const input = settingsOf(LAYOUT, flags) as OpenSearchLayoutInput;
  try {
    resolveLayoutOptions(input);
  } catch (error) {
    throw withFlagName(error);
  }
  return input;
}

export function indexerConfig(flags: OpenSearchIndexingFlags): IndexerConfig {
  const settings = settingsOf(indexingTable(''), flags) as Partial<IndexerConfig>;
  try {
    return resolveIndexerConfig({
      ...settings,
      retryInitialDelayMs: Math.min(DEFAULT_INDEXER_CONFIG.retryInitialDelayMs, flags.bulkRetryMaxDelay),
    });
  } catch (error) {
    throw withFlagName(error);
  }
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
