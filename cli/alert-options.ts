import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Logger } from 'pino';
import { ALERT_LEVELS } from '../alerts/anomaly.js';
import { DEFAULT_GROUPING } from '../alerts/grouping.js';
import { AlertWriter } from '../alerts/writer.js';
import { ERROR_CODES, SiemadError } from '../core/errors.js';
import { parseChoice, parseDuration, parseSize } from '../core/config-values.js';
import type { PipelineMetrics } from '../pipeline/metrics.js';
import type { EventEnricher } from '../collector/enricher.js';
import type { DatabaseService } from '../postgres/service.js';
import { AnomalyScorer } from '../scorer/scorer.js';
import { addOptionTable, withDefault, type OptionValues } from './option-table.js';

const MIN_QUEUE_BYTES = 1024 * 1024;

function parseWindow(value: string): number {
  const ms = parseDuration(value);
  if (ms <= 0) throw new InvalidArgumentError('expected a duration longer than 0, such as 30m or 24h');
  return ms;
}

function parseQueueBytes(value: string): number {
  const bytes = parseSize(value);
  if (bytes < MIN_QUEUE_BYTES) throw new InvalidArgumentError('expected at least 1MiB');
  return bytes;
}

/** How anomalies become alerts in PostgreSQL (alerts/). */
const ALERTS = {
  alertLevel: withDefault({
    flag: '--alert-level <level>',
    env: 'SIEMAD_ALERT_LEVEL',
    help: 'anomalies at or above this level open and update alerts (low, medium, high, critical)',
    parse: parseChoice(ALERT_LEVELS),
    default: DEFAULT_GROUPING.level,
  }),
  alertWindow: withDefault({
    flag: '--alert-window <duration>',
    env: 'SIEMAD_ALERT_WINDOW',
    help: 'an anomaly joins the alert of its entity and kind when it is at most this far from the alert’s anomalies (event time)',
    parse: parseWindow,
    default: DEFAULT_GROUPING.windowMs,
    shownDefault: `${DEFAULT_GROUPING.windowMs / 3_600_000}h`,
  }),
  alertQueueBytes: withDefault({
    flag: '--alert-queue-bytes <size>',
    env: 'SIEMAD_ALERT_QUEUE_BYTES',
    help: 'disk queue of anomalies waiting for PostgreSQL (<data-dir>/alert-queue); when full, anomalies are dropped from alerts and counted',
    parse: parseQueueBytes,
    default: 64 * 1024 * 1024,
    shownDefault: '64MiB',
  }),
} as const;

export type AlertFlags = OptionValues<typeof ALERTS> & { dataDir: string };

export function addAlertOptions(command: Command): Command {
  return addOptionTable(command, ALERTS);
}

/** The alert writer of `siemad serve`, fed by the scorer (which it asks for feature rows). */
export async function openAlertWriter(
  flags: AlertFlags,
  database: DatabaseService,
  enrichers: readonly EventEnricher[],
  logger: Logger,
  metrics: PipelineMetrics,
): Promise<AlertWriter> {
  const scorer = enrichers.find((enricher): enricher is AnomalyScorer => enricher instanceof AnomalyScorer);
  try {
    return await AlertWriter.open(
      {
        directory: path.join(flags.dataDir, 'alert-queue'),
        maxQueueBytes: flags.alertQueueBytes,
        grouping: { ...DEFAULT_GROUPING, level: flags.alertLevel, windowMs: flags.alertWindow },
        ...(scorer !== undefined ? { featuresOf: (event) => scorer.featuresOf(event) } : {}),
        metrics: metrics.alerts,
        registry: metrics.registry,
        logger,
      },
      database,
    );
  } catch (err) {
    throw new SiemadError(
      ERROR_CODES.BUFFER_FAILED,
      `alert queue in ${path.join(flags.dataDir, 'alert-queue')}: ${(err as Error).message}`,
      '--data-dir',
      { cause: err },
    );
  }
}
