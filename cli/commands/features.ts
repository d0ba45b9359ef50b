import fs from 'node:fs';
import { once } from 'node:events';
import { Command } from 'commander';
import { readLineBatches } from '../../collector/line-source.js';
import { defaultObserver, normalize } from '../../collector/normalize.js';
import { parseDuration, parseTimeZone } from '../../core/config-values.js';
import { VERSION } from '../../core/version.js';
import { FEATURE_COUNT, FEATURES, featureSpecJson } from '../../scorer/features/definitions.js';
import { FeatureExtractor } from '../../scorer/features/extract.js';
import { IMPOSSIBLE_TRAVEL_SPEED } from '../scoring-options.js';
import { MemoryWindowStore } from '../../scorer/windows/memory-store.js';
import { envOption, optionOf } from '../option-table.js';
import { addGeoIpOptions, createGeoEnricher, type GeoIpFlags } from '../geoip-options.js';

interface FeaturesOptions extends GeoIpFlags {
  out: string;
  spec?: string;
  timeZone: string;
  profileTimeZone: string;
  outOfOrderTolerance: number;
  impossibleTravelSpeed: number;
}

/**
 * `siemad features`: the feature matrix of log files as CSV, computed by the same decoders and
 * feature code as `serve`, for training models in Python (models/train.sh) and for evaluation.
 */
export function featuresCommand(): Command {
  const command = new Command('features')
    .description('Write the feature matrix of log lines as CSV (one row per line, in order), for model training')
    .argument('[files...]', 'log files; none or "-" reads standard input')
    .requiredOption('--out <file>', 'CSV file to write ("-" for standard output); required')
    .option('--spec <file>', 'also write the feature list (name, kind, windowed, description) as JSON')
    .addOption(envOption('--time-zone <zone>', 'SIEMAD_TIME_ZONE', 'time zone of RFC 3164 timestamps', parseTimeZone, 'UTC'))
    .addOption(
      envOption('--profile-time-zone <zone>', 'SIEMAD_PROFILE_TIME_ZONE', 'time zone of working-hour profiles', parseTimeZone, 'UTC'),
    )
    .addOption(
      envOption(
        '--out-of-order-tolerance <duration>',
        'SIEMAD_OUT_OF_ORDER_TOLERANCE',
        'how late an event may arrive and still count at its own time',
        parseDuration,
        300_000,
        '5m',
      ),
    )
    .addOption(optionOf(IMPOSSIBLE_TRAVEL_SPEED));
  return addGeoIpOptions(command).action(async (files: string[], options: FeaturesOptions) => {
    await exportFeatures(files, options);
  });
}

async function exportFeatures(files: string[], options: FeaturesOptions): Promise<void> {
  if (options.spec !== undefined) fs.writeFileSync(options.spec, featureSpecJson());
  const out = options.out === '-' ? process.stdout : fs.createWriteStream(options.out);
  const extractor = new FeatureExtractor(new MemoryWindowStore(), {
    outOfOrderToleranceMs: options.outOfOrderTolerance,
    profileTimeZone: options.profileTimeZone,
    travelSpeedKmh: options.impossibleTravelSpeed,
  });
  const context = { timeZone: options.timeZone, observer: defaultObserver(VERSION) };
  const geo = createGeoEnricher(options);
  let matrix = new Float32Array(0);
  let rows = 0;
  out.write(FEATURES.map((feature) => feature.name).join(',') + '\n');
  for await (const batch of readLineBatches(files, { maxMessageBytes: 64 * 1024, batchSize: 1024 })) {
    const events = batch.map((raw) => normalize(raw, context));
    for (const enricher of geo) enricher.enrich(events);
    if (matrix.length < events.length * FEATURE_COUNT) matrix = new Float32Array(events.length * FEATURE_COUNT);
    await extractor.extract(events, matrix);
    let text = '';
    for (let i = 0; i < events.length; i++) {
      const row = matrix.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT);
      text += Array.from(row, formatNumber).join(',') + '\n';
    }
    rows += events.length;
    if (!out.write(text)) await once(out, 'drain');
  }
  if (out !== process.stdout) {
    await new Promise<void>((resolve, reject) => (out as fs.WriteStream).end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
  process.stderr.write(`siemad features: ${rows} rows × ${FEATURE_COUNT} features\n`);
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(6).replace(/0+$/, '');
}
