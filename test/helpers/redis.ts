/**
 * A private, memory-only redis-server on 127.0.0.1 for one test file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePortInRange } from './ports.js';
import { spawnPeer, waitUntilReady } from './process.js';
import { requireBinary } from './services.js';

export interface RedisHandle {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

// Ports reserved for Redis started by tests and development (see the project brief).
const REDIS_PORTS = { first: 16379, last: 16399 } as const;
const START_TIMEOUT_MS = 15_000;
const START_ATTEMPTS = 3;

/** Sends PING and resolves true on `+PONG`. */
export function pingRedis(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

export async function startRedis(): Promise<RedisHandle> {
  const binary = requireBinary('redis-server');
  const dir = await mkdtemp(join(tmpdir(), 'siemad-redis-'));
  // Another test process may take the probed port first; then redis exits and we try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePortInRange(REDIS_PORTS.first, REDIS_PORTS.last, 'tcp');
    const peer = spawnPeer(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { logFile: join(dir, 'redis.log') },
    );
    try {
      await waitUntilReady(peer, `redis-server on port ${port}`, () => pingRedis(port), { timeoutMs: START_TIMEOUT_MS, intervalMs: 50 });
    } catch (error) {
      if (peer.hasExited() && attempt < START_ATTEMPTS) continue;
      await peer.kill();
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      pid: peer.pid,
      async stop() {
        await peer.stop(10_000);
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
}
