import { crc32 } from 'node:zlib';
import { BUFFER_ERROR_CODES, BufferError } from './errors.js';

/**
 * On-disk framing of one record: `magic u32le | payload length u32le | crc32(payload) u32le | payload`.
 * The magic lets a reader find the next record boundary after corrupt bytes (its bytes are not
 * valid UTF-8, so JSON payloads never contain it); the CRC makes torn or flipped records detectable.
 */
export const RECORD_MAGIC = 0xe3a15bd7;
export const RECORD_MAGIC_BYTES = Buffer.from([0xd7, 0x5b, 0xa1, 0xe3]);
export const FRAME_HEADER_BYTES = 12;

/** No record may ever be larger than this, whatever the options say (lengths above are corrupt). */
export const HARD_MAX_RECORD_BYTES = 16 * 1024 * 1024;

/** Bytes the frames of `records` take on disk; rejects (BufferError) a record over the limit or not bytes. */
export function framedSize(records: readonly Uint8Array[], maxRecordBytes: number): number {
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (!(record instanceof Uint8Array)) {
      throw new BufferError(BUFFER_ERROR_CODES.INVALID_ARGUMENT, `record ${i} is not a Uint8Array`);
    }
    if (record.byteLength > maxRecordBytes) {
      throw new BufferError(
        BUFFER_ERROR_CODES.RECORD_TOO_LARGE,
        `record ${i} is ${record.byteLength} bytes, over the ${maxRecordBytes}-byte record limit`,
      );
    }
    total += FRAME_HEADER_BYTES + record.byteLength;
  }
  return total;
}

/** Frames `records` into one buffer of `size` bytes (from `framedSize`) so an append is one write. */
export function encodeFrames(records: readonly Uint8Array[], size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as Uint8Array;
    out.writeUInt32LE(RECORD_MAGIC, pos);
    out.writeUInt32LE(record.byteLength, pos + 4);
    out.writeUInt32LE(crc32(record), pos + 8);
    out.set(record, pos + FRAME_HEADER_BYTES);
    pos += FRAME_HEADER_BYTES + record.byteLength;
  }
  return out;
}
