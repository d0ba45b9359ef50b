import { InvalidArgumentError } from 'commander';
import { parsePositiveInt } from '../core/config-values.js';
import { optionOf, withDefault } from './option-table.js';

/** Most threads `--workers` may ask for (each holds a few batches in flight). */
const MAX_WORKERS = 64;

export const WORKERS_ROW = withDefault({
  flag: '--workers <n>',
  env: 'SIEMAD_WORKERS',
  help: 'pipeline threads: above 1, n-1 threads encode events for the sink beside the thread that decodes and scores them (same bytes, same order)',
  parse: (value: string): number => {
    const workers = parsePositiveInt(value);
    if (workers > MAX_WORKERS) throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_WORKERS}`);
    return workers;
  },
  // 1, not the number of cores: on 2 cores (bench:e2e) codec threads do not make serve faster
  // yet, since the thread that decodes and scores stays the bottleneck, and they cost memory.
  default: 1,
});

export const workersOption = () => optionOf(WORKERS_ROW);
