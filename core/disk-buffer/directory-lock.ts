import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUFFER_ERROR_CODES, BufferError, errorMessage } from './errors.js';

const LOCK_FILE = 'buffer.lock';

/**
 * One process at a time owns a buffer directory: two writers would interleave segments and two
 * readers would deliver everything twice. The lock file holds the owner's pid; a lock left by a
 * process that no longer runs (a crash, SIGKILL) is taken over.
 */
export class DirectoryLock {
  private constructor(private readonly path: string) {}

  static async acquire(directory: string): Promise<DirectoryLock> {
    const path = join(directory, LOCK_FILE);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        // Written aside and linked into place, so the lock never exists without its pid in it.
        const staged = `${path}.${process.pid}`;
        await writeFile(staged, `${process.pid}\n`);
        try {
          await link(staged, path);
        } finally {
          await unlink(staged).catch(() => undefined);
        }
        return new DirectoryLock(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new BufferError(BUFFER_ERROR_CODES.OPEN_FAILED, `cannot lock ${directory}: ${errorMessage(err)}`, {
            cause: err,
          });
        }
      }
      const owner = await readOwner(path);
      if (owner !== null && owner !== process.pid && isRunning(owner)) {
        throw new BufferError(BUFFER_ERROR_CODES.LOCKED, `buffer ${directory} is in use by process ${owner}`);
      }
      if (owner === process.pid) {
        throw new BufferError(BUFFER_ERROR_CODES.LOCKED, `buffer ${directory} is already open in this process`);
      }
      await unlink(path).catch(() => undefined);
    }
    throw new BufferError(BUFFER_ERROR_CODES.LOCKED, `buffer ${directory} is being locked by another process`);
  }

  async release(): Promise<void> {
    if ((await readOwner(this.path)) === process.pid) await unlink(this.path).catch(() => undefined);
  }
}

async function readOwner(path: string): Promise<number | null> {
  try {
    const pid = Number.parseInt(await readFile(path, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
