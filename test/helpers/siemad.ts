/**
 * Runs the built `siemad` CLI (dist/, built by the test script) as a real process, the way users
 * run it: `runSiemad` / `runSiemadAsync` run a command to its end; `startServe` launches
 * `siemad serve` on ephemeral loopback ports and reads the ports it bound from its pino log (events
 * land in NDJSON under a private data directory); `sendOverTcp`, `metricValue` and `healthStatus`
 * feed it and read its `/metrics` and `/healthz`.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { spawnPeer, tailOfFile, waitUntilReady, type PeerProcess } from './process.js';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const SIEMAD = join(REPO_ROOT, 'dist', 'cli', 'siemad.js');

/** Builds dist/ once per test process if it is missing (the test script builds it anyway). */
export function ensureBuilt(): void {
  if (existsSync(SIEMAD)) return;
  const result = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `siemad ARGS` to its end and returns its exit status and output; blocks this process meanwhile. */
export function runSiemad(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): CliResult {
  ensureBuilt();
  const result = spawnSync(process.execPath, [SIEMAD, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: timeoutMs });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `runSiemad` without blocking: for when this process is the peer siemad talks to (an HTTP server, a TLS relay). */
export function runSiemadAsync(args: readonly string[], timeoutMs = 120_000): Promise<CliResult> {
  ensureBuilt();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SIEMAD, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

export interface ServeHandle {
  readonly process: PeerProcess;
  readonly dataDir: string;
  /** receiver name (e.g. "tcp 127.0.0.1:0") → bound port */
  readonly listening: { receiver: string; port: number }[];
  port(transport: 'udp' | 'tcp' | 'tls' | 'http' | 'api', host?: string): number;
  /** Events written so far to the NDJSON sink. */
  events(): Promise<Record<string, any>[]>;
  /** Polls the NDJSON sink until `count` events are there (or throws with the log tail). */
  waitForEvents(count: number, timeoutMs?: number): Promise<Record<string, any>[]>;
  stop(): Promise<number | string>;
}

export interface StartServeOptions {
  /** Reuse this data directory (a restart after a stop or a crash); default: a new temporary one. */
  dataDir?: string;
}

let starts = 0;

export async function startServe(
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
  options: StartServeOptions = {},
): Promise<ServeHandle> {
  ensureBuilt();
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'siemad-serve-')));
  // A restart gets its own log, so the readiness line found is this run's.
  const logFile = join(dataDir, options.dataDir === undefined ? 'siemad.log' : `siemad-${process.pid}-${++starts}.log`);
  const peer = spawnPeer(
    process.execPath,
    [
      SIEMAD,
      'serve',
      '--bind',
      '127.0.0.1',
      '--udp-port',
      '0',
      '--tcp-port',
      '0',
      '--metrics-host',
      '127.0.0.1',
      '--metrics-port',
      '0',
      '--api-port',
      '0',
      '--data-dir',
      dataDir,
      ...args,
    ],
    { logFile, env: { ...process.env, ...env } },
  );
  let listening: { receiver: string; port: number }[] = [];
  await waitUntilReady(
    peer,
    'siemad serve',
    async () => {
      const text = await readFile(logFile, 'utf8');
      for (const line of text.split('\n')) {
        if (!line.includes('"siemad serving"')) continue;
        listening = (JSON.parse(line) as { listening: typeof listening }).listening;
        return true;
      }
      return false;
    },
    { timeoutMs: 30_000, intervalMs: 50 },
  );
  const readEvents = async (): Promise<Record<string, any>[]> => {
    const text = await readFile(join(dataDir, 'events.ndjson'), 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, any>);
  };
  return {
    process: peer,
    dataDir,
    listening,
    port(transport, host = '127.0.0.1') {
      const entry =
        listening.find((l) => l.receiver === `${transport} ${host}`) ??
        listening.find((l) => l.receiver.startsWith(`${transport} ${host}:`)) ??
        listening.find((l) => l.receiver.startsWith(`${transport} `));
      if (entry === undefined) throw new Error(`siemad is not listening on ${transport} ${host}: ${JSON.stringify(listening)}`);
      return entry.port;
    },
    events: readEvents,
    async waitForEvents(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const events = await readEvents();
        if (events.length >= count) return events;
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} events, have ${events.length}; log tail:\n${await tailOfFile(logFile)}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      await peer.stop(30_000);
      return peer.exited;
    },
  };
}

/** Runs `siemad send` over TCP to `port`; resolves with its report once every line is sent. */
export async function sendOverTcp(port: number, file: string, extra: readonly string[] = []): Promise<{ sent: number }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [SIEMAD, 'send', '--port', String(port), '--transport', 'tcp', '--json', ...extra, file],
    { timeout: 300_000 },
  );
  return JSON.parse(stdout) as { sent: number };
}

/** The value of one sample of `/metrics` (labels given as `name="value"` text); 0 when absent. */
export async function metricValue(httpPort: number, name: string, labels = ''): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${httpPort}/metrics`, { signal: AbortSignal.timeout(10_000) }).then((response) =>
    response.text(),
  );
  const sample = labels === '' ? `${name} ` : `${name}{${labels}} `;
  for (const line of text.split('\n')) if (line.startsWith(sample)) return Number(line.slice(sample.length));
  return 0;
}

export async function healthStatus(httpPort: number): Promise<number> {
  return (await fetch(`http://127.0.0.1:${httpPort}/healthz`, { signal: AbortSignal.timeout(10_000) })).status;
}
