/** The durable disk buffer between the pipeline and the OpenSearch indexer; see disk-buffer.ts. */
export type { BufferBatch } from './batch.js';
export { DiskBuffer, type CheckpointInfo, type DiskBufferEvents } from './disk-buffer.js';
export {
  BUFFER_ERROR_CODES,
  BUFFER_WARNING_CODES,
  BufferError,
  type BufferErrorCode,
  type BufferWarning,
  type BufferWarningCode,
} from './errors.js';
export type { DiskBufferOptions, FsyncPolicy } from './options.js';
export type { RecoveryReport } from './recover.js';
export type { DiskBufferStats } from './stats.js';
