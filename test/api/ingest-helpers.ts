/**
 * A real `siemad serve` with its API and tokens made beforehand by `siemad token create`, for the
 * tests of the analysis, query and status routes.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, type RequestOptions, type Response } from '../helpers/api.js';
import { ensureBuilt, SIEMAD, startServe, type ServeHandle } from '../helpers/siemad.js';

export function siemad(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  ensureBuilt();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SIEMAD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

export interface ServedApi {
  serve: ServeHandle;
  base: string;
  tokens: Record<string, string>;
  call(method: string, path: string, options?: RequestOptions): Promise<Response>;
}

/** Creates one token per entry of `scopes` (name -> comma-separated scopes), then starts serve. */
export async function serveWithTokens(scopes: Record<string, string>, args: string[] = [], dataDir?: string): Promise<ServedApi> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'siemad-ingest-')));
  const tokens: Record<string, string> = {};
  for (const [name, scope] of Object.entries(scopes)) {
    const created = await siemad(['token', 'create', '--name', name, '--scope', scope, '--data-dir', dir]);
    if (created.status !== 0) throw new Error(`token create ${name}: ${created.stderr}`);
    tokens[name] = created.stdout.trim();
  }
  const serve = await startServe(args, {}, { dataDir: dir });
  const base = `http://127.0.0.1:${serve.port('api')}`;
  return { serve, base, tokens, call: (method, path, options) => request(base, method, path, options) };
}

/** Lines of a password-spraying run from one address against `host`, as bare sshd lines. */
export function sprayLines(address: string, count: number, firstPid = 4000): string[] {
  return Array.from(
    { length: count },
    (_, i) => `sshd[${firstPid + i}]: Failed password for invalid user guest${i} from ${address} port ${40_000 + i} ssh2`,
  );
}
