/** A snapshot of one buffer; the same numbers are exported as `siemad_buffer_*` metrics. */
export interface DiskBufferStats {
  /** Bytes on disk: live segment files plus appends queued for writing. */
  readonly bytes: number;
  readonly maxBytes: number;
  /** Records appended and not yet acknowledged (read or not). */
  readonly events: number;
  /** Age of the oldest unacknowledged record (an upper bound, to about a second); 0 when there is none. */
  readonly oldestUnackedAgeSeconds: number;
  readonly segments: number;
  readonly full: boolean;
  /** Counters since this process opened the buffer. */
  readonly appendedEvents: number;
  readonly ackedEvents: number;
  readonly corruptRecords: number;
  readonly lostEvents: number;
  readonly fullRejections: number;
  readonly segmentsCreated: number;
  readonly segmentsDeleted: number;
  readonly fsyncs: number;
}
