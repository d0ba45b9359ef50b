/**
 * A durable disk buffer of opaque records: a write-ahead log of segment files in one directory.
 * It sits between the pipeline and the OpenSearch bulk indexer, and holds the alert writer's
 * queue of anomalies waiting for PostgreSQL; nothing in it knows either.
 *
 * Writing. `append(records)` frames the records (length + CRC32 each) into one buffer and queues
 * it; a single writer writes queued appends in order, several at a time with one `writev`, into
 * the active segment, and resolves each append once its bytes are written to the OS. A segment is
 * closed before an append that would take it past `segmentMaxBytes` or `segmentMaxRecords`; an
 * append is never split over two segments. Durability follows `fsync`: `interval` (default)
 * fsyncs the active segment at most every `fsyncIntervalMs` (500 ms), when a segment is closed and
 * on `close()`; `always` fsyncs before `append` resolves; `never` leaves it to the OS. A process
 * crash loses nothing whose append resolved, whatever the policy; a power loss can lose what was
 * not fsynced yet.
 *
 * Bounded size. The bytes on disk (segment files, including acknowledged records of a segment not
 * yet deleted, plus queued appends) never exceed `maxTotalBytes` (default 256 MiB). An append
 * that does not fit is rejected whole with `SIEMAD_BUFFER_FULL` and nothing is written. From then
 * (or from an append that leaves less room than one largest record) `isFull()` is true until
 * deleting acknowledged segments has freed a sixteenth of the buffer; `waitForSpace()` resolves
 * then. So a TCP source pauses its sockets on `SIEMAD_BUFFER_FULL` (or `isFull()`) and resumes on
 * `waitForSpace()`; a UDP source checks `isFull()` and drops and counts datagrams meanwhile.
 *
 * Reading. `read(maxRecords, maxBytes)` returns the next records in append order (at least one,
 * at most `maxRecords`, payload bytes at most `maxBytes` unless one record alone is larger),
 * waiting while there are none; it returns null once the buffer is closing. A batch never spans
 * two segments. Several batches may be in flight; `ack(batch)` marks all of its records done, in
 * any order. A segment file is deleted once every record in it is acknowledged and the writer has
 * moved past it.
 *
 * Restarts. Acknowledged byte ranges are written to a checkpoint file every
 * `checkpointIntervalMs` (when they changed) and on `close()`. `open()` scans every segment left
 * behind, validating each record not yet acknowledged, and delivers those again (at least once):
 * after a clean close nothing acknowledged comes back, after a crash at most what was acknowledged
 * since the last checkpoint. Bytes that are no valid record (a torn tail, a flipped bit, garbage)
 * are counted, reported as a warning and skipped up to the next valid record; they never stop
 * the records after them, nor later segments.
 *
 * Memory. Queued appends are bounded by `maxTotalBytes`; per segment the buffer keeps a few
 * numbers, acknowledged ranges (one per batch acknowledged out of order) and at most 256 time marks.
 */
import { EventEmitter } from 'node:events';
import { mkdir, open, unlink, type FileHandle } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Batch, type BufferBatch } from './batch.js';
import { syncDirectory, writeCheckpoint } from './checkpoint.js';
import { DirectoryLock } from './directory-lock.js';
import { BUFFER_ERROR_CODES, BUFFER_WARNING_CODES, BufferError, type BufferWarning, errorMessage } from './errors.js';
import { CORRUPT, END, FRAME, FrameCursor, NEED_DATA } from './frame-cursor.js';
import { closeFd, dataSync, openExclusive, writeAt } from './fd-io.js';
import { encodeFrames, FRAME_HEADER_BYTES, framedSize, HARD_MAX_RECORD_BYTES } from './frame.js';
import { BufferMetrics } from './metrics.js';
import { type DiskBufferOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { RangeWalker, type RangeSet } from './range-set.js';
import { corruptWarning, unreadable } from './recover-segment.js';
import { recoverDirectory, type RecoveryReport } from './recover.js';
import { encodeSegmentHeader, SEGMENT_HEADER_BYTES, segmentPath } from './segment-file.js';
import { Segment } from './segment.js';
import { Signal } from './signal.js';
import type { DiskBufferStats } from './stats.js';

export interface CheckpointInfo {
  /** `stats().ackedEvents` when the checkpoint was taken: every ack before it is now on disk. */
  readonly ackedEvents: number;
}

export interface DiskBufferEvents {
  warning: [warning: BufferWarning];
  checkpoint: [info: CheckpointInfo];
}

interface PendingAppend {
  readonly frames: Buffer;
  readonly count: number;
  readonly resolve: () => void;
  readonly reject: (err: BufferError) => void;
}

/** Appends written with one writev: bounded so a burst cannot build one huge write. */
const MAX_GROUP_APPENDS = 512;
const MAX_GROUP_BYTES = 8 * 1024 * 1024;

export class DiskBuffer extends EventEmitter<DiskBufferEvents> {
  readonly name: string;

  private readonly options: ResolvedOptions;
  /** Live segments in id (= write = read) order. */
  private readonly segments: Segment[];
  /** Deleted segments whose unlink is in flight; the checkpoint still lists them until it lands. */
  private readonly unlinking = new Set<Segment>();
  private nextSegmentId: number;
  private active: Segment | null = null;
  private readonly maxFrameBytes: number;
  private readonly resumeFreeBytes: number;

  private readonly queue: PendingAppend[] = [];
  private queuedBytes = 0;
  private segmentBytes = 0;
  private events = 0;
  private writing = false;
  private full = false;
  private closing = false;
  private closed = false;
  private closePromise: Promise<void> | null = null;

  private readonly dataArrived = new Signal();
  private readonly spaceFreed = new Signal();
  private readonly writerIdle = new Signal();

  private readTail: Promise<unknown> = Promise.resolve();
  private readSegment: Segment | null = null;
  private readAfterId = -1;
  private cursor: FrameCursor | null = null;
  private cursorFile: FileHandle | null = null;
  private skipWalker: RangeWalker | null = null;

  private timerSync: Promise<void> | null = null;
  /** Sealed segments being fsynced and closed. */
  private readonly closingWriters = new Set<Promise<void>>();
  private checkpointRunning: Promise<void> | null = null;
  private checkpointDirty = true;
  private readonly fsyncTimer: NodeJS.Timeout | null;
  private readonly checkpointTimer: NodeJS.Timeout;
  private metrics: BufferMetrics | null = null;

  private appendedEvents = 0;
  private ackedEvents = 0;
  private corruptRecords: number;
  private lostEvents = 0;
  private fullRejections = 0;
  private segmentsCreated = 0;
  private segmentsDeleted: number;
  private fsyncs = 0;

  /**
   * Opens (creating when missing) and locks the buffer directory and recovers what an earlier run
   * left there. Rejects with a BufferError: OPTIONS_INVALID, LOCKED or OPEN_FAILED.
   */
  static async open(options: DiskBufferOptions): Promise<DiskBuffer> {
    const resolved = resolveOptions(options);
    try {
      await mkdir(resolved.directory, { recursive: true });
    } catch (err) {
      throw new BufferError(BUFFER_ERROR_CODES.OPEN_FAILED, `cannot create ${resolved.directory}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    const lock = await DirectoryLock.acquire(resolved.directory);
    try {
      const recovery = await recoverDirectory(resolved.directory);
      const buffer = new DiskBuffer(resolved, lock, recovery.segments, recovery.nextSegmentId, recovery.report);
      const metrics = BufferMetrics.register(resolved.registry, buffer);
      if (metrics === null) {
        await buffer.close();
        throw new BufferError(BUFFER_ERROR_CODES.OPTIONS_INVALID, `a buffer named ${buffer.name} is already registered`);
      }
      buffer.metrics = metrics;
      return buffer;
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  private constructor(
    options: ResolvedOptions,
    private readonly lock: DirectoryLock,
    segments: Segment[],
    nextSegmentId: number,
    /** What `open` found: records to deliver again, corrupt spans skipped, warnings. */
    readonly recovery: RecoveryReport,
  ) {
    super();
    this.options = options;
    this.name = options.name;
    this.segments = segments;
    this.nextSegmentId = nextSegmentId;
    for (const segment of segments) {
      this.segmentBytes += segment.size;
      this.events += segment.unacked;
    }
    this.corruptRecords = recovery.corruptRecords;
    this.segmentsDeleted = recovery.deletedSegments;
    this.maxFrameBytes = FRAME_HEADER_BYTES + options.maxRecordBytes;
    this.resumeFreeBytes = Math.max(this.maxFrameBytes, Math.floor(options.maxTotalBytes / 16));
    this.fsyncTimer = options.fsync === 'interval' ? setInterval(this.onFsyncTimer, options.fsyncIntervalMs).unref() : null;
    this.checkpointTimer = setInterval(this.onCheckpointTimer, options.checkpointIntervalMs).unref();
  }

  /**
   * Appends `records` (opaque payloads) as one write; resolves once written to the OS (and
   * fsynced with `fsync: 'always'`). Rejects, writing nothing, with a BufferError: FULL,
   * RECORD_TOO_LARGE, INVALID_ARGUMENT, CLOSED or WRITE_FAILED (FSYNC_FAILED: written, not synced).
   */
  append(records: readonly Uint8Array[]): Promise<void> {
    if (this.closing) return Promise.reject(new BufferError(BUFFER_ERROR_CODES.CLOSED, 'the buffer is closed'));
    if (!Array.isArray(records)) {
      return Promise.reject(new BufferError(BUFFER_ERROR_CODES.INVALID_ARGUMENT, 'append takes an array of records'));
    }
    if (records.length === 0) return Promise.resolve();
    let size: number;
    try {
      size = framedSize(records, this.options.maxRecordBytes);
    } catch (err) {
      return Promise.reject(err);
    }
    if (size > this.options.segmentMaxBytes - SEGMENT_HEADER_BYTES) {
      return Promise.reject(
        new BufferError(
          BUFFER_ERROR_CODES.INVALID_ARGUMENT,
          `an append of ${size} bytes does not fit in one ${this.options.segmentMaxBytes}-byte segment; split it`,
        ),
      );
    }
    // Room for a new segment's header too, so rolling over never takes the buffer past its bound.
    const used = this.segmentBytes + this.queuedBytes;
    if (used + size + SEGMENT_HEADER_BYTES > this.options.maxTotalBytes) {
      this.fullRejections++;
      this.full = true;
      return Promise.reject(
        new BufferError(BUFFER_ERROR_CODES.FULL, `the buffer is full (${used} of ${this.options.maxTotalBytes} bytes)`),
      );
    }
    const frames = encodeFrames(records, size);
    this.queuedBytes += size;
    if (this.options.maxTotalBytes - (used + size + SEGMENT_HEADER_BYTES) < this.maxFrameBytes) this.full = true;
    const count = records.length;
    const appended = new Promise<void>((resolve, reject) => {
      this.queue.push({ frames, count, resolve, reject });
    });
    if (!this.writing) {
      this.writing = true;
      void this.writeQueued();
    }
    return appended;
  }

  /** True from a rejected (or nearly full) append until enough acknowledged data is deleted. */
  isFull(): boolean {
    return this.full;
  }

  /** Resolves when `isFull()` turns false (at once if it is), or when the buffer closes. */
  waitForSpace(): Promise<void> {
    if (!this.full || this.closing) return Promise.resolve();
    return this.spaceFreed.wait();
  }

  /**
   * The next records in append order, at least one and at most `maxRecords`, with at most
   * `maxBytes` of payload (unless the first record alone is larger). Waits while there are none;
   * null once the buffer is closing. Calls are served one after the other.
   */
  read(maxRecords: number, maxBytes: number): Promise<BufferBatch | null> {
    if (!Number.isSafeInteger(maxRecords) || maxRecords < 1 || !(maxBytes >= 1)) {
      return Promise.reject(new BufferError(BUFFER_ERROR_CODES.INVALID_ARGUMENT, 'read takes maxRecords and maxBytes of at least 1'));
    }
    const batch = this.readTail.then(() => this.readBatch(maxRecords, maxBytes));
    this.readTail = batch.catch(() => undefined);
    return batch;
  }

  /**
   * Marks every record of `batch` done (indexed or dead-lettered), in any order. Returns false,
   * doing nothing, for a batch acknowledged before, not from this buffer, or after close.
   */
  ack(batch: BufferBatch): boolean {
    if (!(batch instanceof Batch) || batch.owner !== this || batch.acked || this.closed) return false;
    batch.acked = true;
    const segment = batch.segment;
    const count = batch.records.length;
    segment.done.add(batch.start, batch.end);
    segment.unacked -= count;
    this.events -= count;
    this.ackedEvents += count;
    this.checkpointDirty = true;
    this.deleteIfDone(segment);
    return true;
  }

  stats(): DiskBufferStats {
    return {
      bytes: this.segmentBytes + this.queuedBytes,
      maxBytes: this.options.maxTotalBytes,
      events: this.events,
      oldestUnackedAgeSeconds: this.oldestUnackedAgeSeconds(Date.now()),
      segments: this.segments.length,
      full: this.full,
      appendedEvents: this.appendedEvents,
      ackedEvents: this.ackedEvents,
      corruptRecords: this.corruptRecords,
      lostEvents: this.lostEvents,
      fullRejections: this.fullRejections,
      segmentsCreated: this.segmentsCreated,
      segmentsDeleted: this.segmentsDeleted,
      fsyncs: this.fsyncs,
    };
  }

  /**
   * Writes what was appended, fsyncs (unless `fsync: 'never'`), writes the checkpoint and unlocks
   * the directory. Pending and later reads return null; later appends reject with CLOSED; acks
   * after close are ignored (those records come again after the next open).
   */
  close(): Promise<void> {
    this.closePromise ??= this.shutDown();
    return this.closePromise;
  }

  private async shutDown(): Promise<void> {
    this.closing = true;
    if (this.fsyncTimer !== null) clearInterval(this.fsyncTimer);
    clearInterval(this.checkpointTimer);
    this.dataArrived.fire();
    this.spaceFreed.fire();
    while (this.writing) await this.writerIdle.wait();
    await this.readTail;
    await this.closeReadFile();
    if (this.timerSync !== null) await this.timerSync;
    await Promise.all(this.closingWriters);
    const active = this.active;
    if (active !== null) {
      this.active = null;
      await this.closeWriter(active);
    }
    while (this.checkpointRunning !== null) await this.checkpointRunning;
    this.closed = true;
    this.checkpointDirty = true;
    await this.checkpoint();
    this.metrics?.unregister();
    await this.lock.release();
  }

  // ---- writing ----

  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) await this.writeGroup();
    this.writing = false;
    this.writerIdle.fire();
  }

  /** Writes the appends at the head of the queue that fit in the active segment; never throws. */
  private async writeGroup(): Promise<void> {
    const first = this.queue[0] as PendingAppend;
    let segment = this.active;
    if (segment !== null && (segment.readFailed || !this.fits(segment, first.frames.length, first.count))) {
      this.sealActive();
      segment = null;
    }
    if (segment === null) {
      try {
        segment = await this.createSegment();
      } catch (err) {
        this.queue.shift();
        this.queuedBytes -= first.frames.length;
        this.releaseFullIfRoom();
        first.reject(writeFailed(err));
        return;
      }
    }
    let taken = 0;
    let bytes = 0;
    let count = 0;
    while (taken < this.queue.length && taken < MAX_GROUP_APPENDS) {
      const next = this.queue[taken] as PendingAppend;
      if (
        taken > 0 &&
        (bytes + next.frames.length > MAX_GROUP_BYTES || !this.fits(segment, bytes + next.frames.length, count + next.count))
      ) {
        break;
      }
      bytes += next.frames.length;
      count += next.count;
      taken++;
    }
    const group = this.queue.splice(0, taken);
    const buffers: Buffer[] = new Array<Buffer>(taken);
    for (let i = 0; i < taken; i++) buffers[i] = (group[i] as PendingAppend).frames;
    const position = segment.size;
    const appendedAt = Date.now();
    let failure: BufferError | null = null;
    try {
      const bytesWritten = await writeAt(segment.writer as number, buffers, position);
      if (bytesWritten !== bytes) throw new Error(`short write: ${bytesWritten} of ${bytes} bytes`);
    } catch (err) {
      // Nothing is counted as written: the next group overwrites whatever part of this one landed.
      failure = writeFailed(err);
    }
    this.queuedBytes -= bytes;
    if (failure !== null) this.releaseFullIfRoom();
    if (failure === null) {
      segment.size += bytes;
      segment.records += count;
      segment.unacked += count;
      segment.marks.note(position, appendedAt);
      this.segmentBytes += bytes;
      this.events += count;
      this.appendedEvents += count;
      if (this.options.fsync === 'always') {
        try {
          await this.syncSegment(segment);
        } catch (err) {
          failure = new BufferError(BUFFER_ERROR_CODES.FSYNC_FAILED, `fsync of segment ${segment.id} failed: ${errorMessage(err)}`, {
            cause: err,
          });
        }
      }
      this.dataArrived.fire();
    }
    for (const pending of group) {
      if (failure === null) pending.resolve();
      else pending.reject(failure);
    }
  }

  /** Whether `bytes` more in `count` records fit the segment; anything fits an empty one. */
  private fits(segment: Segment, bytes: number, count: number): boolean {
    if (segment.records === 0) return true;
    return segment.size + bytes <= this.options.segmentMaxBytes && segment.records + count <= this.options.segmentMaxRecords;
  }

  private async createSegment(): Promise<Segment> {
    const id = this.nextSegmentId++;
    const path = segmentPath(this.options.directory, id);
    const writer = await openExclusive(path);
    const createdAtMs = Date.now();
    try {
      await writeAt(writer, [encodeSegmentHeader(createdAtMs)], 0);
      // The new file's name must be durable too, or a power loss could drop the whole segment.
      if (this.options.fsync !== 'never') await syncDirectory(this.options.directory);
    } catch (err) {
      await closeFd(writer);
      await unlink(path).catch(() => undefined);
      throw err;
    }
    const segment = Segment.created(id, path, writer, createdAtMs);
    this.segments.push(segment);
    this.segmentBytes += SEGMENT_HEADER_BYTES;
    this.segmentsCreated++;
    this.active = segment;
    return segment;
  }

  /**
   * Moves the writer past the active segment and deletes it if all is acknowledged. Its fsync and
   * close run in the background: appends to the next segment need not wait for them.
   */
  private sealActive(): void {
    const segment = this.active as Segment;
    this.active = null;
    segment.sealed = true;
    const pendingSync = this.timerSync ?? Promise.resolve();
    const closing = pendingSync.then(() => this.closeWriter(segment));
    this.closingWriters.add(closing);
    void closing.finally(() => this.closingWriters.delete(closing));
    this.dataArrived.fire();
    this.deleteIfDone(segment);
  }

  private async closeWriter(segment: Segment): Promise<void> {
    const writer = segment.writer;
    if (writer === null) return;
    if (this.options.fsync !== 'never' && segment.syncedSize < segment.size) {
      try {
        await this.syncSegment(segment);
      } catch (err) {
        this.warn({
          code: BUFFER_WARNING_CODES.FSYNC_FAILED,
          message: `fsync of segment ${segment.id} failed: ${errorMessage(err)}`,
          segmentId: segment.id,
        });
      }
    }
    segment.writer = null;
    await closeFd(writer);
  }

  private async syncSegment(segment: Segment): Promise<void> {
    const writer = segment.writer;
    if (writer === null) return;
    const size = segment.size;
    const started = performance.now();
    await dataSync(writer);
    this.fsyncs++;
    this.metrics?.observeFsync((performance.now() - started) / 1000);
    if (size > segment.syncedSize) segment.syncedSize = size;
  }

  private readonly onFsyncTimer = (): void => {
    const segment = this.active;
    if (this.timerSync !== null || segment === null || segment.syncedSize >= segment.size) return;
    this.timerSync = this.syncSegment(segment)
      .catch((err: unknown) => {
        this.warn({
          code: BUFFER_WARNING_CODES.FSYNC_FAILED,
          message: `fsync of segment ${segment.id} failed: ${errorMessage(err)}`,
          segmentId: segment.id,
        });
      })
      .finally(() => {
        this.timerSync = null;
      });
  };

  // ---- reading ----

  private async readBatch(maxRecords: number, maxBytes: number): Promise<BufferBatch | null> {
    for (;;) {
      if (this.closing) return null;
      const segment = await this.currentReadSegment();
      if (segment === null) {
        await this.waitForData();
        continue;
      }
      if (segment.readFailed) {
        if (segment.sealed) await this.abandon(segment);
        else await this.waitForData();
        continue;
      }
      const cursor = this.cursor as FrameCursor;
      cursor.end = segment.size;
      if (cursor.position >= segment.size) {
        if (segment.sealed) await this.finishReading(segment);
        else await this.waitForData();
        continue;
      }
      const batch = await this.collect(segment, cursor, maxRecords, maxBytes);
      if (batch !== null) return batch;
    }
  }

  /** Waits for the writer or for close; checks `closing` in the same tick, so no wake-up is missed. */
  private waitForData(): Promise<void> {
    return this.closing ? Promise.resolve() : this.dataArrived.wait();
  }

  /** The segment the reader is in, with its file open; null when there is none yet. */
  private async currentReadSegment(): Promise<Segment | null> {
    let segment = this.readSegment;
    if (segment?.deleted) {
      await this.finishReading(segment);
      segment = null;
    }
    if (segment === null) {
      for (const candidate of this.segments) {
        if (candidate.id > this.readAfterId) {
          segment = candidate;
          break;
        }
      }
      if (segment === null) return null;
      this.readSegment = segment;
      try {
        this.cursorFile = await open(segment.path, 'r');
      } catch (err) {
        this.warn(unreadable(segment.id, err));
        segment.readFailed = true;
        return segment;
      }
      this.cursor = new FrameCursor(this.cursorFile, segment.dataStart, segment.size, this.options.readChunkBytes, HARD_MAX_RECORD_BYTES);
      this.skipWalker = segment.skip === null ? null : new RangeWalker(segment.skip);
    }
    return segment;
  }

  private async collect(segment: Segment, cursor: FrameCursor, maxRecords: number, maxBytes: number): Promise<Batch | null> {
    const records: Buffer[] = [];
    const ends: number[] = [];
    const start = cursor.position;
    const walker = this.skipWalker;
    let bytes = 0;
    while (records.length < maxRecords) {
      if (walker !== null) {
        const position = walker.skip(cursor.position);
        if (position !== cursor.position) cursor.seek(position);
      }
      const status = cursor.next();
      if (status === FRAME) {
        const payload = cursor.payload;
        if (records.length > 0 && bytes + payload.length > maxBytes) {
          cursor.unread();
          break;
        }
        records.push(payload);
        ends.push(cursor.position);
        bytes += payload.length;
      } else if (status === NEED_DATA) {
        if (!(await this.fill(segment, cursor))) break;
      } else if (status === CORRUPT) {
        this.corruptRecords++;
        segment.done.add(cursor.corruptStart, cursor.corruptEnd);
        this.checkpointDirty = true;
        this.warn(corruptWarning(segment.id, cursor));
      } else if (status === END) {
        break;
      }
    }
    if (records.length === 0) return null;
    segment.delivered += records.length;
    return new Batch(this, segment, start, cursor.position, records, bytes, ends);
  }

  /**
   * Loads more of the segment. A file cut short (by something else) still yields the records
   * before the cut; the segment is given up after them. False when nothing more can be read.
   */
  private async fill(segment: Segment, cursor: FrameCursor): Promise<boolean> {
    try {
      if (await cursor.fill()) return true;
      this.warn(unreadable(segment.id, new Error(`the file ends at byte ${cursor.end}, before byte ${segment.size}`)));
      segment.readFailed = true;
      return true;
    } catch (err) {
      this.warn(unreadable(segment.id, err));
      segment.readFailed = true;
      return false;
    }
  }

  /** Gives up the unread records of a segment that cannot be read; they count as lost. */
  private async abandon(segment: Segment): Promise<void> {
    const lost = segment.records - segment.delivered;
    segment.delivered = segment.records;
    segment.unacked -= lost;
    this.events -= lost;
    this.lostEvents += lost;
    await this.finishReading(segment);
    this.deleteIfDone(segment);
  }

  private async finishReading(segment: Segment): Promise<void> {
    this.readAfterId = segment.id;
    this.readSegment = null;
    await this.closeReadFile();
  }

  private async closeReadFile(): Promise<void> {
    const file = this.cursorFile;
    this.cursorFile = null;
    this.cursor = null;
    this.skipWalker = null;
    if (file !== null) await file.close().catch(() => undefined);
  }

  // ---- acknowledgement, deletion, checkpoint ----

  private deleteIfDone(segment: Segment): void {
    if (!segment.sealed || segment.unacked > 0 || segment.deleted) return;
    segment.deleted = true;
    const index = this.segments.indexOf(segment);
    if (index >= 0) this.segments.splice(index, 1);
    this.segmentBytes -= segment.size;
    this.segmentsDeleted++;
    this.checkpointDirty = true;
    this.unlinking.add(segment);
    unlink(segment.path)
      .catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        this.warn({
          code: BUFFER_WARNING_CODES.DELETE_FAILED,
          message: `segment ${segment.id} cannot be deleted: ${errorMessage(err)}`,
          segmentId: segment.id,
        });
      })
      .finally(() => this.unlinking.delete(segment));
    this.releaseFullIfRoom();
  }

  private releaseFullIfRoom(): void {
    if (this.full && this.options.maxTotalBytes - this.segmentBytes - this.queuedBytes >= this.resumeFreeBytes) {
      this.full = false;
      this.spaceFreed.fire();
    }
  }

  private readonly onCheckpointTimer = (): void => {
    if (!this.checkpointDirty || this.checkpointRunning !== null || this.closing) return;
    this.checkpointRunning = this.checkpoint().finally(() => {
      this.checkpointRunning = null;
    });
  };

  /** Writes the done ranges of every live segment; never throws (a failure is retried later). */
  private async checkpoint(): Promise<void> {
    this.checkpointDirty = false;
    const ackedEvents = this.ackedEvents;
    const entries: (readonly [number, RangeSet])[] = [];
    for (const segment of this.segments) entries.push([segment.id, segment.done]);
    for (const segment of this.unlinking) entries.push([segment.id, segment.done]);
    try {
      // The ranges are serialized before writeCheckpoint first awaits, so they match `ackedEvents`.
      await writeCheckpoint(this.options.directory, entries, this.nextSegmentId, this.options.fsync !== 'never');
    } catch (err) {
      this.checkpointDirty = true;
      this.warn({
        code: BUFFER_WARNING_CODES.CHECKPOINT_WRITE_FAILED,
        message: `checkpoint cannot be written: ${errorMessage(err)}`,
      });
      return;
    }
    this.emit('checkpoint', { ackedEvents });
  }

  private oldestUnackedAgeSeconds(now: number): number {
    for (const segment of this.segments) {
      if (segment.unacked === 0) continue;
      const appendedAt = segment.marks.timeAt(segment.done.firstGap(segment.dataStart));
      return Number.isNaN(appendedAt) ? 0 : Math.max(0, (now - appendedAt) / 1000);
    }
    return 0;
  }

  private warn(warning: BufferWarning): void {
    this.emit('warning', warning);
  }
}

function writeFailed(err: unknown): BufferError {
  return new BufferError(BUFFER_ERROR_CODES.WRITE_FAILED, `buffer write failed: ${errorMessage(err)}`, { cause: err });
}
