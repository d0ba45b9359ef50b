/**
 * `npm run bench:parse`: messages per second on one core for the whole per-message path —
 * syslog parse + body decode + ECS event (collector/normalize.ts) — over the public corpus, with
 * the corpus lines sent as RFC 3164 (as rsyslog forwards them, with PRI) and as RFC 5424 (as
 * `logger` and rsyslog's RSYSLOG_SyslogProtocol23Format send them), reported separately.
 *
 *   npm run bench:parse [-- --seconds 3] [--corpus DIR]
 *
 * Rates are messages per CPU second of this (single-threaded) process, best of 5 rounds; the
 * machine and Node version are printed with them. Each set is measured without and with GeoIP
 * enrichment (collector/geo: the embedded databases, default LRU cache), batches of 512 as the
 * pipeline enriches them, and the slowdown printed (target: under 10%). The corpus's public
 * addresses are looked up like any others; they are only read, never written anywhere.
 */
import os from 'node:os';
import { Command } from 'commander';
import { defaultObserver, normalize, type NormalizeContext } from '../collector/normalize.js';
import type { RawMessage } from '../collector/raw-message.js';
import { CORPUS_DIR } from '../core/corpus.js';
import { asSyslog, corpusLines } from './corpus-syslog.js';
import type { EcsEvent } from '../collector/ecs/event.js';
import { GeoEnricher } from '../collector/geo/enricher.js';
import { DEFAULT_GEOIP_CACHE_SIZE, GeoIp } from '../collector/geo/geoip.js';

const options = new Command('bench:parse')
  .option('--seconds <n>', 'CPU seconds per round', Number, 2)
  .option('--corpus <dir>', 'the shared corpus', CORPUS_DIR)
  .parse()
  .opts<{ seconds: number; corpus: string }>();

const FILES = ['loghub/OpenSSH_2k.log', 'loghub/Linux_2k.log', 'loghub/Apache_2k.log', 'web/apache_combined_10k.log'];
const NOW = Date.UTC(2026, 10, 22, 12);
const context: NormalizeContext = { timeZone: 'UTC', observer: defaultObserver('bench') };

function toRaw(texts: readonly string[]): RawMessage[] {
  return texts.map((text, seq) => ({
    // Flat strings, as a receiver hands them over.
    text: Buffer.from(text).toString('utf8'),
    transport: 'tcp',
    peerAddress: '192.0.2.10',
    peerPort: 51514,
    receivedAt: NOW,
    connectionId: 1,
    seq,
    truncated: false,
    size: text.length,
  }));
}

function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

const BATCH = 512;
const geoIp = GeoIp.open({ cacheSize: DEFAULT_GEOIP_CACHE_SIZE });
const geo = new GeoEnricher(geoIp);

function measure(messages: readonly RawMessage[], enrich: boolean): number {
  let best = 0;
  let sink = 0;
  const batch: EcsEvent[] = [];
  for (let round = 0; round < 5; round++) {
    let count = 0;
    const start = cpuSeconds();
    let elapsed = 0;
    while (elapsed < options.seconds) {
      for (const message of messages) {
        const event = normalize(message, context);
        sink += event.event.dataset.length;
        // Both sides hold batches as the pipeline does, so only the enrichment differs.
        batch.push(event);
        if (batch.length === BATCH) {
          if (enrich) geo.enrich(batch);
          batch.length = 0;
        }
      }
      count += messages.length;
      elapsed = cpuSeconds() - start;
    }
    best = Math.max(best, count / elapsed);
  }
  if (sink === 0) throw new Error('nothing was decoded');
  return best;
}

const lines = corpusLines(FILES, options.corpus);
const sets: [string, RawMessage[]][] = [
  ['rfc3164 (with PRI, as forwarded)', toRaw(asSyslog(lines, 'rfc3164', NOW))],
  ['rfc5424', toRaw(asSyslog(lines, 'rfc5424', NOW))],
  ['file lines as they stand (3164 without PRI, access logs)', toRaw(lines)],
];
const decoded = sets[0]![1].filter((raw) => normalize(raw, context).event.action !== undefined).length;
process.stdout.write(
  `bench:parse — parse + decode + ECS per message, one core, best of 5 rounds of ${options.seconds} CPU s\n` +
    `corpus: ${lines.length} lines (${FILES.join(', ')}), ${decoded} decoded to an action\n` +
    `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), Node ${process.version}\n\n`,
);
const format = (rate: number): string => Math.round(rate).toLocaleString('en-US').padStart(10);
process.stdout.write(`${''.padEnd(58)} ${'parse'.padStart(10)}       ${'+ geoip'.padStart(10)}       slowdown\n`);
for (const [name, messages] of sets) {
  const plain = measure(messages, false);
  const enriched = measure(messages, true);
  const slowdown = ((plain / enriched - 1) * 100).toFixed(1);
  process.stdout.write(`${name.padEnd(58)} ${format(plain)} msg/s ${format(enriched)} msg/s ${slowdown.padStart(6)}%\n`);
}
const cache = geoIp.cacheStats;
process.stdout.write(`\ngeoip cache: ${cache.size} addresses, ${cache.hits} hits, ${cache.misses} misses\n`);
