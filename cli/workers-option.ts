import os from 'node:os';
import { InvalidArgumentError } from 'commander';
import { parsePositiveInt } from '../core/config-values.js';
import { optionOf, withDefault } from './option-table.js';

/** Most threads `--workers` may ask for (each holds a few batches in flight). */
const MAX_WORKERS = 64;
/**
 * The default stops at 4: one scoring thread keeps at most two or three codec threads busy, and
 * each holds its own GeoIP tables (tens of MiB).
 */
const DEFAULT_MAX_WORKERS = 4;

export const WORKERS_ROW = withDefault({
  flag: '--workers <n>',
  env: 'SIEMAD_WORKERS',
  help: 'pipeline threads: above 1, n-1 threads encode events for the sink beside the thread that decodes and scores them (same bytes, same order)',
  parse: (value: string): number => {
    const workers = parsePositiveInt(value);
    if (workers > MAX_WORKERS) throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_WORKERS}`);
    return workers;
  },
  default: Math.min(os.availableParallelism(), DEFAULT_MAX_WORKERS),
  shownDefault: 'the number of cores, at most 4',
});

export const workersOption = () => optionOf(WORKERS_ROW);
