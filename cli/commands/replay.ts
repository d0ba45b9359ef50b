import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { readLineBatches } from '../../collector/line-source.js';
import { defaultObserver } from '../../collector/normalize.js';
import type { DeadLetter } from '../../opensearch/indexer/dead-letter.js';
import type { RecordInput } from '../../opensearch/indexer/record.js';
import { OpenSearchOutput } from '../../opensearch/output.js';
import { parseChoice, parseDuration, parsePositiveInt, parseSize, parseTimeZone } from '../../core/config-values.js';
import { ERROR_CODES, SiemadError } from '../../core/errors.js';
import { createLogger, LOG_LEVELS, type LogLevel } from '../../core/logger.js';
import { Pipeline } from '../../pipeline/pipeline.js';
import { VERSION } from '../../core/version.js';
import {
  addOpenSearchConnectionOptions,
  addOpenSearchIndexingOptions,
  addOpenSearchLayoutOptions,
  outputOptions,
  withFlagName,
  type OpenSearchConnectionFlags,
  type OpenSearchIndexingFlags,
  type OpenSearchLayoutFlags,
} from '../opensearch-options.js';
import { envOption, optionOf } from '../option-table.js';
import { parseEventLine } from '../replay/event-lines.js';
import { detectInputFormat, type InputFormat } from '../replay/input-format.js';
import { ReplayProgress, type ReplayCounts } from '../replay/progress.js';
import { addScoringOptions, createScoring, type ScoringOptions } from '../scoring-options.js';
import { applyDataPermissions, DATA_GROUP_READ } from '../data-dir.js';

interface ReplayFlags extends ScoringOptions, OpenSearchConnectionFlags, OpenSearchLayoutFlags, OpenSearchIndexingFlags {
  inputFormat: 'auto' | InputFormat;
  dataDir: string;
  dataGroupRead: boolean;
  timeZone: string;
  maxMessageBytes: number;
  maxEventBytes: number;
  batchSize: number;
  progressInterval: number;
  logLevel: LogLevel;
  json: boolean;
}

export function replayCommand(): Command {
  const command = new Command('replay')
    .description(
      'Load NDJSON event files (as written by the NDJSON sink; ids kept, so replaying twice creates nothing twice) or raw log files ' +
        '(run through the same pipeline as `analyze`, scoring included; ids include the replay time) into OpenSearch through the disk buffer. ' +
        'Progress goes to standard error, the summary to standard output; exit code 1 when events were dead-lettered or lines were invalid.',
    )
    .argument('[files...]', 'NDJSON event or raw log files; none or "-" reads standard input (give --input-format)')
    .addOption(
      envOption(
        '--input-format <format>',
        'SIEMAD_INPUT_FORMAT',
        'auto (per file: JSON objects with @timestamp and event are events), events or raw',
        parseChoice(['auto', 'events', 'raw'] as const),
        'auto',
      ),
    )
    .addOption(envOption('--data-dir <dir>', 'SIEMAD_DATA_DIR', 'directory for the replay buffer and dead letters', undefined, './data'))
    .addOption(optionOf(DATA_GROUP_READ))
    .addOption(envOption('--time-zone <zone>', 'SIEMAD_TIME_ZONE', 'time zone of RFC 3164 timestamps in raw logs', parseTimeZone, 'UTC'))
    .addOption(
      envOption(
        '--max-message-bytes <size>',
        'SIEMAD_MAX_MESSAGE_BYTES',
        'longest raw line kept; longer ones are truncated and tagged',
        parseSize,
        64 * 1024,
        '64KiB',
      ),
    )
    .addOption(
      envOption(
        '--max-event-bytes <size>',
        'SIEMAD_MAX_EVENT_BYTES',
        'longest NDJSON event line; longer ones are dead-lettered',
        parseSize,
        1024 * 1024,
        '1MiB',
      ),
    )
    .addOption(envOption('--batch-size <n>', 'SIEMAD_BATCH_SIZE', 'events per pipeline batch and buffer append', parsePositiveInt, 512))
    .addOption(
      envOption(
        '--progress-interval <duration>',
        'SIEMAD_PROGRESS_INTERVAL',
        'how often progress is printed to standard error (0 = never)',
        parseDuration,
        5000,
        '5s',
      ),
    )
    .addOption(
      envOption('--log-level <level>', 'SIEMAD_LOG_LEVEL', 'pino log level (logs go to standard error)', parseChoice(LOG_LEVELS), 'warn'),
    )
    .option('--json', 'print the summary as JSON', false);
  addOpenSearchConnectionOptions(command);
  addOpenSearchLayoutOptions(command);
  addOpenSearchIndexingOptions(command, '<data-dir>/replay-buffer');
  return addScoringOptions(command).action(async (files: string[], flags: ReplayFlags) => {
    await replay(files, flags);
  });
}

async function replay(files: string[], flags: ReplayFlags): Promise<void> {
  const inputs = files.length === 0 ? ['-'] : files;
  const formats = await inputFormats(inputs, flags.inputFormat);
  const logger = createLogger(flags.logLevel, 2);
  applyDataPermissions(flags.dataGroupRead);
  const settings = outputOptions(flags, { dataDir: flags.dataDir, bufferSubdir: 'replay-buffer', logger });
  const enrichers = formats.includes('raw') ? await createScoring(flags) : [];
  const output = await OpenSearchOutput.open(settings).catch((error: unknown) => {
    throw withFlagName(error);
  });
  const counts: ReplayCounts = { events: 0, invalid: 0, eventFiles: 0, rawFiles: 0 };
  const started = performance.now();
  const progress = new ReplayProgress(output, counts, flags.progressInterval, started);
  const pipeline = new Pipeline({
    normalize: { timeZone: flags.timeZone, observer: defaultObserver(VERSION) },
    enrichers,
    sink: output.sink,
    logger,
    batchSize: flags.batchSize,
  });
  let interrupted = false;
  let interruptNow!: () => void;
  const interruption = new Promise<void>((resolve) => (interruptNow = resolve));
  const onSignal = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    interruptNow();
    process.stderr.write('siemad replay: interrupted; stopping (what is buffered is indexed by the next replay)\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for (let i = 0; i < inputs.length && !interrupted; i++) {
      const file = inputs[i]!;
      if (formats[i] === 'events') {
        counts.eventFiles++;
        for await (const lines of readLineBatches([file], { maxMessageBytes: flags.maxEventBytes, batchSize: flags.batchSize })) {
          await writeEventLines(lines, output, counts, flags.maxEventBytes);
          if (interrupted) break;
        }
      } else {
        counts.rawFiles++;
        for await (const batch of readLineBatches([file], { maxMessageBytes: flags.maxMessageBytes, batchSize: flags.batchSize })) {
          await pipeline.processBatch(batch);
          counts.events += batch.length;
          if (interrupted) break;
        }
      }
    }
    if (!interrupted) await Promise.race([output.drained(), interruption]);
  } finally {
    progress.stop();
    // Closes the scorer and the output: the indexer stops, the buffer keeps what is not indexed.
    await pipeline.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const summary = progress.summary();
  const remaining = output.buffer.stats().events;
  if (flags.json) process.stdout.write(`${JSON.stringify({ ...summary, interrupted, remaining })}\n`);
  else process.stdout.write(progress.formatSummary(summary, settings.deadLetter.directory));
  if (interrupted) {
    process.stderr.write(`siemad replay: ${remaining} events stay in ${settings.buffer.directory}\n`);
    process.exitCode = 130;
  } else if (summary.deadLettered > 0 || summary.invalid > 0) {
    process.exitCode = 1;
  }
}

async function inputFormats(inputs: readonly string[], wanted: ReplayFlags['inputFormat']): Promise<InputFormat[]> {
  const formats: InputFormat[] = [];
  for (const file of inputs) {
    if (file === '-') {
      if (wanted === 'auto')
        throw new SiemadError(ERROR_CODES.CONFIG_INVALID, '--input-format: give events or raw to replay standard input', '--input-format');
      formats.push(wanted);
      continue;
    }
    try {
      fs.accessSync(file, fs.constants.R_OK);
      formats.push(wanted === 'auto' ? await detectInputFormat(file) : wanted);
    } catch (error) {
      throw new SiemadError(ERROR_CODES.INPUT_UNREADABLE, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, file);
    }
  }
  return formats;
}

/** Appends a batch of NDJSON lines as one buffer append; lines that are no event become dead letters. */
async function writeEventLines(
  lines: readonly { text: string; truncated: boolean }[],
  output: OpenSearchOutput,
  counts: ReplayCounts,
  maxEventBytes: number,
): Promise<void> {
  const records: RecordInput[] = [];
  const invalid: DeadLetter[] = [];
  for (const line of lines) {
    const parsed = line.truncated
      ? ({ kind: 'invalid', reason: `line longer than --max-event-bytes (${maxEventBytes})` } as const)
      : parseEventLine(line.text);
    if (parsed.kind === 'event') records.push(parsed.input);
    else if (parsed.kind === 'invalid') {
      invalid.push({
        kind: 'invalid_input',
        errorType: 'invalid_event_line',
        reason: parsed.reason,
        event: Buffer.from(line.text),
        eventIsJson: false,
      });
    }
  }
  await output.sink.writeRecords(records);
  counts.events += records.length;
  if (invalid.length > 0) {
    await output.deadLetters.write(invalid);
    counts.invalid += invalid.length;
  }
}
