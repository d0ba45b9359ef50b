import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { Logger } from 'pino';
import { Collector, type CollectorConfig } from '../../pipeline/collector.js';
import { ERROR_CODES, SiemadError } from '../../pipeline/errors.js';
import {
  parseBoolean,
  parseChoice,
  parseCidrList,
  parseCount,
  parseDuration,
  parseAddressList,
  parsePort,
  parsePositiveInt,
  parseSize,
  parseTimeZone,
} from '../../pipeline/config-values.js';
import { createLogger, LOG_LEVELS, type LogLevel } from '../../pipeline/logger.js';
import { CollectorMetrics } from '../../pipeline/metrics.js';
import { NdjsonSink } from '../../pipeline/sinks/ndjson.js';
import type { EventSink } from '../../pipeline/sinks/sink.js';
import { OpenSearchOutput, type OpenSearchOutputOptions } from '../../opensearch/output.js';
import { OpenSearchSink } from '../../opensearch/sink.js';
import {
  addOpenSearchConnectionOptions,
  addOpenSearchIndexingOptions,
  addOpenSearchLayoutOptions,
  outputOptions,
  withFlagName,
  type OpenSearchConnectionFlags,
  type OpenSearchIndexingFlags,
  type OpenSearchLayoutFlags,
} from '../opensearch-options.js';
import { envOption } from '../options.js';
import { addScoringOptions, createScoring, type ScoringOptions } from '../scoring-options.js';
import { AnomalyScorer } from '../../scorer/scorer.js';
import { DatabaseService } from '../../postgres/service.js';
import { SuppressionPoller } from '../../postgres/suppression-poller.js';
import { addDatabaseOptions, openDatabase, type DatabaseFlags } from '../database-options.js';
import { applyDataPermissions, dataGroupReadOption, ensureWritableDataDir } from '../data-dir.js';
import { addApiOptions, apiLimits, startApi, type ApiFlags } from '../api-options.js';
import type { ApiServices } from '../../api/services.js';
import type { AnomalyQuery } from '../../api/store/anomalies.js';
import { NdjsonAnomalyQuery } from '../../api/store/anomalies-ndjson.js';
import { OpenSearchAnomalyQuery } from '../../api/store/anomalies-opensearch.js';
import { createOpenSearchClient } from '../../opensearch/client.js';
import { openSearchLayout, resolveLayoutOptions } from '../../opensearch/layout.js';
import { ActivityStats } from '../../pipeline/activity.js';
import { DEFAULT_SOURCE_OPTIONS, SourceTracker } from '../../pipeline/sources.js';
import { addNotifyOptions, startNotifier, type NotifyFlags } from '../notify-options.js';
import { addAlertOptions, openAlertWriter, type AlertFlags } from '../alert-options.js';

interface ServeOptions extends ScoringOptions, OpenSearchConnectionFlags, OpenSearchLayoutFlags, OpenSearchIndexingFlags, DatabaseFlags, ApiFlags, NotifyFlags, AlertFlags {
  bind: string[];
  udpPort: number | false;
  tcpPort: number | false;
  tlsPort: number | false;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  tlsRequireClientCert: boolean;
  maxMessageBytes: number;
  idleTimeout: number;
  maxConnections: number;
  allow: string[];
  senderRate: number;
  senderBurst: number;
  parseFailureRate: number;
  queueCapacity: number;
  queueBytes: number;
  batchSize: number;
  metricsHost: string;
  metricsPort: number | false;
  timeZone: string;
  dataDir: string;
  dataGroupRead: boolean;
  sink?: string;
  ndjsonRotate: number;
  ndjsonKeep: number;
  logLevel: LogLevel;
  sourceSilentAfter: number;
  sourceMax: number;
  sourceNoisyFactor: number;
  sourceMetricsTop: number;
}

/** `--sink ndjson:PATH`: PATH is the directory for events.ndjson and anomalies.ndjson. */
function parseSink(value: string): string {
  if (!/^ndjson:.+/.test(value)) throw new InvalidArgumentError('expected ndjson:DIRECTORY');
  return value;
}

export function serveCommand(): Command {
  const command = new Command('serve')
    .description('Receive syslog over UDP, TCP and TLS, decode, score and deliver events to the configured sink')
    .addOption(envOption('--bind <addresses>', 'SIEMAD_BIND', 'comma-separated listen addresses (IPv4 and/or IPv6)', parseAddressList, ['0.0.0.0'], '0.0.0.0'))
    .addOption(envOption('--udp-port <port>', 'SIEMAD_UDP_PORT', 'UDP syslog port, or "off"', parsePort, 5514))
    .addOption(envOption('--tcp-port <port>', 'SIEMAD_TCP_PORT', 'TCP syslog port (octet-counted and LF framing), or "off"', parsePort, 5514))
    .addOption(envOption('--tls-port <port>', 'SIEMAD_TLS_PORT', 'TLS syslog port (RFC 5425), used when --tls-cert is set, or "off"', parsePort, 6514))
    .addOption(envOption('--tls-cert <file>', 'SIEMAD_TLS_CERT', 'PEM certificate (chain) for the TLS listener'))
    .addOption(envOption('--tls-key <file>', 'SIEMAD_TLS_KEY', 'PEM private key for the TLS listener'))
    .addOption(envOption('--tls-ca <file>', 'SIEMAD_TLS_CA', 'PEM CA bundle to verify client certificates'))
    .addOption(envOption('--tls-require-client-cert [bool]', 'SIEMAD_TLS_REQUIRE_CLIENT_CERT', 'require and verify client certificates (mTLS)', parseBoolean, false))
    .addOption(envOption('--max-message-bytes <size>', 'SIEMAD_MAX_MESSAGE_BYTES', 'longest message kept; longer ones are truncated and tagged', parseSize, 64 * 1024, '64KiB'))
    .addOption(envOption('--idle-timeout <duration>', 'SIEMAD_IDLE_TIMEOUT', 'close a TCP/TLS connection idle this long (0 = never)', parseDuration, 600_000, '10m'))
    .addOption(envOption('--max-connections <n>', 'SIEMAD_MAX_CONNECTIONS', 'open TCP/TLS connections per listener', parsePositiveInt, 1024))
    .addOption(envOption('--allow <cidrs>', 'SIEMAD_ALLOW', 'comma-separated sender networks allowed (default: everyone)', parseCidrList, [], 'everyone'))
    .addOption(envOption('--sender-rate <n>', 'SIEMAD_SENDER_RATE', 'messages per second one sender address may send on average (0: no limit; a central relay forwarding for many hosts may need more): UDP excess is dropped, a TCP/TLS sender paused', parseCount, 50_000))
    .addOption(envOption('--sender-burst <n>', 'SIEMAD_SENDER_BURST', 'messages one sender may send at once above --sender-rate', parsePositiveInt, 200_000))
    .addOption(envOption('--parse-failure-rate <n>', 'SIEMAD_PARSE_FAILURE_RATE', 'messages per second per sender kept when they fail to parse (burst 10x; 0: all); the rest is dropped and counted', parseCount, 100))
    .addOption(envOption('--queue-capacity <n>', 'SIEMAD_QUEUE_CAPACITY', 'messages held between receivers and pipeline', parsePositiveInt, 50_000))
    .addOption(envOption('--queue-bytes <size>', 'SIEMAD_QUEUE_BYTES', 'memory held by queued messages', parseSize, 128 * 1024 * 1024, '128MiB'))
    .addOption(envOption('--batch-size <n>', 'SIEMAD_BATCH_SIZE', 'events per pipeline batch', parsePositiveInt, 512))
    .addOption(envOption('--metrics-host <address>', 'SIEMAD_METRICS_HOST', 'address of the /metrics and /healthz endpoint', undefined, '0.0.0.0'))
    .addOption(envOption('--metrics-port <port>', 'SIEMAD_METRICS_PORT', 'port of the /metrics and /healthz endpoint, or "off"', parsePort, 9464))
    .addOption(envOption('--time-zone <zone>', 'SIEMAD_TIME_ZONE', 'time zone of RFC 3164 timestamps (which carry none)', parseTimeZone, 'UTC'))
    .addOption(envOption('--data-dir <dir>', 'SIEMAD_DATA_DIR', 'directory for NDJSON output, disk buffer and dead letters', undefined, './data'))
    .addOption(dataGroupReadOption())
    .addOption(envOption('--sink <spec>', 'SIEMAD_SINK', 'where events go without --opensearch-url: ndjson:DIR', parseSink, undefined, 'ndjson:<data-dir>'))
    .addOption(envOption('--ndjson-rotate <size>', 'SIEMAD_NDJSON_ROTATE', 'rotate NDJSON files at this size', parseSize, 256 * 1024 * 1024, '256MiB'))
    .addOption(envOption('--ndjson-keep <n>', 'SIEMAD_NDJSON_KEEP', 'rotated NDJSON files kept per stream', parsePositiveInt, 5))
    .addOption(envOption('--log-level <level>', 'SIEMAD_LOG_LEVEL', 'pino log level', parseChoice(LOG_LEVELS), 'info'))
    .addOption(envOption('--source-silent-after <duration>', 'SIEMAD_SOURCE_SILENT_AFTER', 'a log source that sent nothing for this long is silent (GET /api/v1/sources, siemad_source_status)', parseDuration, DEFAULT_SOURCE_OPTIONS.silentAfterMs, '15m'))
    .addOption(envOption('--source-max <n>', 'SIEMAD_SOURCE_MAX', 'log sources (host name and address) tracked; beyond, the least recently seen is forgotten', parsePositiveInt, DEFAULT_SOURCE_OPTIONS.maxSources))
    .addOption(envOption('--source-noisy-factor <n>', 'SIEMAD_SOURCE_NOISY_FACTOR', 'a source sending this many times its long-run rate over 5 minutes is noisy', parsePositiveInt, DEFAULT_SOURCE_OPTIONS.noisyFactor))
    .addOption(envOption('--source-metrics-top <n>', 'SIEMAD_SOURCE_METRICS_TOP', 'log sources with their own siemad_source_* series (the busiest; the rest are summed as source="other")', parseCount, 20));
  addOpenSearchConnectionOptions(command);
  addOpenSearchLayoutOptions(command);
  addOpenSearchIndexingOptions(command, '<data-dir>/buffer');
  addDatabaseOptions(command);
  addApiOptions(command);
  addNotifyOptions(command);
  addAlertOptions(command);
  return addScoringOptions(command).action(async (options: ServeOptions) => {
    await serve(options);
  });
}

async function serve(options: ServeOptions): Promise<void> {
  const logger = createLogger(options.logLevel, 1);
  ensureWritableDataDir(options.dataDir, applyDataPermissions(options.dataGroupRead));
  const config = collectorConfig(options);
  if (options.tlsCa !== undefined && !options.tlsRequireClientCert) {
    logger.warn('--tls-ca is set but --tls-require-client-cert is false: clients are not asked for certificates, so the CA authenticates nobody');
  }
  const metrics = new CollectorMetrics();
  // Checked before the models load, so a bad setting is reported at once.
  const openSearch = openSearchSettings(options, logger, metrics);
  const enrichers = await createScoring(options, options.dataDir);
  for (const enricher of enrichers) {
    if (!(enricher instanceof AnomalyScorer)) continue;
    metrics.watchCalibration(() => enricher.calibrationStatus());
    logger.info({ store: enricher.calibrationStoreName, restored: enricher.calibrationRestored, families: enricher.calibrationStatus() }, 'site calibration');
  }
  const sink = await createSink(options, openSearch);
  // Alerts, feedback, suppressions and API tokens: a PostgreSQL that is down must not stop ingest.
  const database = new DatabaseService(await openDatabase(options), logger);
  await database.start();
  const suppressions = new SuppressionPoller(database, logger);
  await suppressions.start();
  for (const enricher of enrichers) if (enricher instanceof AnomalyScorer) enricher.useSuppressions(suppressions);
  // Anomalies at or above --alert-level become alerts, through a disk queue that never blocks ingest.
  enrichers.push(await openAlertWriter(options, database, enrichers, logger, metrics));
  // Webhooks on new and escalated alerts: its own loop, never in the way of ingest.
  const notifier = startNotifier(options, database, logger, metrics);
  // Log sources: their state survives restarts in the data directory.
  const sources = new SourceTracker({
    maxSources: options.sourceMax,
    silentAfterMs: options.sourceSilentAfter,
    noisyFactor: options.sourceNoisyFactor,
    stateFile: path.join(options.dataDir, 'sources.json'),
  });
  const restoredSources = sources.start().restored;
  metrics.watchSources(sources, options.sourceMetricsTop);
  const activity = new ActivityStats();
  const collector = new Collector(config, sink, enrichers, logger, metrics, { messages: [sources], events: [activity] });
  const anomalies = anomalyQuery(options, openSearch);
  const services = apiServices(options, collector, enrichers, anomalies, activity, sources);
  // The HTTP API answers 503 until the database is ready.
  const api = await startApi(options, database, logger, metrics.registry, services).catch(async (err: unknown) => {
    await notifier.stop();
    suppressions.stop();
    sources.close();
    await database.close();
    throw err;
  });
  let listening;
  try {
    listening = [...(await collector.start()), ...(api !== undefined ? [{ receiver: `api ${api.host}`, port: api.port }] : [])];
  } catch (err) {
    await api?.close();
    await notifier.stop();
    suppressions.stop();
    await database.close();
    throw err;
  }
  logger.info({ listening, sink: sink.name, database: database.db.name, sources: restoredSources }, 'siemad serving');

  await new Promise<void>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string): void => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting without draining');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down: draining queue and flushing sinks');
      if (sink instanceof OpenSearchSink) sink.beginShutdown();
      collector
        .stop()
        .then(() => sources.close())
        .then(() => api?.close())
        .then(() => notifier.stop())
        .then(() => {
          suppressions.stop();
          return database.close();
        })
        .then(
          () => {
            logger.info('stopped');
            resolve();
          },
          (err: unknown) => {
            logger.error({ err }, 'error during shutdown');
            process.exitCode = 1;
            resolve();
          },
        );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}

/** Where GET /api/v1/anomalies reads: the OpenSearch anomalies stream, else the NDJSON files. */
function anomalyQuery(options: ServeOptions, openSearch: OpenSearchOutputOptions | undefined): AnomalyQuery {
  if (openSearch !== undefined) {
    const stream = openSearchLayout(resolveLayoutOptions(openSearch.layout)).streams.find((s) => s.kind === 'anomalies')!;
    return new OpenSearchAnomalyQuery(createOpenSearchClient(openSearch.connection), stream.dataStream);
  }
  const directory = options.sink !== undefined ? options.sink.slice('ndjson:'.length) : options.dataDir;
  return new NdjsonAnomalyQuery(path.resolve(directory), options.ndjsonKeep, options.apiAnomalyScanBytes);
}

function apiServices(
  options: ServeOptions,
  collector: Collector,
  enrichers: readonly { name: string }[],
  anomalies: AnomalyQuery,
  activity: ActivityStats,
  sources: SourceTracker,
): ApiServices {
  const scorer = enrichers.find((enricher): enricher is AnomalyScorer => enricher instanceof AnomalyScorer);
  return {
    analyzer: { scoring: scorer !== undefined, submit: (raws, batch) => collector.submit(raws, batch) },
    anomalies,
    activity,
    sources,
    limits: apiLimits(options),
    readiness: () => [
      ...collector.readiness(),
      scorer !== undefined
        ? { name: 'models', status: 'up', required: true, detail: { version: scorer.modelVersion, windowStore: options.windowStore } }
        : { name: 'models', status: 'off', required: false },
    ],
  };
}

function collectorConfig(options: ServeOptions): CollectorConfig {
  const tlsWanted = options.tlsCert !== undefined || options.tlsKey !== undefined;
  if (tlsWanted && (options.tlsCert === undefined || options.tlsKey === undefined)) {
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, '--tls-cert and --tls-key go together', '--tls-key');
  }
  return {
    bind: options.bind,
    udpPort: portOrNull(options.udpPort),
    tcpPort: portOrNull(options.tcpPort),
    tlsPort: tlsWanted ? portOrNull(options.tlsPort) : null,
    ...(tlsWanted
      ? {
          tls: {
            certFile: options.tlsCert!,
            keyFile: options.tlsKey!,
            ...(options.tlsCa !== undefined ? { caFile: options.tlsCa } : {}),
            requireClientCert: options.tlsRequireClientCert,
          },
        }
      : {}),
    maxMessageBytes: options.maxMessageBytes,
    idleTimeoutMs: options.idleTimeout,
    maxConnections: options.maxConnections,
    allow: options.allow,
    senderRate: { rate: options.senderRate, burst: options.senderBurst },
    parseFailureRate: { rate: options.parseFailureRate, burst: options.parseFailureRate * 10 },
    queueCapacity: options.queueCapacity,
    queueBytes: options.queueBytes,
    batchSize: options.batchSize,
    metricsHost: options.metricsHost,
    metricsPort: portOrNull(options.metricsPort),
    timeZone: options.timeZone,
  };
}

function portOrNull(port: number | false): number | null {
  return port === false ? null : port;
}

/** The OpenSearch output's settings when an OpenSearch URL is given, checked. */
function openSearchSettings(options: ServeOptions, logger: Logger, metrics: CollectorMetrics): OpenSearchOutputOptions | undefined {
  if (options.opensearchUrl === undefined) return undefined;
  if (options.sink !== undefined) {
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, '--sink and --opensearch-url: give one of them', '--sink');
  }
  return outputOptions(options, { dataDir: options.dataDir, bufferSubdir: 'buffer', logger, registry: metrics.registry });
}

/** With an OpenSearch URL: the disk-buffered OpenSearch output; else the NDJSON files. */
async function createSink(options: ServeOptions, openSearch: OpenSearchOutputOptions | undefined): Promise<EventSink> {
  if (openSearch !== undefined) {
    const output = await OpenSearchOutput.open(openSearch).catch((error: unknown) => {
      throw withFlagName(error);
    });
    return output.sink;
  }
  const directory = options.sink !== undefined ? options.sink.slice('ndjson:'.length) : options.dataDir;
  return new NdjsonSink({ directory: path.resolve(directory), rotateBytes: options.ndjsonRotate, keepFiles: options.ndjsonKeep });
}
