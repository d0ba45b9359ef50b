import type { FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { FRAME_HEADER_BYTES, RECORD_MAGIC, RECORD_MAGIC_BYTES } from './frame.js';

/** What `FrameCursor.next` found. */
export const FRAME = 0;
export const CORRUPT = 1;
export const NEED_DATA = 2;
export const END = 3;
export type CursorStatus = typeof FRAME | typeof CORRUPT | typeof NEED_DATA | typeof END;

const CHECK_OK = 0;
const CHECK_NEED = 1;
const CHECK_BAD = 2;

const EMPTY = Buffer.alloc(0);

/**
 * Reads the records of one segment file in order, from a chunk of the file held in memory.
 * `next()` is synchronous and allocates only the payload view; when the chunk runs out it says
 * NEED_DATA and the caller awaits `fill()`. Bytes that are no valid record are reported once per
 * contiguous span (CORRUPT, with `corruptStart`/`corruptEnd`) after scanning forward to the next
 * record magic whose length and checksum hold, or to `end` for a torn tail.
 */
export class FrameCursor {
  /** File offset of the next unread byte. */
  position: number;
  /** Reading stops here (exclusive): the file size, or the bytes the writer has finished. */
  end: number;
  /** Payload of the frame that `next()` returned last (a view into the chunk). */
  payload: Buffer = EMPTY;
  /** File offset where the frame returned last starts. */
  frameStart = 0;
  corruptStart = 0;
  corruptEnd = 0;
  corruptReason = '';

  private chunk: Buffer = EMPTY;
  private chunkStart = 0;
  /** While looking for the next valid record after corrupt bytes: where the search goes on; else -1. */
  private resyncFrom = -1;
  private resyncStart = 0;
  private pendingReason = '';
  /** What `fill()` must load: `needBytes` bytes from `anchor` (or up to `end`). */
  private anchor = 0;
  private needBytes = 0;

  constructor(
    private readonly file: FileHandle,
    position: number,
    end: number,
    private readonly chunkBytes: number,
    private readonly maxPayloadBytes: number,
  ) {
    this.position = position;
    this.end = end;
  }

  /** Moves to `position` (forward over done ranges); drops any search in progress. */
  seek(position: number): void {
    this.position = position;
    this.resyncFrom = -1;
  }

  /** Gives back the frame `next()` returned last, so the next call returns it again. */
  unread(): void {
    this.position = this.frameStart;
  }

  next(): CursorStatus {
    if (this.resyncFrom < 0) {
      const start = this.position;
      if (start >= this.end) return END;
      const check = this.checkFrame(start);
      if (check === CHECK_OK) {
        this.frameStart = start;
        this.position = start + FRAME_HEADER_BYTES + this.payload.length;
        return FRAME;
      }
      if (check === CHECK_NEED) return NEED_DATA;
      this.resyncStart = start;
      this.resyncFrom = start + 1;
      this.pendingReason = this.corruptReason;
    }
    return this.resync();
  }

  /** Loads what `next()` asked for; false when the file ended early (then `end` shrinks to it). */
  async fill(): Promise<boolean> {
    const anchor = this.anchor;
    const size = Math.min(this.end - anchor, Math.max(this.chunkBytes, this.needBytes));
    const buffer = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await this.file.read(buffer, filled, size - filled, anchor + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    this.chunk = filled === size ? buffer : buffer.subarray(0, filled);
    this.chunkStart = anchor;
    if (filled < size) {
      this.end = anchor + filled;
      return false;
    }
    return true;
  }

  private get chunkEnd(): number {
    return this.chunkStart + this.chunk.length;
  }

  private resync(): CursorStatus {
    for (;;) {
      const from = this.resyncFrom;
      if (this.end - from < FRAME_HEADER_BYTES) return this.endCorruptSpan(this.end);
      if (from < this.chunkStart || from + RECORD_MAGIC_BYTES.length > this.chunkEnd) {
        return this.needData(from, FRAME_HEADER_BYTES);
      }
      const found = this.chunk.indexOf(RECORD_MAGIC_BYTES, from - this.chunkStart);
      if (found < 0 || this.chunkStart + found >= this.end) {
        if (this.chunkEnd >= this.end) return this.endCorruptSpan(this.end);
        // The magic may straddle the chunk end: search on from its last three bytes.
        this.resyncFrom = Math.max(from, this.chunkEnd - (RECORD_MAGIC_BYTES.length - 1));
        return this.needData(this.resyncFrom, FRAME_HEADER_BYTES);
      }
      const candidate = this.chunkStart + found;
      const check = this.checkFrame(candidate);
      if (check === CHECK_OK) return this.endCorruptSpan(candidate);
      if (check === CHECK_NEED) {
        this.resyncFrom = candidate;
        return NEED_DATA;
      }
      this.resyncFrom = candidate + 1;
    }
  }

  private endCorruptSpan(end: number): CursorStatus {
    this.corruptStart = this.resyncStart;
    this.corruptEnd = end;
    this.corruptReason = this.pendingReason;
    this.position = end;
    this.resyncFrom = -1;
    return CORRUPT;
  }

  private needData(anchor: number, bytes: number): CursorStatus {
    this.anchor = anchor;
    this.needBytes = bytes;
    return NEED_DATA;
  }

  /** Checks the frame at `start`; sets `payload` (ok), the fill request (need) or `corruptReason` (bad). */
  private checkFrame(start: number): number {
    if (start + FRAME_HEADER_BYTES > this.end) return this.bad('truncated record header');
    if (start < this.chunkStart || start + FRAME_HEADER_BYTES > this.chunkEnd) {
      this.needData(start, FRAME_HEADER_BYTES);
      return CHECK_NEED;
    }
    const chunk = this.chunk;
    const at = start - this.chunkStart;
    if (chunk.readUInt32LE(at) !== RECORD_MAGIC) return this.bad('no record magic');
    const length = chunk.readUInt32LE(at + 4);
    if (length > this.maxPayloadBytes) return this.bad('record length over the limit');
    const frameEnd = start + FRAME_HEADER_BYTES + length;
    if (frameEnd > this.end) return this.bad('record cut short');
    if (frameEnd > this.chunkEnd) {
      this.needData(start, FRAME_HEADER_BYTES + length);
      return CHECK_NEED;
    }
    const payload = chunk.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + length);
    if (crc32(payload) !== chunk.readUInt32LE(at + 8)) return this.bad('checksum mismatch');
    this.payload = payload;
    return CHECK_OK;
  }

  private bad(reason: string): number {
    this.corruptReason = reason;
    return CHECK_BAD;
  }
}
