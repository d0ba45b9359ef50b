/**
 * A bounded cache that keeps recently used keys: two generations of at most `capacity / 2` keys
 * each. A hit in the young generation costs one Map lookup (no reordering on the hot path); a hit
 * in the old one moves the key to the young; when the young fills, it becomes the old and the old
 * is dropped whole. Keys unused for a whole generation go first, as with an LRU, and never more
 * than `capacity` keys are held.
 */
export class LruCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly generation: number;
  hits = 0;
  misses = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 2)) throw new RangeError('an LRU cache needs a capacity of at least 2');
    this.generation = Math.floor(capacity / 2);
  }

  get(key: K): V | undefined {
    let value = this.young.get(key);
    if (value !== undefined) {
      this.hits++;
      return value;
    }
    value = this.old.get(key);
    if (value === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.old.delete(key);
    this.add(key, value);
    return value;
  }

  set(key: K, value: V): void {
    if (this.young.has(key)) {
      this.young.set(key, value);
      return;
    }
    this.old.delete(key);
    this.add(key, value);
  }

  private add(key: K, value: V): void {
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}
