import { AgeMarks } from './age-marks.js';
import { RangeSet } from './range-set.js';
import type { RecoveredSegment } from './recover-segment.js';
import { SEGMENT_HEADER_BYTES } from './segment-file.js';

/** What the buffer knows of one live segment file. */
export class Segment {
  /** Bytes written to the file (final once sealed). */
  size: number;
  /** Bytes known to be on disk (fsynced). */
  syncedSize: number;
  /** Records to deliver from this file: appended here, or not yet done when recovered. */
  records: number;
  delivered = 0;
  /** Records not acknowledged (delivered or not). */
  unacked: number;
  /** The writer has moved past this segment: it never grows again. */
  sealed: boolean;
  deleted = false;
  /** Reading failed; the rest is given up once the segment is sealed. */
  readFailed = false;
  /** File descriptor the writer appends with; null once sealed. */
  writer: number | null;

  private constructor(
    readonly id: number,
    readonly path: string,
    readonly dataStart: number,
    /** Acknowledged or corrupt byte ranges: what a restart need not deliver again. */
    readonly done: RangeSet,
    /** For recovered segments, what readers jump over (frozen copy of `done` at open). */
    readonly skip: RangeSet | null,
    readonly marks: AgeMarks,
    size: number,
    records: number,
    writer: number | null,
  ) {
    this.size = size;
    this.syncedSize = size;
    this.records = records;
    this.unacked = records;
    this.sealed = writer === null;
    this.writer = writer;
  }

  static created(id: number, path: string, writer: number, createdAtMs: number): Segment {
    const marks = new AgeMarks();
    marks.note(SEGMENT_HEADER_BYTES, createdAtMs);
    return new Segment(id, path, SEGMENT_HEADER_BYTES, new RangeSet(), null, marks, SEGMENT_HEADER_BYTES, 0, writer);
  }

  static recovered(recovered: RecoveredSegment, path: string): Segment {
    const marks = new AgeMarks();
    marks.note(recovered.dataStart, recovered.createdAtMs);
    const skip = new RangeSet(recovered.done.toFlat());
    return new Segment(recovered.id, path, recovered.dataStart, recovered.done, skip, marks, recovered.size, recovered.records, null);
  }
}
