import fs from 'node:fs';
import { ERROR_CODES, SiemadError } from './errors.js';

/** A certificate, key or CA file named by `setting`; unreadable, it is a TLS error naming both. */
export function readTlsFile(file: string, setting: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new SiemadError(
      ERROR_CODES.TLS_INVALID,
      `${setting}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      setting,
    );
  }
}
