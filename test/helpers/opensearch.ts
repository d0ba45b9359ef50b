/**
 * Real single-node OpenSearch 2.x clusters for tests, run by `scripts/opensearch.sh` from the
 * distribution it caches under `.cache/opensearch/`. Each node has its own data directory and
 * port, so a test can stop and restart one node to simulate an outage.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePortInRange } from './ports.js';
import { spawnPeer, tailOfFile, waitUntilReady, type PeerProcess } from './process.js';
import { ServiceUnavailableError } from './services.js';

export interface OpenSearchTarget {
  readonly url: string;
  /** False for a node this process did not start (SIGTERM/start/kill are then refused). */
  readonly owned: boolean;
}

export interface OpenSearchHandle extends OpenSearchTarget {
  readonly port: number;
  /** Instance directory: config/, data/, logs/, console.log. */
  readonly dir: string;
  /** SIGTERM and wait for the exit; data is kept for `start()`. */
  stop(): Promise<void>;
  /** Starts again on the same port and data; resolves once the cluster is yellow or green. */
  start(): Promise<void>;
  /** SIGKILL (a crash) and wait for the exit. */
  kill(): Promise<void>;
  /** Stops the node if running and deletes its directory. */
  destroy(): Promise<void>;
}

export interface StartOpenSearchOptions {
  /** HTTP port; default: a free one in 19200-19299 (transport takes one in 19300-19399). */
  port?: number;
  /** JVM heap, default 512m. */
  heap?: string;
  /** How long to wait for a healthy cluster, default 180 s (a cold JVM on 2 busy cores is slow). */
  startTimeoutMs?: number;
}

const REPO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCRIPT = join(REPO_DIR, 'scripts', 'opensearch.sh');
const HTTP_PORTS = { first: 19200, last: 19299 } as const;
const DEFAULT_START_TIMEOUT_MS = 180_000;
const START_ATTEMPTS = 3;
const execFileAsync = promisify(execFile);

let installation: Promise<void> | undefined;

/** Fetches and unpacks the distribution once per process (the script itself is idempotent). */
export function installOpenSearch(): Promise<void> {
  installation ??= execFileAsync('bash', [SCRIPT, 'install'], { maxBuffer: 1 << 20, timeout: 600_000 }).then(
    () => undefined,
    (error: { stderr?: string; message: string }) => {
      installation = undefined;
      throw new ServiceUnavailableError(`scripts/opensearch.sh install failed: ${(error.stderr ?? error.message).trim().slice(-2000)}`);
    },
  );
  return installation;
}

/** True when the cluster at `url` (named `clusterName`, if given) answers with status yellow or green. */
export async function isOpenSearchHealthy(url: string, clusterName?: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`, { signal: AbortSignal.timeout(3_000) });
    if (!response.ok) return false;
    const health = (await response.json()) as { status?: string; cluster_name?: string };
    if (clusterName !== undefined && health.cluster_name !== clusterName) return false;
    return health.status === 'green' || health.status === 'yellow';
  } catch {
    return false;
  }
}

export async function startOpenSearch(options: StartOpenSearchOptions = {}): Promise<OpenSearchHandle> {
  await installOpenSearch();
  const dir = await mkdtemp(join(tmpdir(), 'siemad-opensearch-'));
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  // A unique cluster name tells our node from another test's that may hold the port.
  const name = basename(dir);
  let port = options.port ?? (await freePortInRange(HTTP_PORTS.first, HTTP_PORTS.last, 'tcp'));
  let peer: PeerProcess | undefined;

  const launch = async () => {
    const args = [
      SCRIPT,
      'run',
      '--dir',
      dir,
      '--port',
      String(port),
      '--name',
      name,
      '--heap',
      options.heap ?? '512m',
      '--watch-pid',
      String(process.pid),
    ];
    peer = spawnPeer('bash', args, { logFile: join(dir, 'console.log') });
    try {
      await waitUntilReady(peer, `OpenSearch on port ${port}`, () => isOpenSearchHealthy(`http://127.0.0.1:${port}`, name), {
        timeoutMs,
        intervalMs: 500,
      });
    } catch (error) {
      // The node's own log says more than the console (e.g. a bind or mapping failure).
      const nodeLog = await tailOfFile(join(dir, 'logs', `${name}.log`), 30);
      throw new Error(`${(error as Error).message}\n--- node log tail ---\n${nodeLog}`);
    }
  };
  const stopPeer = async (how: 'stop' | 'kill') => {
    if (peer && !peer.hasExited()) await (how === 'stop' ? peer.stop(60_000) : peer.kill());
  };

  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (error) {
      // A node that exited on a port we picked may have lost it to another test: try another one.
      const mayRetry = peer?.hasExited() === true && options.port === undefined && attempt < START_ATTEMPTS;
      await stopPeer('kill');
      if (mayRetry) {
        port = await freePortInRange(HTTP_PORTS.first, HTTP_PORTS.last, 'tcp');
        continue;
      }
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    owned: true,
    port,
    dir,
    stop: () => stopPeer('stop'),
    async start() {
      if (peer && !peer.hasExited()) throw new Error(`OpenSearch on port ${port} is already running`);
      await launch();
    },
    kill: () => stopPeer('kill'),
    async destroy() {
      await stopPeer('stop');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A cluster someone else runs (e.g. the test script), checked to be healthy. */
export async function existingOpenSearch(url: string): Promise<OpenSearchTarget> {
  const base = url.replace(/\/+$/, '');
  if (!(await isOpenSearchHealthy(base))) {
    throw new ServiceUnavailableError(`${base} (SIEMAD_TEST_OPENSEARCH_URL) is not a healthy OpenSearch`);
  }
  return { url: base, owned: false };
}

let shared: Promise<OpenSearchTarget> | undefined;

/**
 * The cluster for tests that only need one to talk to: the one at `SIEMAD_TEST_OPENSEARCH_URL` if
 * set (started once by the test script), else one node started for this test process and
 * destroyed when it exits. Tests that stop or restart a node use `startOpenSearch()` instead.
 */
export function sharedOpenSearch(): Promise<OpenSearchTarget> {
  shared ??= (async (): Promise<OpenSearchTarget> => {
    const external = process.env.SIEMAD_TEST_OPENSEARCH_URL;
    if (external) return existingOpenSearch(external);
    const node = await startOpenSearch();
    // The peer is SIGKILLed by the exit hook in process.ts; removing the directory is up to us.
    process.once('exit', () => {
      try {
        rmSync(node.dir, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        // a dying JVM may still write; a leftover temp directory is harmless
      }
    });
    return { url: node.url, owned: true };
  })().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}
