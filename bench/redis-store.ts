/**
 * Throughput of the Redis window store (scorer/windows/redis-store.ts) on a realistic op mix.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/redis-store.js [seconds per run]
 *   npx tsx bench/redis-store.ts [seconds per run]
 *
 * Uses $REDIS_URL if set (keys under a fresh `bench<pid>:` prefix, deleted at the end), else starts
 * a private memory-only redis-server on 127.0.0.1 (port 16400-16499) and stops it at the end.
 * $BENCH_HEAVY_SHARE (default 0.3) sets the share of events from heavy IPs.
 *
 * Workload: batches of 256 events, 4 window operations each (so 1024 ops), mixed like the feature
 * extractor emits them: firewall denies (seen ip, ports by ip, denies by ip, host profile), web
 * requests (requests, errors, paths by ip, host profile), sshd failures (seen ip, failures by ip,
 * users tried by ip, failures by user) and successes (seen user+ip, user hour profile, failures by
 * ip read, admin lookup). 30% of events come from 12 heavy IPs (scanners, crawlers, brute forcers:
 * their port/path/user series go past 64 members and into HyperLogLogs), 70% from 200,000 light
 * IPs. Event time advances 1 s per 30,000 events. Batches are generated up front; their times are
 * shifted on each reuse so windows keep moving.
 *
 * Prints, for 1 and for 4 batches in flight on one connection: ops/s and events/s (wall clock),
 * batch latency, and the CPU each side spends per event — this process (encoding, the client,
 * decoding) and redis-server (the script), from INFO cpu.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { OpBatch, SLOT } from '../scorer/windows/ops.js';
import { RedisWindowStore } from '../scorer/windows/redis-store.js';

const SECONDS_PER_RUN = Number(process.argv[2] ?? 10);
const EVENTS_PER_BATCH = 256;
const EVENTS_PER_SECOND_OF_EVENT_TIME = 30_000;
const DISTINCT_BATCHES = 400;
const HEAVY_IPS = 12;
const LIGHT_IPS = 200_000;
const HEAVY_SHARE = Number(process.env.BENCH_HEAVY_SHARE ?? 0.3);
const PORT_RANGE = [16400, 16499] as const;

/** Park–Miller minimal standard generator: deterministic, so runs reproduce. */
function prng(seed: number): () => number {
  let state = (seed % 2147483646) + 1;
  return () => (state = (state * 48271) % 2147483647) / 2147483647;
}

function makeBatches(): OpBatch[] {
  const random = prng(7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const heavyIps = Array.from({ length: HEAVY_IPS }, (_, i) => `203.0.113.${i + 1}`);
  const lightIp = () => {
    const n = Math.floor(random() * LIGHT_IPS);
    return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  };
  const commonUsers = ['root', 'admin', 'test', 'oracle', 'ubuntu', 'postgres', 'user', 'git'];
  const realUsers = Array.from({ length: 500 }, (_, i) => `user${i}`);
  const hosts = Array.from({ length: 20 }, (_, i) => `web-${i}`);
  const commonPaths = ['/', '/index.html', '/login', '/api/v1/items', '/static/app.js', '/favicon.ico'];
  const commonPorts = [22, 23, 80, 443, 445, 3389, 8080];
  const batches: OpBatch[] = [];
  let time = Date.UTC(2026, 10, 2, 8);
  for (let b = 0; b < DISTINCT_BATCHES; b++) {
    const batch = new OpBatch(EVENTS_PER_BATCH * 4);
    for (let e = 0; e < EVENTS_PER_BATCH; e++) {
      time += 1000 / EVENTS_PER_SECOND_OF_EVENT_TIME;
      const heavy = random() < HEAVY_SHARE;
      const ip = heavy ? pick(heavyIps) : lightIp();
      const host = pick(hosts);
      const kind = random();
      if (kind < 0.35) {
        const port = heavy ? 1 + Math.floor(random() * 65535) : pick(commonPorts);
        batch.add(SLOT.seen_ip, ip, '', time, 1);
        batch.add(SLOT.ports_by_ip, 'i:' + ip, String(port), time, 1);
        batch.add(SLOT.hosts_by_ip, 'i:' + ip, '198.51.100.7', time, 1);
        batch.add(SLOT.hour_profile_by_host, host, '', time, new Date(time).getUTCHours());
      } else if (kind < 0.7) {
        const path = heavy ? `/wp-content/${Math.floor(random() * 5000)}.php` : pick(commonPaths);
        if (heavy) batch.add(SLOT.web_error_paths_by_ip, 'i:' + ip, path, time, 1);
        batch.add(SLOT.web_paths_by_ip, 'i:' + ip, path, time, 1);
        batch.add(SLOT.hour_profile_by_host, host, '', time, new Date(time).getUTCHours());
      } else if (kind < 0.95) {
        const user = heavy ? `${pick(commonUsers)}${Math.floor(random() * 300)}` : pick(commonUsers);
        batch.add(SLOT.seen_ip, ip, '', time, 1);
        batch.add(SLOT.auth_fail_by_ip, 'i:' + ip, '', time, 1);
        batch.add(SLOT.users_tried_by_ip, 'i:' + ip, user, time, 1);
        batch.add(SLOT.auth_fail_by_ip_day, 'i:' + ip, '', time, 1);
        batch.add(SLOT.fail_ips_by_user, 'u:' + user, ip, time, 1);
      } else {
        const user = pick(realUsers);
        batch.add(SLOT.seen_user_ip, user + '|' + ip, '', time, 1);
        batch.add(SLOT.hour_profile_by_user, user, '', time, new Date(time).getUTCHours());
        batch.add(SLOT.auth_fail_by_ip, 'i:' + ip, '', time, 0);
        batch.add(SLOT.seen_admin, user, '', time, 0);
      }
    }
    batches.push(batch);
  }
  return batches;
}

async function freePort(): Promise<number> {
  for (let port = PORT_RANGE[0]; port <= PORT_RANGE[1]; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${PORT_RANGE.join('-')}`);
}

async function startRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.quit();
      return { url, child };
    } catch {
      probe.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not start (is it installed? scripts/install-system-deps.sh)');
}

/** redis-server CPU seconds used so far (user + sys, all its threads). */
async function redisCpuSeconds(admin: Redis): Promise<number> {
  const info = await admin.info('cpu');
  const user = Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? NaN);
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? NaN);
  return user + sys;
}

interface RunResult {
  ops: number;
  events: number;
  seconds: number;
  latencies: number[];
  clientCpu: number;
  redisCpu: number;
}

/** Generated batches, each with its original times; pass k over them adds k spans of event time. */
interface Workload {
  batches: OpBatch[];
  originalTimes: Float64Array[];
  spanMs: number;
  /** Batches taken so far, across runs. */
  taken: number;
}

async function run(store: RedisWindowStore, admin: Redis, work: Workload, inFlight: number, seconds: number): Promise<RunResult> {
  const latencies: number[] = [];
  let ops = 0;
  let events = 0;
  const redisCpuAtStart = await redisCpuSeconds(admin);
  const cpuAtStart = process.cpuUsage();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const taken = work.taken++;
      const index = taken % work.batches.length;
      const batch = work.batches[index]!;
      const original = work.originalTimes[index]!;
      const shift = Math.floor(taken / work.batches.length) * work.spanMs;
      for (let i = 0; i < batch.size; i++) batch.times[i] = original[i]! + shift;
      const began = performance.now();
      await store.execute(batch);
      latencies.push(performance.now() - began);
      ops += batch.size;
      events += EVENTS_PER_BATCH;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    ops,
    events,
    seconds: elapsed,
    latencies,
    clientCpu: (cpu.user + cpu.system) / 1e6,
    redisCpu: (await redisCpuSeconds(admin)) - redisCpuAtStart,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

function report(label: string, r: RunResult): void {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  const f = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(
    `${label}: ${f(r.ops / r.seconds)} ops/s, ${f(r.events / r.seconds)} events/s; batch p50 ${percentile(sorted, 0.5).toFixed(1)} ms, ` +
      `p99 ${percentile(sorted, 0.99).toFixed(1)} ms; CPU per event: client ${((r.clientCpu / r.events) * 1e6).toFixed(1)} µs, ` +
      `redis-server ${((r.redisCpu / r.events) * 1e6).toFixed(1)} µs (${f(r.ops / r.redisCpu)} ops per Redis CPU second)`,
  );
}

async function main(): Promise<void> {
  const external = process.env.REDIS_URL;
  const local = external === undefined ? await startRedis() : undefined;
  const url = external ?? local!.url;
  const prefix = `bench${process.pid}:`;
  const admin = new Redis(url);
  try {
    const store = await RedisWindowStore.connect({ url, keyPrefix: prefix });
    const batches = makeBatches();
    const work: Workload = {
      batches,
      originalTimes: batches.map((b) => b.times.slice(0, b.size)),
      spanMs: (DISTINCT_BATCHES * EVENTS_PER_BATCH * 1000) / EVENTS_PER_SECOND_OF_EVENT_TIME,
      taken: 0,
    };
    const opsPerBatch = batches.reduce((sum, b) => sum + b.size, 0) / batches.length;
    const version = /redis_version:(\S+)/.exec(await admin.info('server'))?.[1];
    console.log(
      `redis-store bench: Redis ${version} at ${url}, ${EVENTS_PER_BATCH} events (${opsPerBatch} ops) per batch, ${SECONDS_PER_RUN} s per run`,
    );
    await run(store, admin, work, 1, Math.min(3, SECONDS_PER_RUN)); // warm-up: fills state, heavy series go to sketches
    report('1 batch in flight ', await run(store, admin, work, 1, SECONDS_PER_RUN));
    report('4 batches in flight', await run(store, admin, work, 4, SECONDS_PER_RUN));
    const keys = Number(/keys=(\d+)/.exec(await admin.info('keyspace'))?.[1] ?? 0);
    const memory = /used_memory_human:(\S+)/.exec(await admin.info('memory'))?.[1];
    console.log(`state: ${keys.toLocaleString('en-US')} keys, Redis memory ${memory}`);
    await store.close();
  } finally {
    if (external !== undefined) {
      // Leave a shared Redis as found.
      let cursor = '0';
      do {
        const [nextCursor, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        if (keys.length > 0) await admin.del(...keys);
        cursor = nextCursor;
      } while (cursor !== '0');
    }
    admin.disconnect();
    local?.child.kill('SIGTERM');
  }
}

await main();
