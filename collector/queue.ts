/**
 * The bounded queue between receivers and the pipeline, a ring buffer bounded by item count and by
 * bytes. Stream receivers `pushAlways` (a chunk already read must not be lost) and pause their
 * sockets while `isFull()`; they resume on the `onDrain` callbacks, which fire once the queue has
 * fallen to half its bounds. Datagram receivers `tryPush` and drop what does not fit.
 * Overshoot is bounded by what one socket chunk holds per paused socket.
 */
export class BoundedQueue<T> {
  private items: (T | undefined)[];
  private sizes: Float64Array;
  private head = 0;
  private count = 0;
  private bytesHeld = 0;
  private readonly drainWaiters: (() => void)[] = [];
  private readonly dataWaiters: (() => void)[] = [];
  readonly capacity: number;
  readonly maxBytes: number;

  constructor(capacity: number, maxBytes: number) {
    this.capacity = capacity;
    this.maxBytes = maxBytes;
    this.items = new Array(capacity);
    this.sizes = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  get bytes(): number {
    return this.bytesHeld;
  }

  isFull(): boolean {
    return this.count >= this.capacity || this.bytesHeld >= this.maxBytes;
  }

  /** Adds the item unless the queue is full. */
  tryPush(item: T, size: number): boolean {
    if (this.isFull()) return false;
    this.add(item, size);
    return true;
  }

  /** Adds the item even past the bounds (growing the ring if needed); the caller must then pause. */
  pushAlways(item: T, size: number): void {
    if (this.count === this.items.length) this.grow();
    this.add(item, size);
  }

  /** Moves up to `max` items into `out` (cleared first); returns how many. */
  drainInto(out: T[], max: number): number {
    out.length = 0;
    const n = Math.min(max, this.count);
    const cap = this.items.length;
    for (let k = 0; k < n; k++) {
      const idx = this.head;
      out.push(this.items[idx] as T);
      this.items[idx] = undefined;
      this.bytesHeld -= this.sizes[idx]!;
      this.head = idx + 1 === cap ? 0 : idx + 1;
    }
    this.count -= n;
    if (n > 0) this.maybeDrained();
    return n;
  }

  /** Calls `fn` once, when the queue has fallen below half its bounds (immediately if it already is). */
  onDrain(fn: () => void): void {
    if (this.belowLowWater()) fn();
    else this.drainWaiters.push(fn);
  }

  /** Calls `fn` once, when an item is next added (immediately if the queue is not empty). */
  onData(fn: () => void): void {
    if (this.count > 0) fn();
    else this.dataWaiters.push(fn);
  }

  private add(item: T, size: number): void {
    const idx = (this.head + this.count) % this.items.length;
    this.items[idx] = item;
    this.sizes[idx] = size;
    this.count++;
    this.bytesHeld += size;
    if (this.dataWaiters.length > 0) {
      const waiters = this.dataWaiters.splice(0);
      for (const fn of waiters) fn();
    }
  }

  private belowLowWater(): boolean {
    return this.count <= this.capacity / 2 && this.bytesHeld <= this.maxBytes / 2;
  }

  private maybeDrained(): void {
    if (this.drainWaiters.length > 0 && this.belowLowWater()) {
      const waiters = this.drainWaiters.splice(0);
      for (const fn of waiters) fn();
    }
  }

  /** Unrolls the ring into a larger one; only reached while stream receivers overshoot. */
  private grow(): void {
    const cap = this.items.length;
    const next: (T | undefined)[] = new Array(cap * 2);
    const sizes = new Float64Array(cap * 2);
    for (let k = 0; k < this.count; k++) {
      const idx = (this.head + k) % cap;
      next[k] = this.items[idx];
      sizes[k] = this.sizes[idx]!;
    }
    this.items = next;
    this.sizes = sizes;
    this.head = 0;
  }
}
