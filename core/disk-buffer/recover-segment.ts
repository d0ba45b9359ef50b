import { open } from 'node:fs/promises';
import { BUFFER_WARNING_CODES, type BufferWarning, errorMessage } from './errors.js';
import { CORRUPT, END, FRAME, FrameCursor, NEED_DATA } from './frame-cursor.js';
import { RangeSet, RangeWalker } from './range-set.js';
import { decodeSegmentHeader, SEGMENT_HEADER_BYTES, segmentPath } from './segment-file.js';

/** What a segment left by an earlier run holds. */
export interface RecoveredSegment {
  readonly id: number;
  readonly size: number;
  /** Where records start: after the header, or 0 when the header is damaged. */
  readonly dataStart: number;
  readonly createdAtMs: number;
  /** Records that are neither acknowledged (per the checkpoint) nor corrupt: to deliver again. */
  readonly records: number;
  /** Acknowledged ranges from the checkpoint plus the corrupt spans found now. */
  readonly done: RangeSet;
  readonly corruptSpans: number;
}

/** Corrupt spans past this many in one file mean the file is garbage: the rest of it is skipped. */
const MAX_CORRUPT_SPANS = 10_000;
const SCAN_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Reads a segment file once from start to end, validating every record not yet acknowledged, so
 * that the buffer knows what to deliver again and readers later jump over the damage. Never
 * throws: a file that cannot be read is reported and comes back as null.
 */
export async function recoverSegment(
  directory: string,
  id: number,
  acknowledged: RangeSet | undefined,
  maxPayloadBytes: number,
  warn: (warning: BufferWarning) => void,
): Promise<RecoveredSegment | null> {
  let file;
  try {
    file = await open(segmentPath(directory, id), 'r');
  } catch (err) {
    warn(unreadable(id, err));
    return null;
  }
  try {
    const { size, mtimeMs } = await file.stat();
    const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
    await file.read(header, 0, Math.min(size, SEGMENT_HEADER_BYTES), 0);
    let createdAtMs = decodeSegmentHeader(header);
    let dataStart = SEGMENT_HEADER_BYTES;
    if (createdAtMs < 0) {
      warn({
        code: BUFFER_WARNING_CODES.SEGMENT_HEADER_INVALID,
        message: `segment ${id} has no valid header; searching it for records`,
        segmentId: id,
        offset: 0,
      });
      createdAtMs = Math.min(mtimeMs, Date.now());
      dataStart = 0;
    }
    const done = acknowledged ?? new RangeSet();
    const walker = new RangeWalker(done);
    const corrupt: number[] = [];
    const cursor = new FrameCursor(file, dataStart, size, SCAN_CHUNK_BYTES, maxPayloadBytes);
    let records = 0;
    for (;;) {
      const position = walker.skip(cursor.position);
      if (position !== cursor.position) cursor.seek(position);
      const status = cursor.next();
      if (status === FRAME) records++;
      else if (status === NEED_DATA) await cursor.fill();
      else if (status === END) break;
      else if (status === CORRUPT) {
        corrupt.push(cursor.corruptStart, cursor.corruptEnd);
        warn(corruptWarning(id, cursor));
        if (corrupt.length >= MAX_CORRUPT_SPANS * 2 && cursor.position < cursor.end) {
          corrupt.push(cursor.position, cursor.end);
          break;
        }
      }
    }
    for (let i = 0; i < corrupt.length; i += 2) done.add(corrupt[i] as number, corrupt[i + 1] as number);
    return { id, size, dataStart, createdAtMs, records, done, corruptSpans: corrupt.length >> 1 };
  } catch (err) {
    warn(unreadable(id, err));
    return null;
  } finally {
    await file.close().catch(() => undefined);
  }
}

export function corruptWarning(id: number, cursor: FrameCursor): BufferWarning {
  const bytes = cursor.corruptEnd - cursor.corruptStart;
  return {
    code: BUFFER_WARNING_CODES.CORRUPT_RECORD,
    message: `segment ${id}: skipped ${bytes} corrupt bytes at offset ${cursor.corruptStart} (${cursor.corruptReason})`,
    segmentId: id,
    offset: cursor.corruptStart,
    bytes,
  };
}

export function unreadable(id: number, err: unknown): BufferWarning {
  return {
    code: BUFFER_WARNING_CODES.SEGMENT_UNREADABLE,
    message: `segment ${id} cannot be read: ${errorMessage(err)}`,
    segmentId: id,
  };
}
