/**
 * Scale-out through Redis: two collectors sharing one Redis, each receiving half of a stream
 * (alternate lines, as a round-robin load balancer would send them), must flag the same anomalies
 * as one collector receiving all of it. Real `siemad analyze` processes, a real redis-server.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { generateStream } from '../../eval/generator/generate-stream.js';
import type { Label } from '../../eval/labels.js';
import { startRedis } from '../helpers/redis.js';
import { requireService } from '../helpers/services.js';
import { ensureBuilt, SIEMAD } from '../helpers/siemad.js';

interface Flag {
  line: number;
  entity: string;
}

/** Runs `siemad analyze` on `lines`, returns the flagged lines (numbered by `lineNumbers`). */
async function analyze(lines: string[], lineNumbers: number[], redisUrl: string, prefix: string, dir: string, name: string): Promise<Flag[]> {
  const file = join(dir, `${name}.log`);
  await writeFile(file, lines.join('\n') + '\n');
  const child = spawn(process.execPath, [SIEMAD, 'analyze', '--format', 'ndjson', '--batch-size', '64', '--window-store', 'redis', '--redis-url', redisUrl, '--redis-key-prefix', prefix, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buffer = '';
  const flags: Flag[] = [];
  let index = 0;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const event = JSON.parse(buffer.slice(0, newline)) as { anomaly?: { is_anomaly: boolean; entity?: string } };
      buffer = buffer.slice(newline + 1);
      if (event.anomaly?.is_anomaly === true) flags.push({ line: lineNumbers[index]!, entity: event.anomaly.entity ?? '?' });
      index++;
    }
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`siemad analyze exited ${code}`);
  if (index !== lines.length) throw new Error(`${index} events for ${lines.length} lines`);
  return flags;
}

function detectedEpisodes(flags: Flag[], labels: Label[]): Set<string> {
  const episodes = new Set<string>();
  for (const flag of flags) {
    const label = labels[flag.line];
    if (label?.label === 'attack') episodes.add(label.episode);
  }
  return episodes;
}

t.test('two collectors sharing Redis, each with half of the stream, flag what one collector flags', async (t) => {
  const redis = await requireService(t, 'redis-server', () => startRedis());
  if (redis === undefined) return;
  t.teardown(() => redis.stop());
  ensureBuilt();
  const dir = await mkdtemp(join(tmpdir(), 'siemad-shared-redis-'));
  const stream = generateStream({
    seed: 7,
    days: 2,
    startTime: '2026-11-02T00:00:00Z',
    episodesPerKind: 2,
    kinds: ['brute_force', 'password_spraying', 'distributed_brute_force', 'port_scan_fast', 'port_scan_slow', 'web_scan'],
  });
  const all = stream.lines.map((_, i) => i);
  const single = await analyze(stream.lines, all, redis.url, 'single:', dir, 'single');
  const even = all.filter((i) => i % 2 === 0);
  const odd = all.filter((i) => i % 2 === 1);
  const [a, b] = await Promise.all([
    analyze(even.map((i) => stream.lines[i]!), even, redis.url, 'pair:', dir, 'a'),
    analyze(odd.map((i) => stream.lines[i]!), odd, redis.url, 'pair:', dir, 'b'),
  ]);
  const pair = [...a, ...b];

  const singleEpisodes = detectedEpisodes(single, stream.labels);
  const pairEpisodes = detectedEpisodes(pair, stream.labels);
  t.ok(singleEpisodes.size >= 8, `one collector detects the episodes (${singleEpisodes.size} of ${stream.episodes.length})`);
  t.same([...pairEpisodes].sort(), [...singleEpisodes].sort(), 'the pair detects exactly the same attack episodes');

  const singleEntities = new Set(single.map((flag) => flag.entity));
  const pairEntities = new Set(pair.map((flag) => flag.entity));
  const both = [...singleEntities].filter((entity) => pairEntities.has(entity)).length;
  const jaccard = both / (singleEntities.size + pairEntities.size - both);
  t.ok(jaccard >= 0.9, `flagged entities agree (Jaccard ${jaccard.toFixed(3)}: ${singleEntities.size} vs ${pairEntities.size}, ${both} in both)`);
  const ratio = pair.length / Math.max(1, single.length);
  t.ok(ratio > 0.8 && ratio < 1.25, `as many anomalous events (${single.length} vs ${pair.length})`);
});
