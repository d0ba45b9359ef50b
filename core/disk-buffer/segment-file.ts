import { join } from 'node:path';

/**
 * Segment files are named by a zero-padded, ever-increasing id (`0000000000000042.seg`) so that
 * name order is write order. Each starts with a 16-byte header: 8 magic bytes (format version in
 * the last) and the creation time in ms (float64le), which bounds the age of every record in it.
 */
export const SEGMENT_HEADER_BYTES = 16;
const SEGMENT_MAGIC = Buffer.from('SIEMWAL\x01', 'latin1');
const SEGMENT_NAME = /^(\d{16})\.seg$/;

export function segmentFileName(id: number): string {
  return `${String(id).padStart(16, '0')}.seg`;
}

export function segmentPath(directory: string, id: number): string {
  return join(directory, segmentFileName(id));
}

/** The id of a segment file name, or -1 for any other name. */
export function parseSegmentFileName(name: string): number {
  const match = SEGMENT_NAME.exec(name);
  if (match === null) return -1;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) ? id : -1;
}

export function encodeSegmentHeader(createdAtMs: number): Buffer {
  const header = Buffer.allocUnsafe(SEGMENT_HEADER_BYTES);
  SEGMENT_MAGIC.copy(header, 0);
  header.writeDoubleLE(createdAtMs, 8);
  return header;
}

/** The creation time in a segment header, or -1 when `bytes` is no valid header. */
export function decodeSegmentHeader(bytes: Buffer): number {
  if (bytes.length < SEGMENT_HEADER_BYTES || !bytes.subarray(0, 8).equals(SEGMENT_MAGIC)) return -1;
  const createdAtMs = bytes.readDoubleLE(8);
  return Number.isFinite(createdAtMs) && createdAtMs >= 0 ? createdAtMs : -1;
}
