import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CODES, SiemadError } from '../pipeline/errors.js';

/**
 * The data directory must exist (created if missing) and take files, checked before anything
 * listens: a directory that cannot be written would otherwise fail later, mid-stream.
 */
export function ensureWritableDataDir(directory: string, setting = '--data-dir'): void {
  try {
    fs.mkdirSync(directory, { recursive: true, mode: 0o750 });
    const probe = path.join(directory, `.siemad-write-test-${process.pid}`);
    fs.writeFileSync(probe, '', { mode: 0o600 });
    fs.rmSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, `${setting}: ${directory} is not a writable directory (${code})`, setting);
  }
}
