import type { Registry } from 'prom-client';
import { BUFFER_ERROR_CODES, BufferError } from './errors.js';
import { FRAME_HEADER_BYTES, HARD_MAX_RECORD_BYTES } from './frame.js';
import { SEGMENT_HEADER_BYTES } from './segment-file.js';

/** `interval`: fsync at most every `fsyncIntervalMs` and on close; `always`: before `append` resolves; `never`: leave it to the OS. */
export type FsyncPolicy = 'interval' | 'always' | 'never';

export interface DiskBufferOptions {
  /** Directory of the segment files; created when missing. One process owns it at a time. */
  readonly directory: string;
  /** Bound on the bytes on disk (segments, including acknowledged records not yet deleted). Default 256 MiB. */
  readonly maxTotalBytes?: number;
  /** A segment is closed before an append that would take it past this. Default min(16 MiB, maxTotalBytes / 8), at least one largest record. */
  readonly segmentMaxBytes?: number;
  /** A segment is closed before an append that would take it past this many records. Default unbounded. */
  readonly segmentMaxRecords?: number;
  /** Largest record accepted. Default 256 KiB (a 64 KiB event plus its JSON envelope, with room). */
  readonly maxRecordBytes?: number;
  /** Default `interval`. */
  readonly fsync?: FsyncPolicy;
  /** Default 500. */
  readonly fsyncIntervalMs?: number;
  /** How often acknowledgement progress is written, when it changed. Default 1000. */
  readonly checkpointIntervalMs?: number;
  /** Bytes a reader loads from a segment file at a time. Default 1 MiB. */
  readonly readChunkBytes?: number;
  /** Where to register the `siemad_buffer_*` metrics; none when absent. */
  readonly registry?: Registry;
  /** Value of the `buffer` label of the metrics; unique per registry. Default `default`. */
  readonly name?: string;
}

export interface ResolvedOptions {
  readonly directory: string;
  readonly maxTotalBytes: number;
  readonly segmentMaxBytes: number;
  readonly segmentMaxRecords: number;
  readonly maxRecordBytes: number;
  readonly fsync: FsyncPolicy;
  readonly fsyncIntervalMs: number;
  readonly checkpointIntervalMs: number;
  readonly readChunkBytes: number;
  readonly registry: Registry | undefined;
  readonly name: string;
}

const MIB = 1024 * 1024;
const MAX_TIMER_MS = 3_600_000;

export function resolveOptions(options: DiskBufferOptions): ResolvedOptions {
  if (typeof options.directory !== 'string' || options.directory === '') {
    throw invalid('directory must be a non-empty path');
  }
  const maxTotalBytes = integer('maxTotalBytes', options.maxTotalBytes, 256 * MIB, 1);
  const maxRecordBytes = integer('maxRecordBytes', options.maxRecordBytes, 256 * 1024, 1);
  if (maxRecordBytes > HARD_MAX_RECORD_BYTES) throw invalid(`maxRecordBytes must be at most ${HARD_MAX_RECORD_BYTES}`);
  const smallestSegment = SEGMENT_HEADER_BYTES + FRAME_HEADER_BYTES + maxRecordBytes;
  const segmentMaxBytes = integer(
    'segmentMaxBytes',
    options.segmentMaxBytes,
    Math.max(smallestSegment, Math.min(16 * MIB, Math.floor(maxTotalBytes / 8))),
    1,
  );
  if (segmentMaxBytes < smallestSegment) {
    throw invalid(`segmentMaxBytes (${segmentMaxBytes}) must hold one largest record: at least ${smallestSegment}`);
  }
  // With two segments' room, the writer can always move past a segment the reader has finished,
  // so a full buffer drains by deleting whole segments.
  if (segmentMaxBytes * 2 > maxTotalBytes) {
    throw invalid(`maxTotalBytes (${maxTotalBytes}) must be at least twice segmentMaxBytes (${segmentMaxBytes})`);
  }
  const fsync = options.fsync ?? 'interval';
  if (fsync !== 'interval' && fsync !== 'always' && fsync !== 'never') {
    throw invalid(`fsync must be interval, always or never, not ${String(fsync)}`);
  }
  const name = options.name ?? 'default';
  if (typeof name !== 'string' || name === '') throw invalid('name must be a non-empty string');
  return {
    directory: options.directory,
    maxTotalBytes,
    segmentMaxBytes,
    segmentMaxRecords: integer('segmentMaxRecords', options.segmentMaxRecords, Number.MAX_SAFE_INTEGER, 1),
    maxRecordBytes,
    fsync,
    fsyncIntervalMs: integer('fsyncIntervalMs', options.fsyncIntervalMs, 500, 1, MAX_TIMER_MS),
    checkpointIntervalMs: integer('checkpointIntervalMs', options.checkpointIntervalMs, 1000, 1, MAX_TIMER_MS),
    readChunkBytes: integer('readChunkBytes', options.readChunkBytes, MIB, 64),
    registry: options.registry,
    name,
  };
}

function integer(option: string, value: number | undefined, fallback: number, minimum: number, maximum = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < minimum || value > maximum) {
    throw invalid(`${option} must be an integer from ${minimum} to ${maximum}, not ${String(value)}`);
  }
  return value;
}

function invalid(message: string): BufferError {
  return new BufferError(BUFFER_ERROR_CODES.OPTIONS_INVALID, message);
}
