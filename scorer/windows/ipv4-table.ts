/**
 * The light state of IPv4 entities — most of what a collector tracks: millions of internet
 * addresses with a failed login or a blocked packet or two — in flat typed arrays instead of one
 * Map entry, key string and array per address: an open-addressing hash table (linear probing,
 * backward-shift deletion) keyed by the address as a number, each slot holding the last second
 * and up to RECORDS light records (see memory-store.ts for their layout). Every field is a 32-bit
 * unsigned integer (seconds, member hashes, counts, tags), so a slot is 45 bytes, outside the JS
 * heap, and an update allocates nothing. An address that needs more records moves to the store's
 * Map.
 */
export const RECORDS = 3;
/** Doubles per slot: the last second, then RECORDS records of three. */
export const STRIDE = 1 + 3 * RECORDS;
const MAX_LOAD = 0.7;
const GROWTH = 1.5;

export class Ipv4Table {
  size = 0;
  private capacity: number;
  private keys: Uint32Array;
  private used: Uint8Array;
  /** Per slot: [last second, tag, a, b, tag, a, b, ...]; a record with tag 0 is unused. */
  data: Uint32Array;

  constructor(initialCapacity = 1024) {
    this.capacity = initialCapacity;
    this.keys = new Uint32Array(initialCapacity);
    this.used = new Uint8Array(initialCapacity);
    this.data = new Uint32Array(initialCapacity * STRIDE);
  }

  get byteLength(): number {
    return this.keys.byteLength + this.used.byteLength + this.data.byteLength;
  }

  private home(ip: number): number {
    return (Math.imul(ip | 0, 0x9e3779b1) >>> 0) % this.capacity;
  }

  /** Slot of `ip`, or -1. */
  find(ip: number): number {
    for (let slot = this.home(ip); ; slot = slot + 1 === this.capacity ? 0 : slot + 1) {
      if (this.used[slot] === 0) return -1;
      if (this.keys[slot] === ip) return slot;
    }
  }

  /** Adds `ip` (not present) with no records; returns its slot. */
  insert(ip: number, second: number): number {
    if (this.size + 1 > this.capacity * MAX_LOAD) this.resize(Math.ceil(this.capacity * GROWTH));
    let slot = this.home(ip);
    while (this.used[slot] !== 0) slot = slot + 1 === this.capacity ? 0 : slot + 1;
    this.keys[slot] = ip;
    this.used[slot] = 1;
    const base = slot * STRIDE;
    this.data.fill(0, base, base + STRIDE);
    this.data[base] = second;
    this.size++;
    return slot;
  }

  /** Removes the entry at `slot`, shifting later entries of its probe chain back (no tombstones). */
  remove(slot: number): void {
    const capacity = this.capacity;
    let hole = slot;
    for (let next = hole + 1 === capacity ? 0 : hole + 1; ; next = next + 1 === capacity ? 0 : next + 1) {
      if (this.used[next] === 0) break;
      const key = this.keys[next]!;
      const home = this.home(key);
      // Move `next` into the hole unless its home lies cyclically in (hole, next].
      const stays = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (stays) continue;
      this.keys[hole] = key;
      this.data.copyWithin(hole * STRIDE, next * STRIDE, next * STRIDE + STRIDE);
      hole = next;
    }
    this.used[hole] = 0;
    this.size--;
  }

  /** The address stored at `slot`. */
  keyAt(slot: number): number {
    return this.keys[slot]!;
  }

  /** Removes every entry whose last second is below `cutoff`; returns how many. */
  removeOlderThan(cutoff: number): number {
    let removed = 0;
    for (let slot = 0; slot < this.capacity; slot++) {
      // An entry shifted back into this slot by a removal is checked again.
      while (this.used[slot] !== 0 && this.data[slot * STRIDE]! < cutoff) {
        this.remove(slot);
        removed++;
      }
    }
    return removed;
  }

  /** The last second below which about `share` of the entries fall (sampled). */
  lastSecondQuantile(share: number): number {
    const sample: number[] = [];
    const step = Math.max(1, Math.floor(this.capacity / 4096));
    for (let slot = 0; slot < this.capacity; slot += step) {
      if (this.used[slot] !== 0) sample.push(this.data[slot * STRIDE]!);
    }
    if (sample.length === 0) return -Infinity;
    sample.sort((a, b) => a - b);
    return sample[Math.min(sample.length - 1, Math.floor(share * sample.length))]!;
  }

  private resize(capacity: number): void {
    const keys = this.keys;
    const used = this.used;
    const data = this.data;
    const old = this.capacity;
    this.capacity = capacity;
    this.keys = new Uint32Array(capacity);
    this.used = new Uint8Array(capacity);
    this.data = new Uint32Array(capacity * STRIDE);
    this.size = 0;
    for (let slot = 0; slot < old; slot++) {
      if (used[slot] === 0) continue;
      const moved = this.insert(keys[slot]!, 0);
      this.data.set(data.subarray(slot * STRIDE, slot * STRIDE + STRIDE), moved * STRIDE);
    }
  }
}
