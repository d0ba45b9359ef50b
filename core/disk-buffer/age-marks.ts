/**
 * When the bytes of one segment were appended, coarsely: (offset, time) marks, at most one per
 * `resolutionMs`. A record at offset o was appended no earlier than the last mark at or before o,
 * so ages derived from marks are upper bounds. Memory is bounded: when full, every other mark is
 * dropped and the resolution doubles, which keeps the marks evenly spread over the segment's life.
 */
export class AgeMarks {
  private readonly offsets: number[] = [];
  private readonly times: number[] = [];
  private resolutionMs: number;

  constructor(
    resolutionMs = 1000,
    private readonly capacity = 256,
  ) {
    this.resolutionMs = resolutionMs;
  }

  note(offset: number, timeMs: number): void {
    const count = this.times.length;
    if (count > 0 && timeMs - (this.times[count - 1] as number) < this.resolutionMs) return;
    if (count >= this.capacity) this.thin();
    this.offsets.push(offset);
    this.times.push(timeMs);
  }

  /** Earliest time a record at `offset` can have been appended, or NaN with no marks. */
  timeAt(offset: number): number {
    const offsets = this.offsets;
    if (offsets.length === 0) return Number.NaN;
    let low = 0;
    let high = offsets.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((offsets[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return this.times[low] as number;
  }

  private thin(): void {
    let kept = 0;
    for (let i = 0; i < this.offsets.length; i += 2) {
      this.offsets[kept] = this.offsets[i] as number;
      this.times[kept] = this.times[i] as number;
      kept++;
    }
    this.offsets.length = kept;
    this.times.length = kept;
    this.resolutionMs *= 2;
  }
}
