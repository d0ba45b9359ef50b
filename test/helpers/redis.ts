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
  return redisReply(port, 'PING', timeoutMs).then((reply) => reply?.startsWith('+PONG') ?? false);
}

/** The `process_id` the server on `port` reports, so we know the one answering is ours. */
async function redisProcessId(port: number): Promise<number | undefined> {
  const reply = await redisReply(port, 'INFO server');
  const match = /\r\nprocess_id:(\d+)\r\n/.exec(reply ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Sends one inline command and resolves with the complete reply (undefined on error/timeout). */
function redisReply(port: number, command: string, timeoutMs = 1_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (value: string | undefined) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => finish(undefined));
    socket.once('error', () => finish(undefined));
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.length > 65_536) return finish(undefined);
      // A bulk string ($<length>\r\n<data>\r\n) is complete once all its bytes are in.
      const bulk = /^\$(\d+)\r\n/.exec(reply);
      const complete = bulk ? reply.length >= bulk[0].length + Number(bulk[1]) + 2 : reply.includes('\r\n');
      if (complete) finish(reply);
    });
  });
}

export async function startRedis(): Promise<RedisHandle> {
  const binary = requireBinary('redis-server');
  const dir = await mkdtemp(join(tmpdir(), 'siemad-redis-'));
  // Another test process may take the probed port first; then redis exits and we try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePortInRange(REDIS_PORTS.first, REDIS_PORTS.last, 'tcp');
    const peer = spawnPeer(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      logFile: join(dir, 'redis.log'),
    });
    try {
      // Another test's server may hold the port: only ours, by PID, counts as ready.
      const answersAsOurs = async () => (await redisProcessId(port)) === peer.pid;
      await waitUntilReady(peer, `redis-server on port ${port}`, answersAsOurs, { timeoutMs: START_TIMEOUT_MS, intervalMs: 50 });
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
