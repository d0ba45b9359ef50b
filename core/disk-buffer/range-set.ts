/**
 * A set of disjoint byte ranges [start, end) of one segment, kept sorted and merged so that its
 * size is the number of gaps, not the number of ranges ever added. Records acknowledged out of
 * order and corrupt spans both land here as "done" bytes.
 */
export class RangeSet {
  /** start0, end0, start1, end1, … */
  private readonly bounds: number[];

  constructor(bounds: number[] = []) {
    this.bounds = bounds;
  }

  /** Checks a flat [start, end, …] list from outside (the checkpoint file) and builds a set of it. */
  static fromFlat(flat: unknown): RangeSet | null {
    if (!Array.isArray(flat) || flat.length % 2 !== 0) return null;
    const set = new RangeSet();
    for (let i = 0; i < flat.length; i += 2) {
      const start: unknown = flat[i];
      const end: unknown = flat[i + 1];
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return null;
      if ((start as number) < 0 || (end as number) < (start as number)) return null;
      set.add(start as number, end as number);
    }
    return set;
  }

  get rangeCount(): number {
    return this.bounds.length >> 1;
  }

  startAt(index: number): number {
    return this.bounds[index * 2] as number;
  }

  endAt(index: number): number {
    return this.bounds[index * 2 + 1] as number;
  }

  add(start: number, end: number): void {
    if (end <= start) return;
    const bounds = this.bounds;
    const count = bounds.length >> 1;
    // Acks arrive mostly in order, so the common case merges with or appends after the last range.
    let first = count;
    while (first > 0 && (bounds[(first - 1) * 2 + 1] as number) >= start) first--;
    let last = first;
    while (last < count && (bounds[last * 2] as number) <= end) last++;
    if (first === last) {
      bounds.splice(first * 2, 0, start, end);
      return;
    }
    const mergedStart = Math.min(start, bounds[first * 2] as number);
    const mergedEnd = Math.max(end, bounds[(last - 1) * 2 + 1] as number);
    bounds.splice(first * 2, (last - first) * 2, mergedStart, mergedEnd);
  }

  /** The first offset at or after `from` that no range covers. */
  firstGap(from: number): number {
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i += 2) {
      if ((bounds[i] as number) > from) break;
      if ((bounds[i + 1] as number) > from) return bounds[i + 1] as number;
    }
    return from;
  }

  /** True when [start, end) is covered entirely. */
  covers(start: number, end: number): boolean {
    return end <= start || this.firstGap(start) >= end;
  }

  toFlat(): number[] {
    return this.bounds.slice();
  }
}

/**
 * Walks a set that does not change while walked, from low offsets to high, for readers that jump
 * over done ranges: each range is looked at once over the whole walk.
 */
export class RangeWalker {
  private index = 0;

  constructor(private readonly set: RangeSet) {}

  /** `position` itself, or the end of the range that covers it. */
  skip(position: number): number {
    const set = this.set;
    const count = set.rangeCount;
    while (this.index < count && set.endAt(this.index) <= position) this.index++;
    if (this.index < count && set.startAt(this.index) <= position) return set.endAt(this.index);
    return position;
  }
}
