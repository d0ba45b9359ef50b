import type { Segment } from './segment.js';

/** Records handed to a reader, to be acknowledged together once indexed or dead-lettered. */
export interface BufferBatch {
  /** Payloads in append order; views into a read chunk, valid until the batch is dropped. */
  readonly records: readonly Buffer[];
  /** Sum of the payload lengths. */
  readonly bytes: number;
}

/** A batch covers the byte range [start, end) of one segment file. */
export class Batch implements BufferBatch {
  acked = false;

  constructor(
    readonly owner: object,
    readonly segment: Segment,
    readonly start: number,
    readonly end: number,
    readonly records: readonly Buffer[],
    readonly bytes: number,
  ) {}
}
