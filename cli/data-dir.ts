import fs from 'node:fs';
import path from 'node:path';
import { parseBoolean } from '../core/config-values.js';
import { ERROR_CODES, SiemadError } from '../core/errors.js';
import { withDefault } from './option-table.js';

/**
 * Raw security logs, buffers, dead letters and state are for the collector's user alone (files
 * 0600, folders 0700), or also for its group with `--data-group-read` (0640, 0750: e.g. a log
 * shipper's group). Set as the process umask, so every file any component creates follows it.
 */
export const DATA_GROUP_READ = withDefault({
  flag: '--data-group-read [bool]',
  env: 'SIEMAD_DATA_GROUP_READ',
  help: "let the collector's group read what it writes under the data directory (files 0640, folders 0750; default 0600, 0700)",
  parse: parseBoolean,
  default: false,
});

/** Sets the umask; returns the mode directories get under it. */
export function applyDataPermissions(groupRead: boolean): number {
  const mask = groupRead ? 0o027 : 0o077;
  process.umask(mask);
  return 0o777 & ~mask;
}

/**
 * The data directory must exist (created if missing) and take files, checked before anything
 * listens: a directory that cannot be written would otherwise fail later, mid-stream. An existing
 * directory gets `mode` too (applyDataPermissions' result).
 */
export function ensureWritableDataDir(directory: string, mode: number, setting = '--data-dir'): void {
  try {
    fs.mkdirSync(directory, { recursive: true });
    fs.chmodSync(directory, mode);
    const probe = path.join(directory, `.siemad-write-test-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, `${setting}: ${directory} is not a writable directory (${code})`, setting);
  }
}
