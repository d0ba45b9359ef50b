import type { Segment } from './segment.js';

/** Records handed to a reader, to be acknowledged together once indexed or dead-lettered. */
export interface BufferBatch {
  /** Payloads in append order; views into a read chunk, valid until the batch is dropped. */
  readonly records: readonly Buffer[];
  /** Sum of the payload lengths. */
  readonly bytes: number;
  /**
   * Where each record sits: its segment (ids only grow within a buffer directory while its
   * checkpoint survives) and the byte offset just past it there. A consumer that stores the last
   * position it applied in the same transaction as the work skips what a replay after a crash
   * delivers again.
   */
  readonly segmentId: number;
  readonly recordEnds: readonly number[];
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
    readonly recordEnds: readonly number[],
  ) {}

  get segmentId(): number {
    return this.segment.id;
  }
}
