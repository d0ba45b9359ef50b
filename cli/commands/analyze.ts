import fs from 'node:fs';
import { Command } from 'commander';
import { readLineBatches } from '../../collector/line-source.js';
import { defaultObserver } from '../../collector/normalize.js';
import { parseChoice, parsePositiveInt, parseSize, parseTimeZone } from '../../core/config-values.js';
import { ERROR_CODES, SiemadError } from '../../core/errors.js';
import { createLogger, LOG_LEVELS, type LogLevel } from '../../core/logger.js';
import { CodecPool } from '../../pipeline/codec/pool.js';
import { Pipeline } from '../../pipeline/pipeline.js';
import type { EventSink } from '../../sinks/sink.js';
import { StreamNdjsonSink } from '../../sinks/ndjson/stream-sink.js';
import { SummarySink } from '../../sinks/summary.js';
import { VERSION } from '../../core/version.js';
import { envOption } from '../option-table.js';
import { geoIpOptionsOf } from '../geoip-options.js';
import { workersOption } from '../workers-option.js';
import { addScoringOptions, createScoring, type ScoringOptions } from '../scoring-options.js';

interface AnalyzeOptions extends ScoringOptions {
  format?: 'ndjson' | 'table';
  timeZone: string;
  maxMessageBytes: number;
  batchSize: number;
  workers: number;
  logLevel: LogLevel;
}

export function analyzeCommand(): Command {
  const command = new Command('analyze')
    .description('Run log lines from files (or standard input) through the same pipeline as `serve` and print the events')
    .argument('[files...]', 'log files; none or "-" reads standard input')
    .addOption(
      envOption(
        '--format <format>',
        'SIEMAD_FORMAT',
        'ndjson: one JSON event per input line, in order; table: a readable summary',
        parseChoice(['ndjson', 'table'] as const),
        undefined,
        'table on a terminal, else ndjson',
      ),
    )
    .addOption(
      envOption('--time-zone <zone>', 'SIEMAD_TIME_ZONE', 'time zone of RFC 3164 timestamps (which carry none)', parseTimeZone, 'UTC'),
    )
    .addOption(
      envOption(
        '--max-message-bytes <size>',
        'SIEMAD_MAX_MESSAGE_BYTES',
        'longest line kept; longer ones are truncated and tagged',
        parseSize,
        64 * 1024,
        '64KiB',
      ),
    )
    .addOption(envOption('--batch-size <n>', 'SIEMAD_BATCH_SIZE', 'events per pipeline batch', parsePositiveInt, 512))
    .addOption(workersOption())
    .addOption(
      envOption('--log-level <level>', 'SIEMAD_LOG_LEVEL', 'pino log level (logs go to standard error)', parseChoice(LOG_LEVELS), 'warn'),
    );
  return addScoringOptions(command).action(async (files: string[], options: AnalyzeOptions) => {
    await analyze(files, options);
  });
}

async function analyze(files: string[], options: AnalyzeOptions): Promise<void> {
  for (const file of files) {
    if (file === '-') continue;
    try {
      fs.accessSync(file, fs.constants.R_OK);
    } catch (err) {
      throw new SiemadError(ERROR_CODES.INPUT_UNREADABLE, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code}`, file);
    }
  }
  const logger = createLogger(options.logLevel, 2);
  const format = options.format ?? (process.stdout.isTTY ? 'table' : 'ndjson');
  const sink: EventSink =
    format === 'ndjson' ? new StreamNdjsonSink(process.stdout) : new SummarySink((text) => process.stdout.write(text));
  const normalize = { timeZone: options.timeZone, observer: defaultObserver(VERSION) };
  const geoIp = geoIpOptionsOf(options);
  const codecs = CodecPool.forWorkers(options.workers, { normalize, ...(geoIp !== undefined ? { geoIp } : {}) }, logger);
  const pipeline = new Pipeline({
    normalize,
    enrichers: await createScoring(options),
    sink,
    logger,
    batchSize: options.batchSize,
    ...(codecs !== undefined ? { codecs } : {}),
  });
  for await (const batch of readLineBatches(files, { maxMessageBytes: options.maxMessageBytes, batchSize: options.batchSize })) {
    await pipeline.submit(batch);
  }
  await pipeline.stop();
}
