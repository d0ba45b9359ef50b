/**
 * `npm run bench:encode`: what the sink's NDJSON encoding (sinks/encode.ts: V8's JSON.stringify,
 * then the UTF-8 bytes) costs per event, on the events `serve` writes in `npm run bench:e2e`: the
 * same loghub lines (OpenSSH + Linux, RFC 3164 with PRI) decoded, located (GeoIP) and scored
 * first, untimed. Anomalous and other events are timed apart (an anomaly's reasons make it longer).
 *
 *   npm run bench:encode [-- --lines 20000] [--rounds 9]
 */
import os from 'node:os';
import { Command } from 'commander';
import type { EcsEvent } from '../collector/ecs/event.js';
import { GeoEnricher } from '../collector/geo/enricher.js';
import { DEFAULT_GEOIP_CACHE_SIZE, GeoIp } from '../collector/geo/geoip.js';
import { defaultObserver, normalize } from '../collector/normalize.js';
import type { RawMessage } from '../collector/raw-message.js';
import { CORPUS_DIR } from '../core/corpus.js';
import { PACKAGE_ROOT } from '../core/package-root.js';
import { ModelEnsemble } from '../scorer/model/ensemble.js';
import { AnomalyScorer } from '../scorer/scorer.js';
import { MemoryWindowStore } from '../scorer/windows/memory-store.js';
import { encodeNdjson } from '../sinks/encode.js';
import { E2E_STREAM_NOW, e2eStreamLines } from './corpus-syslog.js';

const options = new Command('bench:encode')
  .option('--lines <n>', 'messages decoded, scored and encoded', Number, 20_000)
  .option('--rounds <n>', 'timed passes over the events (the median is reported)', Number, 9)
  .option('--corpus <dir>', 'the shared corpus', CORPUS_DIR)
  .parse()
  .opts<{ lines: number; rounds: number; corpus: string }>();

const BATCH = 256;

async function scoredEvents(): Promise<EcsEvent[]> {
  const lines = e2eStreamLines(options.corpus);
  const context = { timeZone: 'UTC', observer: defaultObserver('bench') };
  const geo = new GeoEnricher(GeoIp.open({ cacheSize: DEFAULT_GEOIP_CACHE_SIZE }));
  const scorer = new AnomalyScorer(await ModelEnsemble.load(`${PACKAGE_ROOT}/models/current`), new MemoryWindowStore(), {
    batchSize: BATCH,
    outOfOrderToleranceMs: 300_000,
    profileTimeZone: 'UTC',
    maxReasons: 3,
  });
  const events: EcsEvent[] = [];
  for (let i = 0; i < options.lines; i += BATCH) {
    const batch: EcsEvent[] = [];
    for (let seq = i; seq < Math.min(options.lines, i + BATCH); seq++) {
      const text = lines[seq % lines.length]!;
      const raw: RawMessage = {
        text,
        transport: 'tcp',
        peerAddress: '127.0.0.1',
        peerPort: 514,
        receivedAt: E2E_STREAM_NOW,
        connectionId: 1,
        seq,
        truncated: false,
        size: text.length,
      };
      batch.push(normalize(raw, context));
    }
    geo.enrich(batch);
    await scorer.enrich(batch);
    events.push(...batch);
  }
  await scorer.close();
  return events;
}

/** Median µs per event of encoding `events` in batches as the sink does, and their mean length. */
function time(events: readonly EcsEvent[]): { micros: number; bytes: number } {
  const runs: number[] = [];
  let bytes = 0;
  for (let round = 0; round < options.rounds; round++) {
    bytes = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < events.length; i += BATCH) bytes += encodeNdjson(events.slice(i, i + BATCH)).ndjson.length;
    runs.push(Number(process.hrtime.bigint() - start) / 1000 / events.length);
  }
  runs.sort((a, b) => a - b);
  return { micros: runs[Math.floor(runs.length / 2)]!, bytes: bytes / events.length };
}

const events = await scoredEvents();
const anomalous = events.filter((event) => event.anomaly?.is_anomaly === true);
const other = events.filter((event) => event.anomaly?.is_anomaly !== true);
process.stdout.write(
  `bench:encode — NDJSON for the sink (JSON.stringify + UTF-8), ${events.length.toLocaleString('en-US')} scored events of the bench:e2e stream, batches of ${BATCH}, median of ${options.rounds}\n` +
    `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), Node ${process.version}\n\n`,
);
time(events); // warm-up: JIT
for (const [name, set] of [
  ['all events', events],
  ['anomalous', anomalous],
  ['not anomalous', other],
] as const) {
  if (set.length === 0) continue;
  const { micros, bytes } = time(set);
  process.stdout.write(
    `${name.padEnd(14)} ${micros.toFixed(2).padStart(6)} µs per event, ${Math.round(bytes).toLocaleString('en-US')} bytes each (${set.length.toLocaleString('en-US')} events)\n`,
  );
}
