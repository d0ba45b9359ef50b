import net from 'node:net';
import tls from 'node:tls';
import { StreamFramer } from '../framing.js';
import { newConnectionId, type RawMessage } from '../raw-message.js';
import { listenError } from './listen-error.js';
import { queuedSize, type Receiver, type ReceiverContext } from './receiver.js';

export interface StreamReceiverOptions {
  transport: 'tcp' | 'tls';
  host: string;
  port: number;
  ipv6Only: boolean;
  maxConnections: number;
  /** A connection with no data for this long is closed; 0 disables. Paused connections are exempt. */
  idleTimeoutMs: number;
  /** TLS only: certificate, key, CA and client-certificate policy (RFC 5425). */
  tls?: tls.SecureContextOptions & { requestCert: boolean };
  setting: string;
}

/**
 * TCP or TLS listener. Each connection gets its own framer (octet-counted or LF-terminated,
 * detected per frame). When the queue is full, sockets are paused — senders see TCP backpressure,
 * nothing is lost — and resumed once the queue has drained to half.
 */
export class StreamReceiver implements Receiver {
  readonly name: string;
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly options: StreamReceiverOptions,
    private readonly context: ReceiverContext,
  ) {
    this.name = `${options.transport} ${options.host}:${options.port}`;
  }

  listen(): Promise<number> {
    const { transport, host, port, ipv6Only, setting } = this.options;
    const server =
      transport === 'tls'
        ? tls.createServer({
            ...this.options.tls,
            requestCert: this.options.tls?.requestCert ?? false,
            rejectUnauthorized: this.options.tls?.requestCert ?? false,
            minVersion: 'TLSv1.2',
          })
        : net.createServer();
    this.server = server;
    const connectionEvent = transport === 'tls' ? 'secureConnection' : 'connection';
    server.on(connectionEvent, (socket: net.Socket) => this.accept(socket));
    if (transport === 'tls') {
      const handshakeFailures = this.context.metrics.connectionsRejected.labels('tls', 'handshake');
      server.on('tlsClientError', (err: Error, socket: tls.TLSSocket) => {
        handshakeFailures.inc();
        this.context.logger.debug({ err: err.message, peer: socket.remoteAddress }, 'tls handshake failed');
      });
    }
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => reject(listenError(err, setting, `${transport} ${host}:${port}`));
      server.once('error', onError);
      server.listen({ host, port, ipv6Only, exclusive: true }, () => {
        server.off('error', onError);
        server.on('error', (err) => this.context.logger.error({ err, receiver: this.name }, 'listener error'));
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  private accept(socket: net.Socket): void {
    const { transport, maxConnections, idleTimeoutMs } = this.options;
    const { metrics, queue, allowList, maxMessageBytes, logger, senderRate } = this.context;
    const unwrittenChunks = Math.max(1, this.context.unwrittenChunks ?? 1);
    const throttled = metrics.senderThrottled.labels(transport);
    if (!allowList.allows(socket.remoteAddress)) {
      metrics.connectionsRejected.labels(transport, 'not_allowed').inc();
      metrics.dropped.labels('not_allowed').inc();
      socket.destroy();
      return;
    }
    if (this.sockets.size >= maxConnections) {
      metrics.connectionsRejected.labels(transport, 'too_many_connections').inc();
      metrics.dropped.labels('too_many_connections').inc();
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    const open = metrics.openConnections.labels(transport);
    open.inc();
    const received = metrics.receivedChildren(transport);
    const peerAddress = socket.remoteAddress ?? '';
    const peerPort = socket.remotePort ?? 0;
    const connectionId = newConnectionId();
    let seq = 0;
    let receivedAt = 0;
    // Reasons the socket is paused: the last chunk's messages not yet written, the queue full.
    let holds = 0;
    let heldByQueue = false;
    let lastPushed: RawMessage | undefined;
    let unwritten = 0;

    const framer = new StreamFramer(
      (text, truncated, size) => {
        if (truncated) received.truncated.inc();
        received.messages.inc();
        const message: RawMessage = {
          text,
          transport,
          peerAddress,
          peerPort,
          receivedAt,
          connectionId,
          seq: seq++,
          truncated,
          size,
        };
        queue.pushAlways(message, queuedSize(message));
        lastPushed = message;
      },
      { maxMessageBytes, octetCounting: true, onFramingError: () => received.framingErrors.inc() },
    );

    const hold = (): void => {
      if (holds++ > 0) return;
      socket.pause();
      // Backpressure is not idleness: no timeout while we are the ones not reading.
      socket.setTimeout(0);
    };
    const release = (): void => {
      if (--holds > 0 || socket.destroyed) return;
      if (idleTimeoutMs > 0) socket.setTimeout(idleTimeoutMs);
      socket.resume();
    };
    const chunkWritten = (): void => {
      if (unwritten-- === unwrittenChunks) release();
    };
    const releaseQueue = (): void => {
      heldByQueue = false;
      release();
    };

    socket.on('data', (chunk: Buffer) => {
      receivedAt = Date.now();
      received.bytes.inc(chunk.length);
      const before = seq;
      framer.push(chunk);
      // Over its rate, a sender is not read for as long as it is over: backpressure, nothing lost.
      const overMs = seq > before ? senderRate.take(peerAddress, seq - before, receivedAt) : 0;
      if (overMs > 0) {
        throttled.inc();
        hold();
        setTimeout(release, overMs).unref();
      }
      // What was read is written (to the sink's buffer) before more than `unwrittenChunks` chunks
      // are read: a crash loses at most those and what the kernel holds for this socket.
      if (lastPushed !== undefined) {
        if (++unwritten === unwrittenChunks) hold();
        lastPushed.onWritten = chunkWritten;
        lastPushed = undefined;
      }
      if (!heldByQueue && queue.isFull()) {
        heldByQueue = true;
        hold();
        queue.onDrain(releaseQueue);
      }
    });
    socket.on('end', () => {
      receivedAt = Date.now();
      framer.end();
      socket.end();
    });
    if (idleTimeoutMs > 0) {
      socket.setTimeout(idleTimeoutMs);
      socket.on('timeout', () => {
        logger.debug({ peer: peerAddress, transport }, 'closing idle connection');
        socket.destroy();
      });
    }
    socket.on('error', (err) => logger.debug({ err: err.message, peer: peerAddress, transport }, 'connection error'));
    socket.on('close', () => {
      this.sockets.delete(socket);
      open.dec();
    });
  }

  /** Stops accepting; open connections are ended after what they already sent is framed. */
  close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      for (const socket of this.sockets) {
        socket.end();
        socket.destroySoon();
      }
      // A peer that never closes its side must not hold up shutdown.
      setTimeout(() => {
        for (const socket of this.sockets) socket.destroy();
      }, 2000).unref();
    });
  }
}
