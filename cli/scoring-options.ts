import path from 'node:path';
import { Command, InvalidArgumentError, type Option } from 'commander';
import { parseBoolean, parseChoice, parseDuration, parseNumberIn, parsePositiveInt, parseTimeZone } from '../pipeline/config-values.js';
import { PACKAGE_ROOT } from '../pipeline/package-root.js';
import type { EventEnricher } from '../pipeline/pipeline.js';
import { ModelEnsemble } from '../scorer/model/ensemble.js';
import { AnomalyScorer, type Levels } from '../scorer/scorer.js';
import { DEFAULT_CALIBRATION } from '../scorer/calibration/site-calibration.js';
import { FileCalibrationStore, RedisCalibrationStore, type CalibrationStore } from '../scorer/calibration/state-store.js';
import { MemoryWindowStore } from '../scorer/windows/memory-store.js';
import { DEFAULT_TRAVEL_SPEED_KMH } from '../scorer/features/extract.js';
import { RedisWindowStore } from '../scorer/windows/redis-store.js';
import type { WindowStore } from '../scorer/windows/ops.js';
import { ERROR_CODES, SiemadError } from '../pipeline/errors.js';
import { envOption } from './options.js';
import { addGeoIpOptions, createGeoEnricher, type GeoIpFlags } from './geoip-options.js';

/** Scoring settings shared by `serve` and `analyze`. */
export interface ScoringOptions extends GeoIpFlags {
  scoring: boolean;
  modelDir: string;
  windowStore: 'memory' | 'redis';
  redisUrl?: string;
  redisKeyPrefix: string;
  anomalyLevels?: Levels;
  scoreBatchSize: number;
  outOfOrderTolerance: number;
  profileTimeZone: string;
  impossibleTravelSpeed: number;
  maxEntities: number;
  maxReasons: number;
  siteCalibration: boolean;
  flagBudget: number;
  calibrationWarmup: number;
  calibrationCeiling: number;
  calibrationMaxShift: number;
}

function parseLevels(value: string): Levels {
  const parts = value.split(',').map((part) => Number(part.trim()));
  const [low, medium, high, critical] = parts;
  const ok =
    parts.length === 4 &&
    parts.every((p) => Number.isFinite(p) && p > 0 && p <= 1) &&
    low! <= medium! &&
    medium! <= high! &&
    high! <= critical!;
  if (!ok) throw new InvalidArgumentError('expected four rising risks in (0,1] for low,medium,high,critical, e.g. 0.4,0.6,0.8,0.9');
  return { low: low!, medium: medium!, high: high!, critical: critical! };
}

/** Shared with `siemad features`, whose matrix must be computed as serve computes it. */
export function impossibleTravelOption(): Option {
  return envOption('--impossible-travel-speed <km/h>', 'SIEMAD_IMPOSSIBLE_TRAVEL_SPEED', 'two logins of a user farther apart than this speed allows are impossible travel', parseNumberIn(1, 100_000), DEFAULT_TRAVEL_SPEED_KMH);
}

export function addScoringOptions(command: Command): Command {
  return addGeoIpOptions(command)
    .addOption(envOption('--scoring <bool>', 'SIEMAD_SCORING', 'score every event with the anomaly models', parseBoolean, true))
    .addOption(envOption('--model-dir <dir>', 'SIEMAD_MODEL_DIR', 'directory with model.json and the ONNX models', undefined, path.join(PACKAGE_ROOT, 'models', 'current'), 'models/current'))
    .addOption(envOption('--window-store <store>', 'SIEMAD_WINDOW_STORE', 'where window state lives: memory, or redis (shared by collectors)', parseChoice(['memory', 'redis'] as const), 'memory'))
    .addOption(envOption('--redis-url <url>', 'SIEMAD_REDIS_URL', 'Redis for --window-store redis (redis://host:6379/0)'))
    .addOption(envOption('--redis-key-prefix <prefix>', 'SIEMAD_REDIS_KEY_PREFIX', 'prefix of the window-state keys in Redis', undefined, 'siemad:'))
    .addOption(envOption('--anomaly-levels <risks>', 'SIEMAD_ANOMALY_LEVELS', 'risk thresholds low,medium,high,critical', parseLevels, undefined, "the model's, 0.4,0.6,0.8,0.9"))
    .addOption(envOption('--score-batch-size <n>', 'SIEMAD_SCORE_BATCH_SIZE', 'events per ONNX inference batch', parsePositiveInt, 256))
    .addOption(envOption('--out-of-order-tolerance <duration>', 'SIEMAD_OUT_OF_ORDER_TOLERANCE', 'how late an event may arrive and still count at its own time in windows', parseDuration, 300_000, '5m'))
    .addOption(envOption('--profile-time-zone <zone>', 'SIEMAD_PROFILE_TIME_ZONE', 'time zone of working-hour profiles', parseTimeZone, 'UTC'))
    .addOption(impossibleTravelOption())
    .addOption(envOption('--max-entities <n>', 'SIEMAD_MAX_ENTITIES', 'entities tracked in memory at most (memory store)', parsePositiveInt, 2_000_000))
    .addOption(envOption('--max-reasons <n>', 'SIEMAD_MAX_REASONS', 'reasons given per anomaly', parsePositiveInt, 3))
    .addOption(envOption('--site-calibration <bool>', 'SIEMAD_SITE_CALIBRATION', "learn this site's score distribution and keep flags within --flag-budget (false: the shipped calibration only)", parseBoolean, true))
    .addOption(envOption('--flag-budget <per10k>', 'SIEMAD_FLAG_BUDGET', 'flagged events per 10,000 of a family before its threshold rises', parseNumberIn(0.1, 10_000), DEFAULT_CALIBRATION.budgetPer10k))
    .addOption(envOption('--calibration-warmup <events>', 'SIEMAD_CALIBRATION_WARMUP', "events of a family seen before the site's own threshold replaces the shipped one", parsePositiveInt, DEFAULT_CALIBRATION.warmupEvents))
    .addOption(envOption('--calibration-ceiling <risk>', 'SIEMAD_CALIBRATION_CEILING', 'shipped risk flagged on any site: the highest a threshold may rise to', parseNumberIn(0.01, 1), DEFAULT_CALIBRATION.ceiling))
    .addOption(envOption('--calibration-max-shift <risk>', 'SIEMAD_CALIBRATION_MAX_SHIFT', 'largest threshold move per hour of event time, in risk', parseNumberIn(0.001, 1), DEFAULT_CALIBRATION.maxShiftPerHour));
}

/**
 * Builds the GeoIP enricher and the scorer from the options (either may be off). With `stateDir` (serve)
 * the site calibration persists: in Redis beside the windows, else in `stateDir/calibration.json`.
 */
export async function createScoring(options: ScoringOptions, stateDir?: string): Promise<EventEnricher[]> {
  // GeoIP first: enrichment stands on its own, and the scorer's geographic features read it.
  const enrichers: EventEnricher[] = createGeoEnricher(options);
  if (!options.scoring) return enrichers;
  const ensemble = await ModelEnsemble.load(options.modelDir);
  let store: WindowStore;
  if (options.windowStore === 'redis' || options.redisUrl !== undefined) {
    if (options.redisUrl === undefined) {
      throw new SiemadError(ERROR_CODES.CONFIG_INVALID, '--window-store redis needs --redis-url', '--redis-url');
    }
    store = await RedisWindowStore.connect({ url: options.redisUrl, keyPrefix: options.redisKeyPrefix });
  } else {
    store = new MemoryWindowStore({ maxEntities: options.maxEntities });
  }
  let calibrationStore: CalibrationStore | undefined;
  if (stateDir !== undefined && options.siteCalibration) {
    calibrationStore = options.redisUrl !== undefined
      ? new RedisCalibrationStore(options.redisUrl, `${options.redisKeyPrefix}calibration`)
      : new FileCalibrationStore(path.join(stateDir, 'calibration.json'));
  }
  const scorer = new AnomalyScorer(ensemble, store, {
    batchSize: options.scoreBatchSize,
    outOfOrderToleranceMs: options.outOfOrderTolerance,
    profileTimeZone: options.profileTimeZone,
    travelSpeedKmh: options.impossibleTravelSpeed,
    maxReasons: options.maxReasons,
    ...(options.anomalyLevels !== undefined ? { levels: options.anomalyLevels } : {}),
    calibration: {
      budgetPer10k: options.flagBudget,
      warmupEvents: options.siteCalibration ? options.calibrationWarmup : Number.POSITIVE_INFINITY,
      ceiling: options.calibrationCeiling,
      maxShiftPerHour: options.calibrationMaxShift,
    },
    ...(calibrationStore !== undefined ? { calibrationStore } : {}),
    });
  await scorer.start();
  enrichers.push(scorer);
  return enrichers;
}
