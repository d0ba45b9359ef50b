import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { BUFFER_WARNING_CODES, type BufferWarning, errorMessage } from './errors.js';
import { RangeSet } from './range-set.js';

/**
 * The acknowledgement checkpoint: for each live segment, the byte ranges already done
 * (acknowledged or corrupt), and the id the next segment takes (a drained buffer has no segment
 * left to name how far its ids went, and a consumer may key positions by them). One small JSON
 * file, replaced atomically (write a temporary file, rename over): a crash leaves either the old
 * or the new checkpoint, never a mix. Losing it only means records acknowledged since are
 * delivered again.
 */
export const CHECKPOINT_FILE = 'checkpoint.json';
const CHECKPOINT_VERSION = 1;
/** A checkpoint lists a few ranges per segment; anything this big was not written by us. */
const MAX_CHECKPOINT_BYTES = 16 * 1024 * 1024;

export interface CheckpointRead {
  readonly done: Map<number, RangeSet>;
  /** The id the next segment takes; 0 when the checkpoint does not say. */
  readonly nextSegmentId: number;
  readonly warning: BufferWarning | null;
}

export async function readCheckpoint(directory: string): Promise<CheckpointRead> {
  let text: string;
  try {
    const file = await open(join(directory, CHECKPOINT_FILE), 'r');
    try {
      const { size } = await file.stat();
      if (size > MAX_CHECKPOINT_BYTES) return invalid(`it is ${size} bytes`);
      text = await readFile(file, 'utf8');
    } finally {
      await file.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { done: new Map(), nextSegmentId: 0, warning: null };
    return invalid(errorMessage(err));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return invalid(errorMessage(err));
  }
  if (typeof parsed !== 'object' || parsed === null) return invalid('not a JSON object');
  const { version, segments, next = 0 } = parsed as { version?: unknown; segments?: unknown; next?: unknown };
  if (version !== CHECKPOINT_VERSION || !Array.isArray(segments)) return invalid('unknown version or layout');
  if (!Number.isSafeInteger(next) || (next as number) < 0) return invalid('malformed next segment id');
  const done = new Map<number, RangeSet>();
  for (const entry of segments) {
    const id: unknown = Array.isArray(entry) ? entry[0] : undefined;
    const ranges = Array.isArray(entry) && entry.length === 2 ? RangeSet.fromFlat(entry[1]) : null;
    if (!Number.isSafeInteger(id) || (id as number) < 0 || ranges === null) return invalid('malformed segment entry');
    done.set(id as number, ranges);
  }
  return { done, nextSegmentId: next as number, warning: null };
}

/** Replaces the checkpoint; with `sync`, the new file is on disk before it takes the old one's name. */
export async function writeCheckpoint(
  directory: string,
  segments: Iterable<readonly [id: number, done: RangeSet]>,
  nextSegmentId: number,
  sync: boolean,
): Promise<void> {
  const entries: [number, number[]][] = [];
  for (const [id, done] of segments) if (done.rangeCount > 0) entries.push([id, done.toFlat()]);
  const text = JSON.stringify({ version: CHECKPOINT_VERSION, next: nextSegmentId, segments: entries });
  const finalPath = join(directory, CHECKPOINT_FILE);
  const temporaryPath = `${finalPath}.tmp`;
  const file = await open(temporaryPath, 'w');
  try {
    await file.writeFile(text, 'utf8');
    if (sync) await file.datasync();
  } finally {
    await file.close();
  }
  await rename(temporaryPath, finalPath);
  if (sync) await syncDirectory(directory);
}

/** Makes file creations, renames and deletions in `directory` durable. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function invalid(reason: string): CheckpointRead {
  return {
    done: new Map(),
    nextSegmentId: 0,
    warning: {
      code: BUFFER_WARNING_CODES.CHECKPOINT_INVALID,
      message: `checkpoint ${CHECKPOINT_FILE} is unusable (${reason}); every buffered record will be delivered again`,
    },
  };
}
