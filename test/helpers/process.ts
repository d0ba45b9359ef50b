/**
 * Child processes of test peers: output captured to a log file, stopped by PID (SIGTERM, then
 * SIGKILL after a grace period), and killed when the test process exits so none outlives it.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { waitFor } from './wait.js';

export interface PeerProcess {
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  hasExited(): boolean;
  /** SIGTERM, wait up to `graceMs`, then SIGKILL; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
}

const live = new Set<PeerProcess>();
let exitHookInstalled = false;

function killAllPeers(): void {
  for (const peer of live) {
    try {
      process.kill(peer.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

const FATAL_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', killAllPeers);
  // A test runner's timeout ends the test process with a signal, and 'exit' does not run then.
  for (const signal of FATAL_SIGNALS) {
    const onSignal = () => {
      killAllPeers();
      process.removeListener(signal, onSignal);
      // Keep the default outcome (death by this signal) unless someone else handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

export function spawnPeer(
  command: string,
  args: readonly string[],
  options: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string },
): PeerProcess {
  const logFd = openSync(options.logFile, 'a');
  let child;
  try {
    child = spawn(command, args, {
      stdio: ['ignore', logFd, logFd],
      env: options.env ?? process.env,
      cwd: options.cwd,
    });
  } finally {
    closeSync(logFd);
  }
  if (child.pid === undefined) {
    throw new Error(`could not spawn ${command}`);
  }
  // A running peer must not keep the test process alive: when it exits, the exit hook kills the peer.
  child.unref();
  const pid = child.pid;
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('error', () => {
      done = true;
      resolve('spawn-error');
    });
    child.once('exit', (code, signal) => {
      done = true;
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const signalAndWait = async (signal: NodeJS.Signals, graceMs: number): Promise<boolean> => {
    if (done) return true;
    try {
      process.kill(pid, signal);
    } catch {
      // exited in between
    }
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(resolve, graceMs, 'timeout');
    });
    const outcome = await Promise.race([exited, expiry]);
    clearTimeout(timer);
    return outcome !== 'timeout';
  };
  const peer: PeerProcess = {
    pid,
    logFile: options.logFile,
    exited,
    hasExited: () => done,
    async stop(graceMs = 30_000) {
      if (!(await signalAndWait('SIGTERM', graceMs))) await signalAndWait('SIGKILL', 10_000);
      live.delete(peer);
    },
    async kill() {
      await signalAndWait('SIGKILL', 10_000);
      live.delete(peer);
    },
  };
  live.add(peer);
  void exited.then(() => live.delete(peer));
  installExitHook();
  return peer;
}

/**
 * Polls `isReady` until it returns true. Fails early, with the tail of the peer's log, when the
 * peer exits or `timeoutMs` passes (the peer is then killed).
 */
export async function waitUntilReady(
  peer: PeerProcess,
  what: string,
  isReady: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number },
): Promise<void> {
  const readyOrExited = async () => {
    if (await isReady().catch(() => false)) return true;
    if (peer.hasExited()) throw new Error(`${what} exited (${await peer.exited}) before it was ready`);
    return false;
  };
  try {
    await waitFor(what, readyOrExited, options);
  } catch (error) {
    if (!peer.hasExited()) await peer.kill();
    throw new Error(`${(error as Error).message}; log tail:\n${await tailOfFile(peer.logFile)}`);
  }
}

/** The last `lines` lines of a log file, for error messages; never throws. */
export async function tailOfFile(path: string, lines = 40): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return `(no log at ${path})`;
  }
}
