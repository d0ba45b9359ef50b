/**
 * How tests depend on real peers. Under CI (`CI=true`) every peer must be there: a missing one
 * fails the test. On a developer's machine a missing peer skips the test with the reason.
 */
import { spawnSync } from 'node:child_process';

/** The minimal part of a tap `Test` used here (kept structural so helpers need not import tap). */
export interface TestLike {
  fail(message: string): unknown;
  plan(count: number, comment?: string): void;
}

/** Thrown by helpers when a peer cannot be had (binary missing, it would not start). */
export class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError';
}

export function isCI(): boolean {
  const value = (process.env.CI ?? '').toLowerCase();
  return value === 'true' || value === '1';
}

/**
 * Runs `probe` (which starts or reaches the peer) and returns its result. When it throws: under CI
 * the test fails; otherwise the test is marked skipped (call before any assertion). Either way the
 * caller gets `undefined` and should return.
 */
export async function requireService<T>(t: TestLike, name: string, probe: () => Promise<T>): Promise<T | undefined> {
  try {
    return await probe();
  } catch (error) {
    const reason = `${name} unavailable: ${error instanceof Error ? error.message : String(error)}`;
    if (isCI()) {
      t.fail(`${reason} (CI=true: a missing service is a failure)`);
    } else {
      t.plan(0, reason);
    }
    return undefined;
  }
}

/** Absolute path of `command` on PATH (also searching the sbin folders), or throws ServiceUnavailableError. */
export function requireBinary(command: string, installHint = 'run scripts/install-system-deps.sh'): string {
  const searchPath = [process.env.PATH ?? '', '/usr/local/sbin', '/usr/sbin', '/sbin'].join(':');
  const result = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], {
    env: { ...process.env, PATH: searchPath },
    encoding: 'utf8',
  });
  const found = result.status === 0 ? result.stdout.trim() : '';
  if (!found) throw new ServiceUnavailableError(`${command} not found (${installHint})`);
  return found;
}
