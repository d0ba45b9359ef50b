/**
 * Builds the benign training matrix for models/train.py from two sources, through the same
 * decoders and feature code as `siemad serve` (so training and serving cannot drift):
 *  - generated benign traffic (eval/generator with no attack episodes; seeds apart from the
 *    evaluation seed, so the evaluation never sees its training data);
 *  - the real public corpus (../shared/corpus), minus every source IP that a fail2ban-style rule
 *    (5 failures in 10 min) would ban: the OpenSSH sample holds real brute-force noise, which must
 *    not be learnt as normal.
 * Each file gets its own window state (their clocks are years apart). Writes FEATURES.csv,
 * FEATURES.spec.json and FEATURES.sources.txt.
 *
 *   node dist/scripts/training-data.js --out models/data/features.csv [--corpus ../shared/corpus] [--feedback export.ndjson]
 */
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import type { EcsEvent } from '../collector/ecs/event.js';
import { defaultObserver, normalize } from '../collector/normalize.js';
import type { RawMessage } from '../collector/raw-message.js';
import { generateStream } from '../eval/generator/generate-stream.js';
import { VERSION } from '../core/version.js';
import { FEATURE_COUNT, FEATURES, featureSpecJson } from '../scorer/features/definitions.js';
import { FeatureExtractor } from '../scorer/features/extract.js';
import { MemoryWindowStore } from '../scorer/windows/memory-store.js';
import { CORPUS_DIR } from '../core/corpus.js';
import { readFeedbackRows } from './feedback-rows.js';
import { GeoEnricher } from '../collector/geo/enricher.js';
import { DEFAULT_GEOIP_CACHE_SIZE, GeoIp } from '../collector/geo/geoip.js';

const GENERATED = [
  { seed: 1001, days: 14, start: '2026-09-07T00:00:00Z' },
  { seed: 1002, days: 14, start: '2026-10-05T00:00:00Z' },
];
const CORPUS_FILES = ['loghub/OpenSSH_2k.log', 'loghub/Linux_2k.log', 'loghub/Apache_2k.log', 'web/apache_combined_10k.log'];
const BATCH = 1024;

const program = new Command('training-data')
  .description('Write the benign feature matrix (CSV) the models are trained on')
  .requiredOption('--out <file>', 'CSV to write; FILE.spec.json and FILE.sources.txt go beside it')
  .option('--corpus <dir>', 'the shared public log corpus', CORPUS_DIR)
  .option(
    '--feedback <file>',
    "analysts' feedback export (GET /api/v1/feedback?format=ndjson): false positives and benign verdicts join the benign rows",
  )
  .parse();
const options = program.opts<{ out: string; corpus: string; feedback?: string }>();

/** The embedded GeoIP databases, as `siemad serve` uses them by default. */
const geo = new GeoEnricher(GeoIp.open({ cacheSize: DEFAULT_GEOIP_CACHE_SIZE }));

function toEvents(lines: readonly string[], source: string): EcsEvent[] {
  const context = { timeZone: 'UTC', observer: defaultObserver(VERSION) };
  const receivedAt = Date.now();
  const events = lines.map((text, seq) => {
    const raw: RawMessage = {
      text,
      transport: 'file',
      peerAddress: source,
      peerPort: 0,
      receivedAt,
      connectionId: 0,
      seq,
      truncated: false,
      size: text.length,
    };
    return normalize(raw, context);
  });
  geo.enrich(events);
  return events;
}

/** Source IPs with 5 authentication failures within 10 minutes somewhere in the events. */
function bannedSources(events: readonly EcsEvent[]): Set<string> {
  const failures = new Map<string, number[]>();
  for (const event of events) {
    const ip = event.source?.ip;
    if (ip === undefined || event.event.outcome !== 'failure' || !event.event.category?.includes('authentication')) continue;
    const times = failures.get(ip) ?? [];
    for (let n = 0; n < (event.event.count ?? 1); n++) times.push(Date.parse(event['@timestamp']));
    failures.set(ip, times);
  }
  const banned = new Set<string>();
  for (const [ip, times] of failures) {
    times.sort((a, b) => a - b);
    for (let i = 4; i < times.length; i++) {
      if (times[i]! - times[i - 4]! <= 600_000) {
        banned.add(ip);
        break;
      }
    }
  }
  return banned;
}

async function writeMatrix(events: readonly EcsEvent[], out: fs.WriteStream): Promise<number> {
  const extractor = new FeatureExtractor(new MemoryWindowStore(), { outOfOrderToleranceMs: 300_000, profileTimeZone: 'UTC' });
  const matrix = new Float32Array(BATCH * FEATURE_COUNT);
  for (let start = 0; start < events.length; start += BATCH) {
    const batch = events.slice(start, start + BATCH);
    await extractor.extract(batch, matrix);
    let text = '';
    for (let i = 0; i < batch.length; i++) {
      const row = matrix.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT);
      text += Array.from(row, (v) => (Number.isInteger(v) ? String(v) : v.toFixed(6))).join(',') + '\n';
    }
    if (!out.write(text)) await once(out, 'drain');
  }
  return events.length;
}

const base = options.out.replace(/\.csv$/, '');
fs.mkdirSync(path.dirname(options.out), { recursive: true });
const out = fs.createWriteStream(options.out);
out.write(FEATURES.map((feature) => feature.name).join(',') + '\n');
const sources: string[] = [];

for (const { seed, days, start } of GENERATED) {
  const stream = generateStream({ seed, days, startTime: start, kinds: [] });
  const rows = await writeMatrix(toEvents(stream.lines, `generated-${seed}`), out);
  const source = `eval/generator seed ${seed}, ${days} days from ${start}, benign only: ${rows} rows`;
  sources.push(source);
  process.stderr.write(`training-data: ${source}\n`);
}

for (const file of CORPUS_FILES) {
  const full = path.join(options.corpus, file);
  const lines = fs
    .readFileSync(full, 'utf8')
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line !== '');
  const events = toEvents(lines, file);
  const banned = bannedSources(events);
  const kept = events.filter(
    (event) => !(event.related?.ip ?? []).some((ip) => banned.has(ip)) && !(event.source?.ip !== undefined && banned.has(event.source.ip)),
  );
  const rows = await writeMatrix(kept, out);
  const source = `corpus ${file}: ${rows} of ${lines.length} lines (dropped ${lines.length - rows} from ${banned.size} banned source IPs)`;
  sources.push(source);
  process.stderr.write(`training-data: ${source}\n`);
}

if (options.feedback !== undefined) {
  const feedback = await readFeedbackRows(options.feedback);
  let text = '';
  for (const row of feedback.rows) text += Array.from(row, (v) => (Number.isInteger(v) ? String(v) : v.toFixed(6))).join(',') + '\n';
  out.write(text);
  const source = `analyst feedback ${path.basename(options.feedback)}: ${feedback.rows.length} rows of ${feedback.used} false-positive or benign verdicts (${feedback.skipped} rows of another feature set skipped, ${feedback.ignored} other lines)`;
  sources.push(source);
  process.stderr.write(`training-data: ${source}\n`);
}

await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
fs.writeFileSync(`${base}.spec.json`, featureSpecJson());
fs.writeFileSync(`${base}.sources.txt`, sources.join('\n') + '\n');
process.stderr.write(`training-data: wrote ${options.out}\n`);
