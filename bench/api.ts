/**
 * `npm run bench:api`: the HTTP analysis API of a real `siemad serve` (scoring on, NDJSON sink,
 * embedded PostgreSQL) under autocannon: the p99 latency of POST /api/v1/logs/analyze (one line
 * per request, one connection) and the lines per second of POST /api/v1/logs/batch (1,000 lines
 * per request). Lines are a mix of sshd, nginx and netfilter lines from rotating documentation
 * addresses; every one is scored and stored (no dry run). The token's rate limits are lifted
 * (--api-rate 0 --api-ingest-rate 0) so the pipeline is measured, not the limiter.
 *
 * Anomalies become alerts in PostgreSQL. The embedded database (PGlite, WebAssembly) runs on a
 * thread of its own; give a PostgreSQL server (--database-url) to measure the deployment README
 * recommends for load.
 *
 *   npm run bench:api [-- --seconds 10] [--batch-connections 2] [--workers N] [--database-url postgres://...] [--cpu-prof DIR]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { PACKAGE_ROOT } from '../core/package-root.js';

interface AutocannonResult {
  latency: { p50: number; p99: number; average: number };
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const options = new Command('bench:api')
  .option('--seconds <n>', 'duration of each measurement', Number, 10)
  .option('--batch-connections <n>', 'concurrent batch requests', Number, 2)
  .option('--workers <n>', 'siemad serve --workers', Number, 1)
  .option('--database-url <url>', 'PostgreSQL server for alerts and tokens (default: the embedded PGlite)')
  .option('--cpu-prof <dir>', 'write a CPU profile of siemad serve into this directory (node --cpu-prof)')
  .parse()
  .opts<{ seconds: number; batchConnections: number; workers: number; databaseUrl?: string; cpuProf?: string }>();

const SIEMAD = path.join(PACKAGE_ROOT, 'dist', 'cli', 'siemad.js');

function line(i: number): string {
  const a = `203.0.113.${i % 250}`;
  const b = `198.51.100.${(i * 7) % 250}`;
  switch (i % 4) {
    case 0:
      return `<38>1 2026-05-01T10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z web-${i % 5} sshd ${1000 + (i % 500)} - - Failed password for invalid user u${i % 97} from ${a} port ${30_000 + (i % 1000)} ssh2`;
    case 1:
      return `<38>1 2026-05-01T10:00:00Z web-${i % 5} sshd ${2000 + (i % 500)} - - Accepted publickey for deploy from ${b} port 50000 ssh2`;
    case 2:
      return `<190>1 2026-05-01T10:00:00Z web-${i % 5} nginx - - - ${b} - - [01/May/2026:10:00:00 +0000] "GET /app/item/${i % 300} HTTP/1.1" ${i % 13 === 0 ? 404 : 200} 512 "-" "Mozilla/5.0"`;
    default:
      return `<4>1 2026-05-01T10:00:00Z fw-1 kernel - - - [UFW BLOCK] IN=eth0 OUT= SRC=${a} DST=192.0.2.1 LEN=60 PROTO=TCP SPT=${40_000 + (i % 999)} DPT=${(i % 1024) + 1} WINDOW=1024 SYN URGP=0`;
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'siemad-bench-api-'));
  const database = options.databaseUrl !== undefined ? ['--database-url', options.databaseUrl] : [];
  const name = `bench-${process.pid}-${Date.now()}`;
  const created = spawnSync(
    process.execPath,
    [SIEMAD, 'token', 'create', '--name', name, '--scope', 'ingest', '--data-dir', dataDir, ...database],
    { encoding: 'utf8' },
  );
  if (created.status !== 0) throw new Error(created.stderr);
  const token = created.stdout.trim();
  const child = spawn(
    process.execPath,
    [
      ...(options.cpuProf !== undefined ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(options.cpuProf)] : []),
      SIEMAD,
      'serve',
      '--bind',
      '127.0.0.1',
      '--udp-port',
      'off',
      '--tcp-port',
      'off',
      '--metrics-port',
      'off',
      '--api-port',
      '0',
      '--api-rate',
      '0',
      '--api-ingest-rate',
      '0',
      '--workers',
      String(options.workers),
      '--data-dir',
      dataDir,
      ...database,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const deadline = Date.now() + 60_000;
      const poll = setInterval(() => {
        const match = /"receiver":"api 127\.0\.0\.1","port":(\d+)/.exec(log);
        if (match !== null) {
          clearInterval(poll);
          // From now on the log (one line per request) is read and dropped.
          child.stdout.removeAllListeners('data');
          child.stdout.resume();
          resolve(Number(match[1]));
        } else if (Date.now() > deadline || child.exitCode !== null) {
          clearInterval(poll);
          reject(new Error(`siemad serve did not start: ${log.slice(-500)}`));
        }
      }, 100);
    });
    const url = `http://127.0.0.1:${port}`;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const requests = Array.from({ length: 1000 }, (_, i) => ({
      method: 'POST',
      path: '/api/v1/logs/analyze',
      headers,
      body: JSON.stringify({ log_line: line(i) }),
    }));
    // Warm-up: models, JIT and the database's first queries.
    await autocannon({ url, connections: 1, duration: 2, requests });
    const single = await autocannon({ url, connections: 1, duration: options.seconds, requests });
    const batches = Array.from({ length: 20 }, (_, b) => ({
      method: 'POST',
      path: '/api/v1/logs/batch',
      headers,
      body: JSON.stringify({ logs: Array.from({ length: 1000 }, (_, i) => line(b * 1000 + i)) }),
    }));
    await autocannon({ url, connections: options.batchConnections, duration: 2, requests: batches });
    const batch = await autocannon({ url, connections: options.batchConnections, duration: options.seconds, requests: batches });
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    process.stdout.write(
      [
        `machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; --workers ${options.workers}; database: ${options.databaseUrl !== undefined ? 'PostgreSQL server' : 'embedded PGlite'}`,
        `analyze (1 connection, ${options.seconds} s): p50 ${single.latency.p50} ms, p99 ${single.latency.p99} ms, ${Math.round(single.requests.average)} requests/s, non-2xx ${single.non2xx}, errors ${single.errors}`,
        `batch of 1000 (${options.batchConnections} connections, ${options.seconds} s): ${Math.round(batch.requests.average * 1000)} lines/s, p50 ${batch.latency.p50} ms, p99 ${batch.latency.p99} ms per batch, non-2xx ${batch.non2xx}, errors ${batch.errors}`,
        '',
      ].join('\n'),
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:api: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
