import os from 'node:os';
import { parsePositiveInt } from '../core/config-values.js';
import { optionOf, withDefault } from './option-table.js';

/** Most threads `--workers` may ask for (each holds a few batches in flight). */
const MAX_WORKERS = 64;

export const WORKERS_ROW = withDefault({
  flag: '--workers <n>',
  env: 'SIEMAD_WORKERS',
  help: 'pipeline threads: above 1, n-1 threads encode events for the sink beside the thread that decodes and scores them (same bytes, same order)',
  parse: (value: string): number => Math.min(parsePositiveInt(value), MAX_WORKERS),
  default: os.availableParallelism(),
  shownDefault: 'the number of cores',
});

export const workersOption = () => optionOf(WORKERS_ROW);
