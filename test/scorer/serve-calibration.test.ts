/**
 * The site calibration as users meet it: `siemad serve` scores a stream exactly as `siemad
 * analyze` scores the same file (event time, not arrival time), exposes its thresholds and warm-up
 * state on /metrics, and keeps what it learnt in the data directory across a restart.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { generateStream } from '../../eval/generator/generate-stream.js';
import { writeStreamFiles } from '../../eval/stream-files.js';
import { Redis } from 'ioredis';
import { startRedis } from '../helpers/redis.js';
import { requireService } from '../helpers/services.js';
import { SIEMAD, startServe } from '../helpers/siemad.js';

const run = promisify(execFile);

interface Scored {
  message?: string;
  anomaly?: { is_anomaly: boolean; score: number; level: string; reasons: string[]; entity?: string };
}

function verdicts(events: readonly Scored[]): string[] {
  return events.map((e) => JSON.stringify([e.message, e.anomaly?.score, e.anomaly?.level, e.anomaly?.reasons, e.anomaly?.entity]));
}

t.test('serve and analyze give the same verdicts for the same stream; calibration is exposed and survives a restart', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'siemad-calibration-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'stream.log');
  // Three days, so that actors become familiar and the calibration has something to learn.
  const stream = generateStream({ seed: 21, days: 3, startTime: '2026-11-02T00:00:00Z' });
  await writeStreamFiles(file, stream);
  const lines = stream.lines.length;
  // A small warm-up, so that the site thresholds take over within the stream.
  const flags = ['--calibration-warmup', '300'];

  const analyzed = (await run(process.execPath, [SIEMAD, 'analyze', '--format', 'ndjson', ...flags, file], { maxBuffer: 1 << 30 })).stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Scored);
  t.equal(analyzed.length, lines);

  const dataDir = join(dir, 'data');
  fs.mkdirSync(dataDir);
  const serve = await startServe([...flags, '--batch-size', '97'], {}, { dataDir });
  await run(process.execPath, [SIEMAD, 'send', '--port', String(serve.port('tcp')), '--format', 'raw', '--framing', 'lf', file]);
  const served = (await serve.waitForEvents(lines, 120_000)) as Scored[];
  t.same(verdicts(served), verdicts(analyzed), 'identical scores, levels, reasons and entities, event by event');
  t.ok(
    analyzed.some((e) => e.anomaly?.is_anomaly === true),
    'the stream has anomalies',
  );

  const metrics = await (await fetch(`http://127.0.0.1:${serve.port('http')}/metrics`)).text();
  for (const family of ['auth', 'firewall', 'web', 'privilege']) {
    t.match(metrics, new RegExp(`^siemad_calibration_threshold\\{family="${family}"\\} 0\\.\\d+`, 'm'), `threshold of ${family}`);
    t.match(metrics, new RegExp(`^siemad_calibration_warm\\{family="${family}"\\} [01]$`, 'm'), `warm-up state of ${family}`);
    t.match(metrics, new RegExp(`^siemad_calibration_flagged_per_10k\\{family="${family}"\\} `, 'm'));
  }
  t.match(metrics, /^siemad_calibration_warm\{family="web"\} 1$/m, 'the web family is past its warm-up');
  const before = [...metrics.matchAll(/^siemad_calibration_threshold\{family="(\w+)"\} (\S+)$/gm)].map((m) => `${m[1]}=${m[2]}`);

  t.equal(await serve.stop(), 0);
  const saved = JSON.parse(fs.readFileSync(join(dataDir, 'calibration.json'), 'utf8')) as {
    families: Record<string, { observed: number }>;
  };
  t.ok(saved.families.web!.observed > 500, 'saved on shutdown');

  const again = await startServe(flags, {}, { dataDir });
  t.teardown(() => again.stop());
  const log = fs
    .readdirSync(dataDir)
    .filter((name) => name.startsWith('siemad-') && name.endsWith('.log'))
    .map((name) => fs.readFileSync(join(dataDir, name), 'utf8'))
    .join('\n');
  t.match(log, /"restored":true[^\n]*"site calibration"/, 'restored at start-up');
  const restarted = await (await fetch(`http://127.0.0.1:${again.port('http')}/metrics`)).text();
  const after = [...restarted.matchAll(/^siemad_calibration_threshold\{family="(\w+)"\} (\S+)$/gm)].map((m) => `${m[1]}=${m[2]}`);
  t.same(after, before, 'the same thresholds after the restart');
});

t.test('with the Redis window store the calibration persists in Redis beside the windows', async (t) => {
  const redis = await requireService(t, 'redis-server', () => startRedis());
  if (redis === undefined) return;
  t.teardown(() => redis.stop());
  const dir = await mkdtemp(join(tmpdir(), 'siemad-calibration-redis-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'stream.log');
  const stream = generateStream({ seed: 22, days: 2, startTime: '2026-11-02T00:00:00Z' });
  await writeStreamFiles(file, stream);
  const flags = ['--window-store', 'redis', '--redis-url', redis.url, '--redis-key-prefix', 'cal:', '--calibration-warmup', '300'];
  const dataDir = join(dir, 'data');
  fs.mkdirSync(dataDir);
  const serve = await startServe(flags, {}, { dataDir });
  await run(process.execPath, [SIEMAD, 'send', '--port', String(serve.port('tcp')), '--format', 'raw', '--framing', 'lf', file]);
  await serve.waitForEvents(stream.lines.length, 120_000);
  t.equal(await serve.stop(), 0);
  t.notOk(fs.existsSync(join(dataDir, 'calibration.json')), 'not in the data directory');
  const client = new Redis(redis.url);
  t.teardown(() => client.disconnect());
  const saved = JSON.parse((await client.get('cal:calibration')) ?? 'null') as {
    version: number;
    families: Record<string, { observed: number }>;
  } | null;
  t.ok(saved !== null && saved.families.auth!.observed > 0, 'saved under <prefix>calibration');

  const again = await startServe(flags, {}, { dataDir });
  t.teardown(() => again.stop());
  const log = fs
    .readdirSync(dataDir)
    .filter((name) => name.endsWith('.log'))
    .map((name) => fs.readFileSync(join(dataDir, name), 'utf8'))
    .join('\n');
  t.match(log, /"store":"redis key cal:calibration","restored":true/, 'restored from Redis at start-up');
});
