/**
 * `npm run bench:score`: events per second for feature updates plus scoring (window store +
 * feature extraction + ONNX models + explanations), on one core, in batches of 256, with the
 * in-memory store and with the Redis store; and the collector's RSS with 1M distinct source IPs
 * tracked in the memory store.
 *
 *   npm run bench:score [-- --events 400000] [--redis-url redis://127.0.0.1:6379] [--skip-redis] [--ips 1000000]
 *
 * The events are a realistic mix (the evaluation generator's benign traffic and attacks, decoded
 * by the real decoders, ~50% auth, web, firewall, privilege and other); decoding is done before
 * the clock starts. Without --redis-url a private redis-server is started on a free port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { Command } from 'commander';
import type { EcsEvent } from '../collector/ecs/event.js';
import { defaultObserver, normalize } from '../collector/normalize.js';
import type { RawMessage } from '../collector/raw-message.js';
import { generateStream } from '../eval/generator/generate-stream.js';
import { PACKAGE_ROOT } from '../core/package-root.js';
import { ModelEnsemble } from '../scorer/model/ensemble.js';
import { AnomalyScorer } from '../scorer/scorer.js';
import { MemoryWindowStore } from '../scorer/windows/memory-store.js';
import type { WindowStore } from '../scorer/windows/ops.js';
import { RedisWindowStore } from '../scorer/windows/redis-store.js';

const options = new Command('bench:score')
  .option('--events <n>', 'events to score per store', Number, 400_000)
  .option('--batch <n>', 'events per scoring batch', Number, 256)
  .option('--ips <n>', 'distinct source IPs for the memory test (0 to skip)', Number, 1_000_000)
  .option('--redis-url <url>', 'Redis to use instead of a private redis-server')
  .option('--skip-redis', 'do not measure the Redis store')
  .option('--ips-only', 'only the distinct-IP memory test (run in a child process of its own)')
  .option('--rounds <n>', 'runs per store (the median is reported)', Number, 3)
  .option('--model-dir <dir>', 'model directory', `${PACKAGE_ROOT}/models/current`)
  .parse()
  .opts<{
    events: number;
    batch: number;
    ips: number;
    redisUrl?: string;
    skipRedis?: boolean;
    ipsOnly?: boolean;
    rounds: number;
    modelDir: string;
  }>();

const context = { timeZone: 'UTC', observer: defaultObserver('bench') };

function decode(lines: readonly string[]): EcsEvent[] {
  const receivedAt = Date.UTC(2026, 11, 1);
  return lines.map((text, seq) => {
    const raw: RawMessage = {
      text,
      transport: 'tcp',
      peerAddress: '192.0.2.1',
      peerPort: 514,
      receivedAt,
      connectionId: 1,
      seq,
      truncated: false,
      size: text.length,
    };
    return normalize(raw, context);
  });
}

/** Enough generated log lines (several weeks of the evaluation company, with attacks). */
function logLines(count: number): string[] {
  const out: string[] = [];
  for (let week = 0; out.length < count; week++) {
    const start = new Date(Date.UTC(2026, 8, 7) + week * 7 * 86_400_000).toISOString();
    for (const line of generateStream({ seed: 500 + week, days: 7, startTime: start }).lines) out.push(line);
  }
  return out.slice(0, count);
}

function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

function rssMiB(): number {
  return process.memoryUsage().rss / 1024 / 1024;
}

/**
 * Decodes each batch untimed (as the pipeline has already done when the scorer gets it), then
 * times only the scorer: CPU seconds of this process and wall seconds spent in `enrich`.
 */
async function throughput(name: string, store: WindowStore, lines: readonly string[]): Promise<{ cpu: number; wall: number }> {
  const ensemble = await ModelEnsemble.load(options.modelDir);
  const scorer = new AnomalyScorer(ensemble, store, {
    batchSize: options.batch,
    outOfOrderToleranceMs: 300_000,
    profileTimeZone: 'UTC',
    maxReasons: 3,
  });
  let cpu = 0;
  let wall = 0;
  let anomalies = 0;
  for (let i = 0; i < lines.length; i += options.batch) {
    const batch = decode(lines.slice(i, i + options.batch));
    const cpuStart = cpuSeconds();
    const wallStart = performance.now();
    await scorer.enrich(batch);
    wall += (performance.now() - wallStart) / 1000;
    cpu += cpuSeconds() - cpuStart;
    for (const event of batch) if (event.anomaly?.is_anomaly === true) anomalies++;
  }
  process.stdout.write(
    `${name.padEnd(14)} ${Math.round(lines.length / cpu)
      .toLocaleString('en-US')
      .padStart(9)} events/CPU-s of this process ` +
      `(${Math.round(lines.length / wall).toLocaleString('en-US')} events/s wall on the scoring thread), ${lines.length} events, ${anomalies} anomalies\n`,
  );
  await scorer.close();
  return { cpu: lines.length / cpu, wall: lines.length / wall };
}

/** Median of the runs (this 2-core VM's timings vary by ±30% from run to run). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** RSS with `count` distinct source IPs, each failing one SSH login, all within one hour. */
async function distinctIps(count: number): Promise<void> {
  const ensemble = await ModelEnsemble.load(options.modelDir);
  const store = new MemoryWindowStore();
  const scorer = new AnomalyScorer(ensemble, store, {
    batchSize: options.batch,
    outOfOrderToleranceMs: 300_000,
    profileTimeZone: 'UTC',
    maxReasons: 3,
  });
  global.gc?.();
  const before = rssMiB();
  const heapBefore = process.memoryUsage().heapUsed / 1024 / 1024;
  const t0 = Date.UTC(2026, 10, 2, 8);
  const created = new Date(t0).toISOString();
  const users = ['root', 'admin', 'ubuntu', 'test', 'oracle', 'postgres', 'git', 'user'];
  const cpuStart = cpuSeconds();
  for (let i = 0; i < count; i += options.batch) {
    const batch: EcsEvent[] = [];
    for (let k = i; k < Math.min(count, i + options.batch); k++) {
      const ip = `${10 + (k >>> 24)}.${(k >>> 16) & 255}.${(k >>> 8) & 255}.${k & 255}`;
      const user = users[k % users.length]!;
      batch.push({
        '@timestamp': new Date(t0 + Math.floor((k / count) * 3_600_000)).toISOString(),
        ecs: { version: '8.11.0' },
        event: {
          created,
          kind: 'event',
          original: '',
          dataset: 'system.auth',
          action: 'ssh-login',
          category: ['authentication'],
          type: ['info'],
          outcome: 'failure',
        },
        log: {},
        host: { hostname: 'bastion-01' },
        source: { ip },
        user: { name: user },
      });
    }
    await scorer.enrich(batch);
  }
  const cpu = cpuSeconds() - cpuStart;
  // What stays: V8 returns emptied heap pages after full collections and a moment of idleness.
  for (let i = 0; i < 3; i++) {
    global.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const after = rssMiB();
  const heap = process.memoryUsage().heapUsed / 1024 / 1024 - heapBefore;
  if (process.env.SIEMAD_BENCH_VERBOSE) process.stderr.write(JSON.stringify(process.memoryUsage()) + '\n');
  process.stdout.write(
    `memory store with ${count.toLocaleString('en-US')} distinct source IPs tracked: RSS ${after.toFixed(0)} MiB ` +
      `(${(after - before).toFixed(0)} MiB above the ${before.toFixed(0)} MiB before, of which JS heap ${heap.toFixed(0)} MiB; ${store.stats().entities.toLocaleString('en-US')} entities; ` +
      `${Math.round(count / cpu).toLocaleString('en-US')} events/CPU-s)\n`,
  );
  await scorer.close();
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** A private redis-server on a free port; undefined when there is none to start (not installed). */
async function privateRedis(): Promise<{ url: string; child: ChildProcess } | undefined> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  let spawnFailed = false;
  child.once('error', () => {
    spawnFailed = true;
  });
  for (let attempt = 0; attempt < 100; attempt++) {
    if (spawnFailed) return undefined;
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) return { url: `redis://127.0.0.1:${port}`, child };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not start');
}

/** The memory test runs in a fresh process, so nothing else this benchmark holds is in its RSS. */
function distinctIpsInChildProcess(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        process.argv[1]!,
        '--ips-only',
        '--ips',
        String(options.ips),
        '--batch',
        String(options.batch),
        '--model-dir',
        options.modelDir,
      ],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`distinct-IP test exited ${code}`))));
  });
}

if (options.ipsOnly === true) {
  await distinctIps(options.ips);
} else {
  process.stdout.write(
    `bench:score — feature updates + scoring, batches of ${options.batch}, one core\n` +
      `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), Node ${process.version}, model ${options.modelDir}\n\n`,
  );
  const stream = logLines(options.events);
  const memory: { cpu: number; wall: number }[] = [];
  for (let round = 0; round < options.rounds; round++) memory.push(await throughput('memory store', new MemoryWindowStore(), stream));
  const redisRuns: { cpu: number; wall: number }[] = [];
  if (options.skipRedis !== true) {
    const redis = options.redisUrl !== undefined ? { url: options.redisUrl, child: undefined } : await privateRedis();
    if (redis === undefined) process.stdout.write('redis store: skipped, redis-server is not installed (or --redis-url URL)\n');
    else
      try {
        for (let round = 0; round < options.rounds; round++) {
          redisRuns.push(
            await throughput(
              'redis store',
              await RedisWindowStore.connect({ url: redis.url, keyPrefix: `bench${process.pid}r${round}:` }),
              stream,
            ),
          );
        }
      } finally {
        redis.child?.kill('SIGTERM');
      }
  }
  const summary = (name: string, runs: { cpu: number; wall: number }[]): string =>
    `${name}: median ${Math.round(median(runs.map((r) => r.wall))).toLocaleString('en-US')} events/s on the scoring thread, ` +
    `${Math.round(median(runs.map((r) => r.cpu))).toLocaleString('en-US')} events per CPU-second of the process\n`;
  process.stdout.write('\n' + summary('memory store', memory) + (redisRuns.length > 0 ? summary('redis store', redisRuns) : ''));
  if (options.ips > 0) await distinctIpsInChildProcess();
}
