import dgram from 'node:dgram';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { ERROR_CODES, SiemadError } from '../../core/errors.js';
import { frame, type SendFraming } from './encode.js';

export type SendTransport = 'udp' | 'tcp' | 'tls';

export interface SenderOptions {
  transport: SendTransport;
  host: string;
  port: number;
  framing: SendFraming;
  tls?: { caFile?: string; certFile?: string; keyFile?: string; insecure: boolean; serverName?: string };
}

/** Sends syslog messages over one connection (or one UDP socket), honouring socket backpressure. */
export interface Sender {
  /** Sends a batch; resolves when the socket can take more. */
  send(messages: readonly string[]): Promise<void>;
  bytesSent: number;
  close(): Promise<void>;
}

export async function openSender(options: SenderOptions): Promise<Sender> {
  return options.transport === 'udp' ? openUdp(options) : openStream(options);
}

async function openUdp(options: SenderOptions): Promise<Sender> {
  const socket = dgram.createSocket(net.isIPv6(options.host) ? 'udp6' : 'udp4');
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(options.port, options.host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const sender: Sender = {
    bytesSent: 0,
    async send(messages) {
      // UDP has no backpressure: wait for each batch to leave so the socket buffer cannot overflow.
      await Promise.all(
        messages.map((message) => {
          const payload = options.framing === 'octet-counting' ? frame(message, 'octet-counting') : message;
          const data = Buffer.from(payload);
          sender.bytesSent += data.length;
          return new Promise<void>((resolve) => socket.send(data, () => resolve()));
        }),
      );
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
  return sender;
}

function readFile(file: string, setting: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new SiemadError(ERROR_CODES.TLS_INVALID, `${setting}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code}`, setting);
  }
}

function drainOrClose(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

async function openStream(options: SenderOptions): Promise<Sender> {
  const { host, port } = options;
  let socket: net.Socket;
  if (options.transport === 'tls') {
    const t = options.tls ?? { insecure: false };
    socket = tls.connect({
      host,
      port,
      servername: t.serverName ?? (net.isIP(host) ? undefined : host),
      ...(t.caFile !== undefined ? { ca: readFile(t.caFile, '--tls-ca') } : {}),
      ...(t.certFile !== undefined ? { cert: readFile(t.certFile, '--tls-cert') } : {}),
      ...(t.keyFile !== undefined ? { key: readFile(t.keyFile, '--tls-key') } : {}),
      rejectUnauthorized: !t.insecure,
      minVersion: 'TLSv1.2',
    });
  } else {
    socket = net.connect({ host, port });
  }
  try {
    await once(socket, options.transport === 'tls' ? 'secureConnect' : 'connect');
  } catch (err) {
    socket.destroy();
    throw new SiemadError(ERROR_CODES.SEND_FAILED, `cannot connect to ${options.transport}://${host}:${port}: ${(err as Error).message}`);
  }
  let failure: Error | undefined;
  socket.on('error', (err) => {
    failure = err;
  });
  const sender: Sender = {
    bytesSent: 0,
    async send(messages) {
      if (failure !== undefined) throw new SiemadError(ERROR_CODES.SEND_FAILED, `connection lost: ${failure.message}`);
      let text = '';
      for (const message of messages) text += frame(message, options.framing);
      const data = Buffer.from(text);
      sender.bytesSent += data.length;
      if (!socket.write(data)) await drainOrClose(socket);
    },
    async close() {
      if (socket.destroyed) return;
      socket.end();
      await Promise.race([once(socket, 'close'), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      socket.destroy();
      if (failure !== undefined) throw new SiemadError(ERROR_CODES.SEND_FAILED, `connection lost: ${failure.message}`);
    },
  };
  return sender;
}
