/**
 * A suppression created in PostgreSQL (as the API does) changes the anomalies a running
 * `siemad serve` flags within seconds, without a restart; deleting it restores them.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import t from 'tap';
import { startPostgres } from '../helpers/postgres.js';
import { requireService } from '../helpers/services.js';
import { SIEMAD, startServe } from '../helpers/siemad.js';

const run = promisify(execFile);

interface Scored {
  source?: { ip?: string };
  anomaly?: { is_anomaly: boolean; level: string; kind?: string; entity?: string; suppressed_by?: string };
}

/** A burst of failed SSH passwords from one address, `base` minutes into the day. */
function burst(ip: string, base: number): string {
  const lines: string[] = [];
  for (let i = 0; i < 30; i++) {
    const time = new Date(Date.UTC(2026, 11, 4, 9, base + Math.floor(i / 10), i % 60)).toISOString();
    lines.push(`${time} vps sshd[${4000 + base * 100 + i}]: Failed password for root from ${ip} port ${40000 + i} ssh2`);
  }
  return lines.join('\n') + '\n';
}

t.test('a suppression mutes matching anomalies of a running collector within seconds, and its deletion restores them', async (t) => {
  const server = await requireService(t, 'postgresql', () => startPostgres());
  if (server === undefined) return;
  t.teardown(() => server.destroy());
  const dir = await mkdtemp(join(tmpdir(), 'siemad-suppress-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const serve = await startServe(['--database-url', server.url]);
  t.teardown(() => serve.stop());
  const send = async (text: string): Promise<void> => {
    const file = join(dir, `lines-${Date.now()}.log`);
    fs.writeFileSync(file, text);
    await run(process.execPath, [SIEMAD, 'send', '--port', String(serve.port('tcp')), '--format', 'raw', '--framing', 'lf', file]);
  };
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  t.teardown(() => client.end());

  await send(burst('203.0.113.50', 0));
  let events = (await serve.waitForEvents(30)) as Scored[];
  t.ok(
    events.some((e) => e.anomaly?.is_anomaly === true && e.anomaly.kind === 'brute_force'),
    'the burst is flagged',
  );

  const { rows } = await client.query<{ id: string }>(
    "INSERT INTO suppressions (entity, kind, effect, comment, created_by) VALUES ('source.ip=203.0.113.60', 'brute_force', 'mute', 'the audit scanner', 'test') RETURNING id",
  );
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  await send(burst('203.0.113.60', 20) + burst('203.0.113.70', 40));
  events = (await serve.waitForEvents(90)) as Scored[];
  const of = (ip: string): Scored[] => events.slice(30, 90).filter((e) => e.source?.ip === ip);
  t.notOk(
    of('203.0.113.60').some((e) => e.anomaly?.is_anomaly === true),
    'the suppressed address is not flagged',
  );
  t.ok(
    of('203.0.113.60').some((e) => e.anomaly?.suppressed_by === `suppression ${rows[0]!.id}: the audit scanner`),
    'its anomalies say which suppression muted them',
  );
  t.ok(
    of('203.0.113.70').some((e) => e.anomaly?.is_anomaly === true),
    'another address is still flagged',
  );

  await client.query('UPDATE suppressions SET deleted_at = now(), updated_at = now() WHERE id = $1', [rows[0]!.id]);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  await send(burst('203.0.113.60', 60));
  events = (await serve.waitForEvents(120)) as Scored[];
  t.ok(
    events.slice(90).some((e) => e.anomaly?.is_anomaly === true && e.anomaly.suppressed_by === undefined),
    'deleted: flagged again',
  );
});
