/**
 * A local webhook receiver for tests: a real HTTP server on 127.0.0.1 that records every request
 * (JSON bodies parsed) and answers as the test scripts it: fail, delay, recover.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** ms to wait before answering. */
  delayMs?: number;
}

/** `answer(request, n)` decides the response to the n-th request (0-based); default 200. */
export type Responder = (request: ReceivedRequest, n: number) => Answer;

export class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  responder: Responder = () => ({ status: 200, body: 'ok' });

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* kept as text: a test asserts on it */
        }
        const request: ReceivedRequest = { at: Date.now(), path: req.url ?? '', headers: req.headers, body };
        const n = receiver.received.length;
        receiver.received.push(request);
        const answer = receiver.responder(request, n);
        const send = (): void => {
          res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
          res.end(answer.body ?? '');
        };
        if (answer.delayMs !== undefined) setTimeout(send, answer.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
