/**
 * Errors and warnings of the disk buffer. Each has a stable code and a one-line message, in the
 * style of `core/errors.ts`; callers branch on `code`, never on the message.
 */
export const BUFFER_ERROR_CODES = {
  /** `append` would take the buffer past `maxTotalBytes`; nothing was written. */
  FULL: 'SIEMAD_BUFFER_FULL',
  /** The buffer is closed (or closing); nothing was written. */
  CLOSED: 'SIEMAD_BUFFER_CLOSED',
  /** One record is over `maxRecordBytes`; nothing of that `append` call was written. */
  RECORD_TOO_LARGE: 'SIEMAD_BUFFER_RECORD_TOO_LARGE',
  /** An argument is not what the API takes (not a byte array, a limit below 1, …). */
  INVALID_ARGUMENT: 'SIEMAD_BUFFER_INVALID_ARGUMENT',
  /** An option passed to `open` is out of range. */
  OPTIONS_INVALID: 'SIEMAD_BUFFER_OPTIONS_INVALID',
  /** Another live process holds the buffer directory. */
  LOCKED: 'SIEMAD_BUFFER_LOCKED',
  /** The directory cannot be created, listed or locked. */
  OPEN_FAILED: 'SIEMAD_BUFFER_OPEN_FAILED',
  /** The operating system refused the write; nothing of that `append` call is buffered. */
  WRITE_FAILED: 'SIEMAD_BUFFER_WRITE_FAILED',
  /** The records were written but fsync failed: they may be delivered, but are not known durable. */
  FSYNC_FAILED: 'SIEMAD_BUFFER_FSYNC_FAILED',
} as const;

export type BufferErrorCode = (typeof BUFFER_ERROR_CODES)[keyof typeof BUFFER_ERROR_CODES];

export class BufferError extends Error {
  readonly code: BufferErrorCode;

  constructor(code: BufferErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BufferError';
    this.code = code;
  }
}

/** Things the buffer survived but an operator should hear about (emitted as `'warning'`). */
export const BUFFER_WARNING_CODES = {
  /** Bytes that are no valid record (torn write, flipped bits, garbage) were skipped. */
  CORRUPT_RECORD: 'SIEMAD_BUFFER_CORRUPT_RECORD',
  /** A segment file does not start with the segment header; its records are searched for anyway. */
  SEGMENT_HEADER_INVALID: 'SIEMAD_BUFFER_SEGMENT_HEADER_INVALID',
  /** A segment file cannot be opened or read; its remaining records are lost. */
  SEGMENT_UNREADABLE: 'SIEMAD_BUFFER_SEGMENT_UNREADABLE',
  /** The checkpoint file is unreadable or malformed; every record is treated as unacknowledged. */
  CHECKPOINT_INVALID: 'SIEMAD_BUFFER_CHECKPOINT_INVALID',
  /** Writing the checkpoint failed; it is retried at the next interval. */
  CHECKPOINT_WRITE_FAILED: 'SIEMAD_BUFFER_CHECKPOINT_WRITE_FAILED',
  /** A periodic or closing fsync failed. */
  FSYNC_FAILED: 'SIEMAD_BUFFER_FSYNC_FAILED',
  /** A fully acknowledged segment could not be deleted. */
  DELETE_FAILED: 'SIEMAD_BUFFER_DELETE_FAILED',
} as const;

export type BufferWarningCode = (typeof BUFFER_WARNING_CODES)[keyof typeof BUFFER_WARNING_CODES];

export interface BufferWarning {
  readonly code: BufferWarningCode;
  readonly message: string;
  /** The segment file concerned, when there is one. */
  readonly segmentId?: number;
  /** Byte offset in that file where the trouble starts. */
  readonly offset?: number;
  /** How many bytes were skipped or lost. */
  readonly bytes?: number;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
