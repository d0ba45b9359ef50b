/**
 * Scale-out through Redis: two collectors sharing one Redis, each receiving the hosts of half of a
 * stream (as a load balancer spreads senders' connections: every host's lines reach one
 * collector, so the lines of one sshd connection are counted together), both receiving at the same
 * time, must flag the same anomalies as one collector receiving all of it. Real `siemad analyze`
 * processes fed through standard input in step, and a real redis-server.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import t from 'tap';
import { generateStream } from '../../eval/generator/generate-stream.js';
import { startRedis } from '../helpers/redis.js';
import { requireService } from '../helpers/services.js';
import { ensureBuilt, SIEMAD } from '../helpers/siemad.js';

/**
 * Lines each collector gets per step: both receive their share of the same stretch of time. (The
 * replay compresses two days into seconds; live collectors are even closer in step.)
 */
const STEP = 8;

interface Collector {
  child: ChildProcessByStdio<Writable, Readable, null>;
  lineNumbers: number[];
  /** Risk of each of its events so far, in order. */
  risks: number[];
  flagged: boolean[];
  waiters: (() => void)[];
  /** Exit code, watched from the start: a collector may finish while another is awaited. */
  exited: Promise<number | null>;
}

function startCollector(redisUrl: string, prefix: string, lineNumbers: number[]): Collector {
  const child = spawn(
    process.execPath,
    [
      SIEMAD,
      'analyze',
      '--format',
      'ndjson',
      '--batch-size',
      String(STEP),
      '--window-store',
      'redis',
      '--redis-url',
      redisUrl,
      '--redis-key-prefix',
      prefix,
    ],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const collector: Collector = { child, lineNumbers, risks: [], flagged: [], waiters: [], exited };
  let buffer = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const event = JSON.parse(buffer.slice(0, newline)) as { anomaly?: { is_anomaly: boolean; score: number } };
      buffer = buffer.slice(newline + 1);
      collector.risks.push(event.anomaly?.score ?? 0);
      collector.flagged.push(event.anomaly?.is_anomaly === true);
    }
    for (const wake of collector.waiters.splice(0)) wake();
  });
  return collector;
}

async function until(collector: Collector, events: number): Promise<void> {
  while (collector.risks.length < events) {
    await new Promise<void>((resolve) => collector.waiters.push(resolve));
  }
}

/** Feeds every collector its lines STEP at a time, all collectors in step; returns risk per stream line. */
async function run(lines: readonly string[], collectors: Collector[]): Promise<{ risks: Float64Array; flagged: Set<number> }> {
  const longest = Math.max(...collectors.map((c) => c.lineNumbers.length));
  for (let from = 0; from < longest; from += STEP) {
    for (const c of collectors) {
      const part = c.lineNumbers.slice(from, from + STEP);
      if (part.length > 0) c.child.stdin.write(part.map((i) => lines[i]).join('\n') + '\n');
      // A last, partial step is only read as a batch at the end of input.
      if (from + STEP >= c.lineNumbers.length && !c.child.stdin.writableEnded) c.child.stdin.end();
    }
    await Promise.all(collectors.map((c) => until(c, Math.min(c.lineNumbers.length, from + STEP))));
  }
  const risks = new Float64Array(lines.length);
  const flagged = new Set<number>();
  for (const c of collectors) {
    const code = await c.exited;
    if (code !== 0) throw new Error(`siemad analyze exited ${code}`);
    c.lineNumbers.forEach((line, k) => {
      risks[line] = c.risks[k]!;
      if (c.flagged[k] === true) flagged.add(line);
    });
  }
  return { risks, flagged };
}

t.test('two collectors sharing Redis, each with half of the stream, flag what one collector flags', async (t) => {
  const redis = await requireService(t, 'redis-server', () => startRedis());
  if (redis === undefined) return;
  t.teardown(() => redis.stop());
  ensureBuilt();
  const stream = generateStream({
    seed: 7,
    days: 2,
    startTime: '2026-11-02T00:00:00Z',
    episodesPerKind: 2,
    kinds: ['brute_force', 'password_spraying', 'distributed_brute_force', 'port_scan_fast', 'port_scan_slow', 'web_scan'],
  });
  const all = stream.lines.map((_, i) => i);
  // RSYSLOG_FileFormat: time, host, tag, message.
  const hostOf = (line: string): string => line.split(' ', 2)[1]!;
  const hosts = [...new Set(stream.lines.map(hostOf))].sort();
  const firstHalf = new Set(hosts.filter((_, k) => k % 2 === 0));
  const even = all.filter((i) => firstHalf.has(hostOf(stream.lines[i]!)));
  const odd = all.filter((i) => !firstHalf.has(hostOf(stream.lines[i]!)));

  const single = await run(stream.lines, [startCollector(redis.url, 'single:', all)]);
  const pair = await run(stream.lines, [startCollector(redis.url, 'pair:', even), startCollector(redis.url, 'pair:', odd)]);
  const alone = await run(stream.lines, [startCollector(redis.url, 'alone-a:', even), startCollector(redis.url, 'alone-b:', odd)]);

  const episodes = (flagged: Set<number>): string[] =>
    [...new Set([...flagged].flatMap((line) => (stream.labels[line]?.label === 'attack' ? [stream.labels[line]!.episode] : [])))].sort();
  t.ok(
    episodes(single.flagged).length >= 10,
    `one collector detects the episodes (${episodes(single.flagged).length} of ${stream.episodes.length})`,
  );
  t.same(episodes(pair.flagged), episodes(single.flagged), 'the pair detects exactly the same attack episodes');

  const both = [...single.flagged].filter((line) => pair.flagged.has(line)).length;
  const jaccard = both / (single.flagged.size + pair.flagged.size - both);
  t.ok(
    jaccard >= 0.97,
    `the same events are flagged (Jaccard ${jaccard.toFixed(3)}: ${single.flagged.size} vs ${pair.flagged.size}, ${both} in both)`,
  );

  // Strong attacks stand out even in half a stream; what sharing buys shows in the risks: without
  // it each collector counts only its hosts' part of an address's windows (internet addresses
  // probe every host), and its scores drift from the single one's. (Shared collectors still differ
  // a little: an event can see another collector's slightly later events of the same window
  // slice, which one collector would process after it.)
  const meanDifference = (risks: Float64Array): number =>
    risks.reduce((sum, risk, i) => sum + Math.abs(risk - single.risks[i]!), 0) / risks.length;
  const shared = meanDifference(pair.risks);
  const unshared = meanDifference(alone.risks);
  t.ok(
    shared * 1.2 < unshared,
    `risks match the single collector's (mean |Δrisk| ${shared.toFixed(5)} shared, ${unshared.toFixed(5)} unshared)`,
  );
});
