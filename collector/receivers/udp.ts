import dgram from 'node:dgram';
import net from 'node:net';
import { datagramText } from '../framing.js';
import { newConnectionId, type RawMessage } from '../raw-message.js';
import { listenError } from './listen-error.js';
import { queuedSize, type Receiver, type ReceiverContext } from './receiver.js';

export interface UdpReceiverOptions {
  host: string;
  port: number;
  /** Set when an IPv4 wildcard listener shares the port, so `::` must not also take IPv4. */
  ipv6Only: boolean;
  /** Flag or variable named in errors. */
  setting: string;
  /** While this returns true (the sink's disk buffer is full), datagrams are dropped as `buffer_full`. */
  sinkFull?: () => boolean;
}

/** One UDP socket; a datagram is one message. Datagrams that find the queue full are dropped and counted. */
export class UdpReceiver implements Receiver {
  readonly name: string;
  private socket: dgram.Socket | undefined;
  private readonly connectionId = newConnectionId();
  private seq = 0;

  constructor(
    private readonly options: UdpReceiverOptions,
    private readonly context: ReceiverContext,
  ) {
    this.name = `udp ${options.host}:${options.port}`;
  }

  listen(): Promise<number> {
    const { host, port, ipv6Only, setting } = this.options;
    const type = net.isIPv6(host) ? 'udp6' : 'udp4';
    const socket = dgram.createSocket({ type, ipv6Only: type === 'udp6' && ipv6Only });
    this.socket = socket;
    const { metrics, queue, allowList, maxMessageBytes, senderRate } = this.context;
    const received = metrics.receivedChildren('udp');
    const dropQueueFull = metrics.dropped.labels('queue_full');
    const dropNotAllowed = metrics.dropped.labels('not_allowed');
    const dropBufferFull = metrics.dropped.labels('buffer_full');
    const dropSenderRate = metrics.dropped.labels('sender_rate');
    const sinkFull = this.options.sinkFull;
    socket.on('message', (datagram, rinfo) => {
      received.messages.inc();
      received.bytes.inc(datagram.length);
      if (!allowList.allows(rinfo.address)) {
        dropNotAllowed.inc();
        return;
      }
      if (!senderRate.allow(rinfo.address, Date.now())) {
        dropSenderRate.inc();
        return;
      }
      if (sinkFull?.()) {
        dropBufferFull.inc();
        return;
      }
      if (queue.isFull()) {
        dropQueueFull.inc();
        return;
      }
      const { text, truncated } = datagramText(datagram, maxMessageBytes);
      if (truncated) received.truncated.inc();
      const message: RawMessage = {
        text,
        transport: 'udp',
        peerAddress: rinfo.address,
        peerPort: rinfo.port,
        receivedAt: Date.now(),
        connectionId: this.connectionId,
        seq: this.seq++,
        truncated,
        size: datagram.length,
      };
      queue.pushAlways(message, queuedSize(message));
    });
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => reject(listenError(err, setting, `udp ${host}:${port}`));
      socket.once('error', onError);
      socket.bind({ address: host, port, exclusive: true }, () => {
        socket.off('error', onError);
        socket.on('error', (err) => this.context.logger.warn({ err, receiver: this.name }, 'udp socket error'));
        try {
          // A larger kernel buffer absorbs bursts while the event loop is busy; capped by net.core.rmem_max.
          socket.setRecvBufferSize(8 * 1024 * 1024);
        } catch {
          /* keep the system default */
        }
        resolve(socket.address().port);
      });
    });
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket === undefined) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }
}
