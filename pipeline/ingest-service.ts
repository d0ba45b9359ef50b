import { readTlsFile } from '../core/tls-file.js';
import crypto from 'node:crypto';
import net from 'node:net';
import tlsModule from 'node:tls';
import type { Logger } from 'pino';
import { defaultObserver } from '../collector/normalize.js';
import type { RawMessage } from '../collector/raw-message.js';
import { AllowList } from '../collector/receivers/allow-list.js';
import { SenderRateLimiter } from '../collector/receivers/sender-rate.js';
import type { Receiver, ReceiverContext } from '../collector/receivers/receiver.js';
import { StreamReceiver } from '../collector/receivers/stream.js';
import { UdpReceiver } from '../collector/receivers/udp.js';
import { ERROR_CODES, SiemadError } from '../core/errors.js';
import { HttpServer, type HealthReport } from './http-server.js';
import { PipelineMetrics } from './metrics.js';
import type { EventEnricher } from '../collector/enricher.js';
import { Pipeline, type BatchOptions, type EventObserver, type MessageObserver } from './pipeline.js';
import { BoundedQueue } from '../collector/queue.js';
import type { EcsEvent } from '../collector/ecs/event.js';
import type { EventSink } from '../sinks/sink.js';
import { CodecPool } from './codec/pool.js';
import type { GeoIpOptions } from '../collector/geo/geoip.js';
import { VERSION } from '../core/version.js';

/** Everything `siemad serve` needs, already validated (see cli/commands/serve.ts for the flags). */
export interface IngestServiceConfig {
  bind: string[];
  udpPort: number | null;
  tcpPort: number | null;
  tlsPort: number | null;
  tls?: { certFile: string; keyFile: string; caFile?: string; requireClientCert: boolean };
  maxMessageBytes: number;
  idleTimeoutMs: number;
  maxConnections: number;
  allow: string[];
  queueCapacity: number;
  queueBytes: number;
  batchSize: number;
  /** Pipeline threads (`--workers`): above 1, codec threads encode events beside the scoring thread. */
  workers?: number;
  /** The GeoIP databases the codec threads open (the same as the scoring thread's; undefined: off). */
  geoIp?: GeoIpOptions;
  metricsHost: string;
  metricsPort: number | null;
  timeZone: string;
  /** Messages per second and burst per sender address (rate 0: no limit). */
  senderRate?: { rate: number; burst: number };
  /** Unparseable messages per second and burst per sender kept; beyond, dropped and counted. */
  parseFailureRate?: { rate: number; burst: number };
}

/** Observers of what passes through the pipeline (log sources, statistics). */
export interface IngestServiceObservers {
  messages?: MessageObserver[];
  events?: EventObserver[];
}

/** One part of readiness (GET /api/v1/health), as the API reports it. */
export interface CollectorCheck {
  name: string;
  status: 'up' | 'down' | 'degraded' | 'off';
  required: boolean;
  detail?: Record<string, unknown>;
}

export interface ListeningAddress {
  receiver: string;
  port: number;
}

/**
 * Wires receivers → bounded queue → pipeline → sink, plus the HTTP endpoint, and shuts them
 * down in order: stop accepting, drain the queue, flush the sink.
 */
export class IngestService {
  readonly metrics: PipelineMetrics;
  readonly queue: BoundedQueue<RawMessage>;
  private readonly receivers: Receiver[] = [];
  private readonly pipeline: Pipeline;
  private readonly http: HttpServer;
  private state: 'starting' | 'running' | 'stopping' = 'starting';
  private readonly listening: ListeningAddress[] = [];

  constructor(
    private readonly config: IngestServiceConfig,
    private readonly sink: EventSink,
    enrichers: EventEnricher[],
    private readonly logger: Logger,
    metrics?: PipelineMetrics,
    observers: IngestServiceObservers = {},
  ) {
    this.metrics = metrics ?? new PipelineMetrics();
    this.queue = new BoundedQueue<RawMessage>(config.queueCapacity, config.queueBytes);
    const normalize = { timeZone: config.timeZone, observer: defaultObserver(VERSION) };
    const codecs = CodecPool.forWorkers(
      config.workers ?? 1,
      { normalize, ...(config.geoIp !== undefined ? { geoIp: config.geoIp } : {}) },
      logger,
    );
    this.pipeline = new Pipeline({
      normalize,
      enrichers,
      sink,
      metrics: this.metrics,
      logger,
      batchSize: config.batchSize,
      ...(codecs !== undefined ? { codecs } : {}),
      ...(observers.messages !== undefined ? { messageObservers: observers.messages } : {}),
      ...(observers.events !== undefined ? { eventObservers: observers.events } : {}),
      ...(config.parseFailureRate !== undefined && config.parseFailureRate.rate > 0
        ? { parseFailures: new SenderRateLimiter(config.parseFailureRate) }
        : {}),
    });
    this.http = new HttpServer(this.metrics.registry, () => this.health());
    this.metrics.watchQueue(this.queue);
  }

  /** Opens every listener; on any failure closes what was opened and rethrows a SiemadError. */
  async start(): Promise<ListeningAddress[]> {
    const context: ReceiverContext = {
      queue: this.queue,
      metrics: this.metrics,
      logger: this.logger,
      allowList: new AllowList(this.config.allow),
      maxMessageBytes: this.config.maxMessageBytes,
      senderRate: new SenderRateLimiter(this.config.senderRate ?? { rate: 0, burst: 0 }),
      unwrittenChunks: this.pipeline.maxInFlight,
    };
    this.createReceivers(context);
    this.pipeline.start(this.queue);
    try {
      if (this.config.metricsPort !== null) {
        const port = await this.http.listen(this.config.metricsHost, this.config.metricsPort, '--metrics-port');
        this.listening.push({ receiver: `http ${this.config.metricsHost}`, port });
      }
      for (const receiver of this.receivers) {
        this.listening.push({ receiver: receiver.name, port: await receiver.listen() });
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.state = 'running';
    return this.listening;
  }

  private createReceivers(context: ReceiverContext): void {
    const { bind, udpPort, tcpPort, tlsPort, tls } = this.config;
    // With both an IPv4 and an IPv6 wildcard on one port, the IPv6 socket must not claim IPv4 too.
    const ipv6Only = bind.some((host) => net.isIPv4(host)) && bind.some((host) => net.isIPv6(host));
    for (const host of bind) {
      if (udpPort !== null) {
        const sinkFull = this.sink.isFull?.bind(this.sink);
        this.receivers.push(
          new UdpReceiver({ host, port: udpPort, ipv6Only, setting: '--udp-port', ...(sinkFull ? { sinkFull } : {}) }, context),
        );
      }
      if (tcpPort !== null) {
        this.receivers.push(
          new StreamReceiver({ ...this.streamOptions(host, tcpPort, ipv6Only), transport: 'tcp', setting: '--tcp-port' }, context),
        );
      }
      if (tlsPort !== null && tls !== undefined) {
        this.receivers.push(
          new StreamReceiver(
            {
              ...this.streamOptions(host, tlsPort, ipv6Only),
              transport: 'tls',
              setting: '--tls-port',
              tls: tlsOptions(tls),
            },
            context,
          ),
        );
      }
    }
  }

  private streamOptions(host: string, port: number, ipv6Only: boolean) {
    return {
      host,
      port,
      ipv6Only,
      maxConnections: this.config.maxConnections,
      idleTimeoutMs: this.config.idleTimeoutMs,
    };
  }

  health(): HealthReport {
    const sinkHealth = this.sink.health?.();
    const status =
      this.state === 'running' ? (sinkHealth?.degraded === true ? 'degraded' : 'ok') : this.state === 'stopping' ? 'stopping' : 'degraded';
    return {
      status,
      sink: this.sink.name,
      ...(sinkHealth !== undefined ? { sinkHealth } : {}),
      queueDepth: this.queue.length,
      queueCapacity: this.queue.capacity,
      listeners: this.listening,
    };
  }

  /** Lines from elsewhere (the HTTP API) through the same pipeline, between the receive loop's batches. */
  submit(raws: readonly RawMessage[], options: BatchOptions): Promise<EcsEvent[]> {
    if (this.state === 'stopping') return Promise.reject(new SiemadError(ERROR_CODES.CONFIG_INVALID, 'the collector is shutting down'));
    return this.pipeline.processBatch(raws, options);
  }

  /** Readiness of the receivers, the queue and the sink (the API adds models, Redis and the database). */
  readiness(): CollectorCheck[] {
    const checks: CollectorCheck[] = [
      {
        name: 'receivers',
        status: this.state === 'running' ? 'up' : 'down',
        required: true,
        detail: { state: this.state, listeners: this.listening },
      },
      {
        name: 'queue',
        status: this.queue.length >= 0.8 * this.queue.capacity ? 'degraded' : 'up',
        required: false,
        detail: { depth: this.queue.length, capacity: this.queue.capacity, fill: round3(this.queue.length / this.queue.capacity) },
      },
    ];
    const sinkHealth = this.sink.health?.();
    if (sinkHealth !== undefined) {
      const { degraded, ...detail } = sinkHealth;
      checks.push({ name: this.sink.name, status: degraded ? 'degraded' : 'up', required: false, detail });
    } else {
      checks.push({ name: this.sink.name, status: 'up', required: false });
    }
    return checks;
  }

  /** Stops accepting, drains the queue through the pipeline, flushes and closes the sink. */
  async stop(): Promise<void> {
    this.state = 'stopping';
    await Promise.all(this.receivers.map((receiver) => receiver.close()));
    await this.pipeline.stop();
    await this.http.close();
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function tlsOptions(tls: NonNullable<IngestServiceConfig['tls']>): tlsModule.SecureContextOptions & { requestCert: boolean } {
  const options = {
    cert: readTlsFile(tls.certFile, '--tls-cert'),
    key: readTlsFile(tls.keyFile, '--tls-key'),
    ...(tls.caFile !== undefined ? { ca: readTlsFile(tls.caFile, '--tls-ca') } : {}),
    requestCert: tls.requireClientCert,
  };
  if (tls.requireClientCert && tls.caFile === undefined) {
    throw new SiemadError(ERROR_CODES.TLS_INVALID, '--tls-require-client-cert needs --tls-ca to verify clients', '--tls-ca');
  }
  if (options.ca !== undefined) checkCertificates(options.ca, tls.caFile!, '--tls-ca');
  try {
    tlsModule.createSecureContext(options);
  } catch (err) {
    throw new SiemadError(
      ERROR_CODES.TLS_INVALID,
      `--tls-cert/--tls-key: unusable certificate or key: ${(err as Error).message.split('\n')[0]}`,
      '--tls-cert',
    );
  }
  return options;
}

/** A CA bundle must hold PEM certificates, every one of which parses (Node would ignore garbage). */
function checkCertificates(pem: Buffer, file: string, setting: string): void {
  const blocks = pem.toString('utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new SiemadError(ERROR_CODES.TLS_INVALID, `${setting}: ${file} holds no PEM certificate`, setting);
  for (const block of blocks) {
    try {
      new crypto.X509Certificate(block);
    } catch (err) {
      throw new SiemadError(
        ERROR_CODES.TLS_INVALID,
        `${setting}: ${file} holds an unreadable certificate: ${(err as Error).message.split('\n')[0]}`,
        setting,
      );
    }
  }
}
