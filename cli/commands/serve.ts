import { geoIpOptionsOf } from '../geoip-options.js';
import { WORKERS_ROW } from '../workers-option.js';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { Logger } from 'pino';
import { AllowList } from '../../collector/receivers/allow-list.js';
import { IngestService, type CollectorCheck, type IngestServiceConfig } from '../../pipeline/ingest-service.js';
import { ERROR_CODES, SiemadError } from '../../core/errors.js';
import {
  formatDuration,
  parseBoolean,
  parseChoice,
  parseList,
  parseCount,
  parseDuration,
  parseAddressList,
  parsePort,
  parsePositiveInt,
  parseSize,
  parseTimeZone,
} from '../../core/config-values.js';
import { createLogger, LOG_LEVELS } from '../../core/logger.js';
import { PipelineMetrics } from '../../pipeline/metrics.js';
import { NdjsonSink } from '../../sinks/ndjson/file-sink.js';
import type { EventSink } from '../../sinks/sink.js';
import { OpenSearchOutput, type OpenSearchOutputOptions } from '../../opensearch/output.js';
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
import { addOptionTable, optional, withDefault, type OptionValues } from '../option-table.js';
import { addScoringOptions, createScoring, type ScoringOptions } from '../scoring-options.js';
import { AnomalyScorer } from '../../scorer/scorer.js';
import { DatabaseService } from '../../postgres/service.js';
import { SuppressionPoller } from '../../postgres/suppression-poller.js';
import { addDatabaseOptions, openDatabase, type DatabaseFlags } from '../database-options.js';
import { applyDataPermissions, DATA_GROUP_READ, ensureWritableDataDir } from '../data-dir.js';
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

type ServeOptions = OptionValues<typeof SERVE> &
  ScoringOptions &
  OpenSearchConnectionFlags &
  OpenSearchLayoutFlags &
  OpenSearchIndexingFlags &
  DatabaseFlags &
  ApiFlags &
  NotifyFlags &
  AlertFlags;

/** `--allow`: networks checked by the allow list they make, so a bad one stops start-up. */
function parseCidrList(value: string): string[] {
  const list = parseList(value);
  try {
    new AllowList(list);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return list;
}

/** `--sink ndjson:PATH`: PATH is the directory for events.ndjson and anomalies.ndjson. */
function parseSink(value: string): string {
  if (!/^ndjson:.+/.test(value)) throw new InvalidArgumentError('expected ndjson:DIRECTORY');
  return value;
}

/** serve's own settings: receivers, queue, metrics endpoint, data directory, NDJSON output. */
const SERVE = {
  bind: withDefault({
    flag: '--bind <addresses>',
    env: 'SIEMAD_BIND',
    help: 'comma-separated listen addresses (IPv4 and/or IPv6)',
    parse: parseAddressList,
    default: ['0.0.0.0'],
    shownDefault: '0.0.0.0',
  }),
  udpPort: withDefault({
    flag: '--udp-port <port>',
    env: 'SIEMAD_UDP_PORT',
    help: 'UDP syslog port, or "off"',
    parse: parsePort,
    default: 5514,
  }),
  tcpPort: withDefault({
    flag: '--tcp-port <port>',
    env: 'SIEMAD_TCP_PORT',
    help: 'TCP syslog port (octet-counted and LF framing), or "off"',
    parse: parsePort,
    default: 5514,
  }),
  tlsPort: withDefault({
    flag: '--tls-port <port>',
    env: 'SIEMAD_TLS_PORT',
    help: 'TLS syslog port (RFC 5425), used when --tls-cert is set, or "off"',
    parse: parsePort,
    default: 6514,
  }),
  tlsCert: optional({ flag: '--tls-cert <file>', env: 'SIEMAD_TLS_CERT', help: 'PEM certificate (chain) for the TLS listener' }),
  tlsKey: optional({ flag: '--tls-key <file>', env: 'SIEMAD_TLS_KEY', help: 'PEM private key for the TLS listener' }),
  tlsCa: optional({ flag: '--tls-ca <file>', env: 'SIEMAD_TLS_CA', help: 'PEM CA bundle to verify client certificates' }),
  tlsRequireClientCert: withDefault({
    flag: '--tls-require-client-cert [bool]',
    env: 'SIEMAD_TLS_REQUIRE_CLIENT_CERT',
    help: 'require and verify client certificates (mTLS)',
    parse: parseBoolean,
    default: false,
  }),
  maxMessageBytes: withDefault({
    flag: '--max-message-bytes <size>',
    env: 'SIEMAD_MAX_MESSAGE_BYTES',
    help: 'longest message kept; longer ones are truncated and tagged',
    parse: parseSize,
    default: 64 * 1024,
    shownDefault: '64KiB',
  }),
  idleTimeout: withDefault({
    flag: '--idle-timeout <duration>',
    env: 'SIEMAD_IDLE_TIMEOUT',
    help: 'close a TCP/TLS connection idle this long (0 = never)',
    parse: parseDuration,
    default: 600_000,
    shownDefault: '10m',
  }),
  maxConnections: withDefault({
    flag: '--max-connections <n>',
    env: 'SIEMAD_MAX_CONNECTIONS',
    help: 'open TCP/TLS connections per listener',
    parse: parsePositiveInt,
    default: 1024,
  }),
  allow: withDefault({
    flag: '--allow <cidrs>',
    env: 'SIEMAD_ALLOW',
    help: 'comma-separated sender networks allowed',
    parse: parseCidrList,
    default: [],
    shownDefault: 'everyone',
  }),
  senderRate: withDefault({
    flag: '--sender-rate <n>',
    env: 'SIEMAD_SENDER_RATE',
    help: 'messages per second one sender address may send on average (0: no limit; a central relay forwarding for many hosts may need more): UDP excess is dropped, a TCP/TLS sender paused',
    parse: parseCount,
    default: 50_000,
  }),
  senderBurst: withDefault({
    flag: '--sender-burst <n>',
    env: 'SIEMAD_SENDER_BURST',
    help: 'messages one sender may send at once above --sender-rate',
    parse: parsePositiveInt,
    default: 200_000,
  }),
  parseFailureRate: withDefault({
    flag: '--parse-failure-rate <n>',
    env: 'SIEMAD_PARSE_FAILURE_RATE',
    help: 'messages per second per sender kept when they fail to parse (burst 10x; 0: all); the rest is dropped and counted',
    parse: parseCount,
    default: 100,
  }),
  queueCapacity: withDefault({
    flag: '--queue-capacity <n>',
    env: 'SIEMAD_QUEUE_CAPACITY',
    help: 'messages held between receivers and pipeline',
    parse: parsePositiveInt,
    default: 50_000,
  }),
  queueBytes: withDefault({
    flag: '--queue-bytes <size>',
    env: 'SIEMAD_QUEUE_BYTES',
    help: 'memory held by queued messages',
    parse: parseSize,
    default: 128 * 1024 * 1024,
    shownDefault: '128MiB',
  }),
  batchSize: withDefault({
    flag: '--batch-size <n>',
    env: 'SIEMAD_BATCH_SIZE',
    help: 'events per pipeline batch',
    parse: parsePositiveInt,
    default: 512,
  }),
  workers: WORKERS_ROW,
  metricsHost: withDefault({
    flag: '--metrics-host <address>',
    env: 'SIEMAD_METRICS_HOST',
    help: 'address of the /metrics and /healthz endpoint',
    default: '0.0.0.0',
  }),
  metricsPort: withDefault({
    flag: '--metrics-port <port>',
    env: 'SIEMAD_METRICS_PORT',
    help: 'port of the /metrics and /healthz endpoint, or "off"',
    parse: parsePort,
    default: 9464,
  }),
  timeZone: withDefault({
    flag: '--time-zone <zone>',
    env: 'SIEMAD_TIME_ZONE',
    help: 'time zone of RFC 3164 timestamps (which carry none)',
    parse: parseTimeZone,
    default: 'UTC',
  }),
  dataDir: withDefault({
    flag: '--data-dir <dir>',
    env: 'SIEMAD_DATA_DIR',
    help: 'directory for NDJSON output, disk buffer and dead letters',
    default: './data',
  }),
  dataGroupRead: DATA_GROUP_READ,
  sink: optional({
    flag: '--sink <spec>',
    env: 'SIEMAD_SINK',
    help: 'where events go without --opensearch-url: ndjson:DIR',
    parse: parseSink,
    shownDefault: 'ndjson:<data-dir>',
  }),
  ndjsonRotate: withDefault({
    flag: '--ndjson-rotate <size>',
    env: 'SIEMAD_NDJSON_ROTATE',
    help: 'rotate NDJSON files at this size',
    parse: parseSize,
    default: 256 * 1024 * 1024,
    shownDefault: '256MiB',
  }),
  ndjsonKeep: withDefault({
    flag: '--ndjson-keep <n>',
    env: 'SIEMAD_NDJSON_KEEP',
    help: 'rotated NDJSON files kept per stream',
    parse: parsePositiveInt,
    default: 5,
  }),
  logLevel: withDefault({
    flag: '--log-level <level>',
    env: 'SIEMAD_LOG_LEVEL',
    help: 'pino log level',
    parse: parseChoice(LOG_LEVELS),
    default: 'info',
  }),
  sourceSilentAfter: withDefault({
    flag: '--source-silent-after <duration>',
    env: 'SIEMAD_SOURCE_SILENT_AFTER',
    help: 'a log source that sent nothing for this long is silent (GET /api/v1/sources, siemad_source_status)',
    parse: parseDuration,
    default: DEFAULT_SOURCE_OPTIONS.silentAfterMs,
    shownDefault: formatDuration(DEFAULT_SOURCE_OPTIONS.silentAfterMs),
  }),
  sourceMax: withDefault({
    flag: '--source-max <n>',
    env: 'SIEMAD_SOURCE_MAX',
    help: 'log sources (host name and address) tracked; beyond, the least recently seen is forgotten',
    parse: parsePositiveInt,
    default: DEFAULT_SOURCE_OPTIONS.maxSources,
  }),
  sourceNoisyFactor: withDefault({
    flag: '--source-noisy-factor <n>',
    env: 'SIEMAD_SOURCE_NOISY_FACTOR',
    help: 'a source sending this many times its long-run rate over 5 minutes is noisy',
    parse: parsePositiveInt,
    default: DEFAULT_SOURCE_OPTIONS.noisyFactor,
  }),
  sourceMetricsTop: withDefault({
    flag: '--source-metrics-top <n>',
    env: 'SIEMAD_SOURCE_METRICS_TOP',
    help: 'log sources with their own siemad_source_* series (the busiest; the rest are summed as source="other")',
    parse: parseCount,
    default: 20,
  }),
} as const;

export function serveCommand(): Command {
  const command = new Command('serve').description(
    'Receive syslog over UDP, TCP and TLS, decode, score and deliver events to the configured sink',
  );
  addOptionTable(command, SERVE);
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
    logger.warn(
      '--tls-ca is set but --tls-require-client-cert is false: clients are not asked for certificates, so the CA authenticates nobody',
    );
  }
  const metrics = new PipelineMetrics();
  // Checked before the models load, so a bad setting is reported at once.
  const openSearch = openSearchSettings(options, logger, metrics);
  const enrichers = await createScoring(options, options.dataDir);
  for (const enricher of enrichers) {
    if (!(enricher instanceof AnomalyScorer)) continue;
    metrics.watchCalibration(() => enricher.calibrationStatus());
    logger.info(
      { store: enricher.calibrationStoreName, restored: enricher.calibrationRestored, families: enricher.calibrationStatus() },
      'site calibration',
    );
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
  const collector = new IngestService(config, sink, enrichers, logger, metrics, { messages: [sources], events: [activity] });
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
      sink.beginShutdown?.();
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
  collector: IngestService,
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
      ...windowStoreCheck(scorer),
    ],
  };
}

/** Readiness of a window store on a server (Redis): scoring stops while it is away. */
function windowStoreCheck(scorer: AnomalyScorer | undefined): CollectorCheck[] {
  const connected = scorer?.windowStoreConnected;
  if (connected === undefined) return [];
  return [{ name: 'redis', status: connected ? 'up' : 'down', required: true }];
}

function collectorConfig(options: ServeOptions): IngestServiceConfig {
  const tlsWanted = options.tlsCert !== undefined || options.tlsKey !== undefined;
  if (tlsWanted && (options.tlsCert === undefined || options.tlsKey === undefined)) {
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, '--tls-cert and --tls-key go together', '--tls-key');
  }
  const geoIp = geoIpOptionsOf(options);
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
    workers: options.workers,
    ...(geoIp !== undefined ? { geoIp } : {}),
    metricsHost: options.metricsHost,
    metricsPort: portOrNull(options.metricsPort),
    timeZone: options.timeZone,
  };
}

function portOrNull(port: number | false): number | null {
  return port === false ? null : port;
}

/** The OpenSearch output's settings when an OpenSearch URL is given, checked. */
function openSearchSettings(options: ServeOptions, logger: Logger, metrics: PipelineMetrics): OpenSearchOutputOptions | undefined {
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
