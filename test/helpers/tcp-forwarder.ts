/**
 * A TCP relay to a real OpenSearch node: while it does not listen, the node is unreachable for
 * whoever uses the relay's port (connection refused), exactly as in a network outage. With TLS
 * options it terminates TLS in front of the node (the test node has no security plugin), so
 * clients face a real TLS server: its certificate, its CA, client certificates if required.
 */
import net from 'node:net';
import tls from 'node:tls';

export class TcpForwarder {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
    private readonly tlsOptions?: tls.TlsOptions,
  ) {}

  async open(): Promise<void> {
    const relay = (client: net.Socket): void => {
      const upstream = net.connect(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    };
    const server = this.tlsOptions === undefined ? net.createServer(relay) : tls.createServer(this.tlsOptions, relay);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: this.port, host: '127.0.0.1', exclusive: true }, resolve);
    });
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
