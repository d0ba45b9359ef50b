import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CODES, SiemadError } from '../core/errors.js';

/**
 * The embedded PostgreSQL (PGlite) may be open in one process at a time: two processes writing
 * one data directory corrupt it, and PGlite itself does not stop the second. `<directory>.lock`
 * (beside it: <data-dir>/postgres.lock) holds the PID of the process that has it open; a lock whose process is gone (a crash)
 * is taken over.
 */
export function lockEmbeddedDirectory(directory: string): () => void {
  const file = `${path.resolve(directory)}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(fs.readFileSync(file, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
      throw new SiemadError(
        ERROR_CODES.DATABASE_UNAVAILABLE,
        `the embedded database in ${directory} is open in process ${holder} (a running siemad serve?): stop it first, or use a PostgreSQL server (--database-url) that several processes can share`,
        '--data-dir',
      );
    }
    fs.rmSync(file, { force: true });
  }
  throw new SiemadError(ERROR_CODES.DATABASE_UNAVAILABLE, `could not lock the embedded database in ${directory}`, '--data-dir');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
