import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { parseBoolean, parseChoice, parseDuration, parseNumberIn, parsePositiveInt, parseTimeZone } from '../core/config-values.js';
import { PACKAGE_ROOT } from '../core/package-root.js';
import type { EventEnricher } from '../collector/enricher.js';
import { ModelEnsemble } from '../scorer/model/ensemble.js';
import { AnomalyScorer, type Levels } from '../scorer/scorer.js';
import { DEFAULT_CALIBRATION } from '../scorer/calibration/site-calibration.js';
import { FileCalibrationStore, RedisCalibrationStore, type CalibrationStore } from '../scorer/calibration/state-store.js';
import { MemoryWindowStore } from '../scorer/windows/memory-store.js';
import { DEFAULT_TRAVEL_SPEED_KMH } from '../scorer/features/extract.js';
import { RedisWindowStore } from '../scorer/windows/redis-store.js';
import type { WindowStore } from '../scorer/windows/ops.js';
import { ERROR_CODES, SiemadError } from '../core/errors.js';
import { addGeoIpOptions, createGeoEnricher, type GeoIpFlags } from './geoip-options.js';
import { addOptionTable, optional, withDefault, type OptionValues } from './option-table.js';

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
export const IMPOSSIBLE_TRAVEL_SPEED = withDefault({
  flag: '--impossible-travel-speed <km/h>',
  env: 'SIEMAD_IMPOSSIBLE_TRAVEL_SPEED',
  help: 'two logins of a user farther apart than this speed allows are impossible travel',
  parse: parseNumberIn(1, 100_000),
  default: DEFAULT_TRAVEL_SPEED_KMH,
});

/** Scoring settings shared by `serve`, `analyze` and `replay`. */
const SCORING = {
  scoring: withDefault({
    flag: '--scoring <bool>',
    env: 'SIEMAD_SCORING',
    help: 'score every event with the anomaly models',
    parse: parseBoolean,
    default: true,
  }),
  modelDir: withDefault({
    flag: '--model-dir <dir>',
    env: 'SIEMAD_MODEL_DIR',
    help: 'directory with model.json and the ONNX models',
    default: path.join(PACKAGE_ROOT, 'models', 'current'),
    shownDefault: 'models/current',
  }),
  windowStore: withDefault({
    flag: '--window-store <store>',
    env: 'SIEMAD_WINDOW_STORE',
    help: 'where window state lives: memory, or redis (shared by collectors)',
    parse: parseChoice(['memory', 'redis'] as const),
    default: 'memory',
  }),
  redisUrl: optional({ flag: '--redis-url <url>', env: 'SIEMAD_REDIS_URL', help: 'Redis for --window-store redis (redis://host:6379/0)' }),
  redisKeyPrefix: withDefault({
    flag: '--redis-key-prefix <prefix>',
    env: 'SIEMAD_REDIS_KEY_PREFIX',
    help: 'prefix of the window-state keys in Redis',
    default: 'siemad:',
  }),
  anomalyLevels: optional({
    flag: '--anomaly-levels <risks>',
    env: 'SIEMAD_ANOMALY_LEVELS',
    help: 'risk thresholds low,medium,high,critical',
    parse: parseLevels,
    shownDefault: "the model's, 0.4,0.6,0.8,0.9",
  }),
  scoreBatchSize: withDefault({
    flag: '--score-batch-size <n>',
    env: 'SIEMAD_SCORE_BATCH_SIZE',
    help: 'events per ONNX inference batch',
    parse: parsePositiveInt,
    default: 256,
  }),
  outOfOrderTolerance: withDefault({
    flag: '--out-of-order-tolerance <duration>',
    env: 'SIEMAD_OUT_OF_ORDER_TOLERANCE',
    help: 'how late an event may arrive and still count at its own time in windows',
    parse: parseDuration,
    default: 300_000,
    shownDefault: '5m',
  }),
  profileTimeZone: withDefault({
    flag: '--profile-time-zone <zone>',
    env: 'SIEMAD_PROFILE_TIME_ZONE',
    help: 'time zone of working-hour profiles',
    parse: parseTimeZone,
    default: 'UTC',
  }),
  impossibleTravelSpeed: IMPOSSIBLE_TRAVEL_SPEED,
  maxEntities: withDefault({
    flag: '--max-entities <n>',
    env: 'SIEMAD_MAX_ENTITIES',
    help: 'entities tracked in memory at most (memory store)',
    parse: parsePositiveInt,
    default: 2_000_000,
  }),
  maxReasons: withDefault({
    flag: '--max-reasons <n>',
    env: 'SIEMAD_MAX_REASONS',
    help: 'reasons given per anomaly',
    parse: parsePositiveInt,
    default: 3,
  }),
  siteCalibration: withDefault({
    flag: '--site-calibration <bool>',
    env: 'SIEMAD_SITE_CALIBRATION',
    help: "learn this site's score distribution and keep flags within --flag-budget (false: the shipped calibration only)",
    parse: parseBoolean,
    default: true,
  }),
  flagBudget: withDefault({
    flag: '--flag-budget <per10k>',
    env: 'SIEMAD_FLAG_BUDGET',
    help: 'flagged events per 10,000 of a family before its threshold rises',
    parse: parseNumberIn(0.1, 10_000),
    default: DEFAULT_CALIBRATION.budgetPer10k,
  }),
  calibrationWarmup: withDefault({
    flag: '--calibration-warmup <events>',
    env: 'SIEMAD_CALIBRATION_WARMUP',
    help: "events of a family seen before the site's own threshold replaces the shipped one",
    parse: parsePositiveInt,
    default: DEFAULT_CALIBRATION.warmupEvents,
  }),
  calibrationCeiling: withDefault({
    flag: '--calibration-ceiling <risk>',
    env: 'SIEMAD_CALIBRATION_CEILING',
    help: 'shipped risk flagged on any site: the highest a threshold may rise to',
    parse: parseNumberIn(0.01, 1),
    default: DEFAULT_CALIBRATION.ceiling,
  }),
  calibrationMaxShift: withDefault({
    flag: '--calibration-max-shift <risk>',
    env: 'SIEMAD_CALIBRATION_MAX_SHIFT',
    help: 'largest threshold move per hour of event time, in risk',
    parse: parseNumberIn(0.001, 1),
    default: DEFAULT_CALIBRATION.maxShiftPerHour,
  }),
} as const;

export type ScoringOptions = OptionValues<typeof SCORING> & GeoIpFlags;

export function addScoringOptions(command: Command): Command {
  return addOptionTable(addGeoIpOptions(command), SCORING);
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
    calibrationStore =
      options.redisUrl !== undefined
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
