import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Logger } from 'pino';
import { ALERT_LEVELS, type AlertLevel } from '../alerts/anomaly.js';
import { DEFAULT_GROUPING } from '../alerts/grouping.js';
import { AlertWriter } from '../alerts/writer.js';
import { ERROR_CODES, SiemadError } from '../pipeline/errors.js';
import { parseChoice, parseDuration, parseSize } from '../pipeline/config-values.js';
import type { CollectorMetrics } from '../pipeline/metrics.js';
import type { EventEnricher } from '../pipeline/pipeline.js';
import type { DatabaseService } from '../postgres/service.js';
import { AnomalyScorer } from '../scorer/scorer.js';
import { envOption } from './options.js';

/** How anomalies become alerts in PostgreSQL (alerts/). */
export interface AlertFlags {
  alertLevel: AlertLevel;
  alertWindow: number;
  alertQueueBytes: number;
  dataDir: string;
}

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

export function addAlertOptions(command: Command): Command {
  return command
    .addOption(envOption('--alert-level <level>', 'SIEMAD_ALERT_LEVEL', 'anomalies at or above this level open and update alerts (low, medium, high, critical)', parseChoice(ALERT_LEVELS), DEFAULT_GROUPING.level))
    .addOption(
      envOption('--alert-window <duration>', 'SIEMAD_ALERT_WINDOW', 'an anomaly joins the alert of its entity and kind when it is at most this far from the alert’s anomalies (event time)', parseWindow, DEFAULT_GROUPING.windowMs, `${DEFAULT_GROUPING.windowMs / 3_600_000}h`),
    )
    .addOption(
      envOption('--alert-queue-bytes <size>', 'SIEMAD_ALERT_QUEUE_BYTES', 'disk queue of anomalies waiting for PostgreSQL (<data-dir>/alert-queue); when full, anomalies are dropped from alerts and counted', parseQueueBytes, 64 * 1024 * 1024, '64MiB'),
    );
}

/** The alert writer of `siemad serve`, fed by the scorer (which it asks for feature rows). */
export async function openAlertWriter(flags: AlertFlags, database: DatabaseService, enrichers: readonly EventEnricher[], logger: Logger, metrics: CollectorMetrics): Promise<AlertWriter> {
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
    throw new SiemadError(ERROR_CODES.BUFFER_FAILED, `alert queue in ${path.join(flags.dataDir, 'alert-queue')}: ${(err as Error).message}`, '--data-dir', { cause: err });
  }
}
