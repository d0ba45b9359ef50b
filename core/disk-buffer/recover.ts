import { readdir, unlink } from 'node:fs/promises';
import { readCheckpoint } from './checkpoint.js';
import { BUFFER_ERROR_CODES, BUFFER_WARNING_CODES, BufferError, type BufferWarning, errorMessage } from './errors.js';
import { HARD_MAX_RECORD_BYTES } from './frame.js';
import { recoverSegment } from './recover-segment.js';
import { parseSegmentFileName, segmentPath } from './segment-file.js';
import { Segment } from './segment.js';

/** What `open` found in the directory. */
export interface RecoveryReport {
  /** Segment files kept because they hold records to deliver. */
  readonly segments: number;
  /** Records to deliver again (not acknowledged before the stop). */
  readonly events: number;
  /** Spans of corrupt bytes skipped. */
  readonly corruptRecords: number;
  /** Fully acknowledged (or empty, or garbage) segment files deleted. */
  readonly deletedSegments: number;
  /** The first warnings (at most `MAX_REPORTED_WARNINGS`). */
  readonly warnings: readonly BufferWarning[];
  /** Warnings beyond those. */
  readonly warningsDropped: number;
}

export interface Recovery {
  readonly segments: Segment[];
  readonly nextSegmentId: number;
  readonly report: RecoveryReport;
}

const MAX_REPORTED_WARNINGS = 100;

/**
 * Reads the checkpoint and every segment file of `directory` (in id order), deletes the files with
 * nothing left to deliver, and returns the rest as sealed segments. Damage is reported, never thrown.
 */
export async function recoverDirectory(directory: string): Promise<Recovery> {
  const warnings: BufferWarning[] = [];
  let warningsDropped = 0;
  let corruptRecords = 0;
  const warn = (warning: BufferWarning): void => {
    if (warning.code === BUFFER_WARNING_CODES.CORRUPT_RECORD) corruptRecords++;
    if (warnings.length < MAX_REPORTED_WARNINGS) warnings.push(warning);
    else warningsDropped++;
  };

  const checkpoint = await readCheckpoint(directory);
  if (checkpoint.warning !== null) warn(checkpoint.warning);
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (err) {
    throw new BufferError(BUFFER_ERROR_CODES.OPEN_FAILED, `cannot list ${directory}: ${errorMessage(err)}`, { cause: err });
  }
  const ids: number[] = [];
  for (const name of names) {
    const id = parseSegmentFileName(name);
    if (id >= 0) ids.push(id);
  }
  ids.sort((a, b) => a - b);

  // Ids are never reused, not even those only the checkpoint still names (or, for a drained
  // buffer, only its next id): a new segment must not inherit acknowledged ranges of a deleted one.
  let highestId = 0;
  for (const id of ids) highestId = Math.max(highestId, id);
  for (const id of checkpoint.done.keys()) highestId = Math.max(highestId, id);
  highestId = Math.max(highestId, checkpoint.nextSegmentId - 1);

  const segments: Segment[] = [];
  let events = 0;
  let deletedSegments = 0;
  for (const id of ids) {
    const recovered = await recoverSegment(directory, id, checkpoint.done.get(id), HARD_MAX_RECORD_BYTES, warn);
    if (recovered === null) continue;
    const path = segmentPath(directory, id);
    if (recovered.records === 0) {
      try {
        await unlink(path);
        deletedSegments++;
      } catch (err) {
        warn({
          code: BUFFER_WARNING_CODES.DELETE_FAILED,
          message: `segment ${id} cannot be deleted: ${errorMessage(err)}`,
          segmentId: id,
        });
      }
      continue;
    }
    segments.push(Segment.recovered(recovered, path));
    events += recovered.records;
  }
  return {
    segments,
    nextSegmentId: highestId + 1,
    report: { segments: segments.length, events, corruptRecords, deletedSegments, warnings, warningsDropped },
  };
}
