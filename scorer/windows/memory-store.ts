import { OpCode, RESULTS_PER_OP, SLOTS, type OpBatch, type SlotSpec, type WindowStore } from './ops.js';
import { RotatingBloomFilter } from './sketch/bloom.js';
import { hash32 } from './sketch/hash.js';
import { hllAddHash, hllEstimate, hllRank, HLL_REGISTERS } from './sketch/hyperloglog.js';
import { Ipv4Table, STRIDE as TABLE_STRIDE } from './ipv4-table.js';
import { COUNT_SLICES, DISTINCT_SLICES, EXACT_MEMBERS, sliceLength, toSecond } from './window-math.js';

export interface MemoryStoreOptions {
  /** Entities (IPs, users, hosts, pairs) tracked at most; the least recently active go first. */
  maxEntities: number;
  /** Expected members per "seen" slot, sizing its Bloom filters (1% false positives at this load). */
  seenCapacity: number;
  /** Profiles (users, hosts) kept at most. */
  maxProfiles: number;
}

export const DEFAULT_MEMORY_STORE_OPTIONS: MemoryStoreOptions = {
  maxEntities: 2_000_000,
  seenCapacity: 2_000_000,
  maxProfiles: 200_000,
};

/**
 * Window state in process memory. Most entities (an internet IP with one failed login) are
 * "light": their state is `[lastSecond, tag, a, b, tag, a, b, ...]` holding per-second counts
 * (`tag = slot*2+1`, a = second, b = amount) and distinct members (`tag = slot*2+2`, a = member
 * hash, b = last second) — for IPv4 addresses in the flat Ipv4Table (up to RECORDS records), else
 * as one number array per entity in a Map. An entity whose array outgrows LIGHT_LIMIT becomes "heavy":
 * fixed rings of slices per window and, past EXACT_MEMBERS, HyperLogLog sketches. Both forms
 * answer with the semantics of window-math.ts. Entities idle longer than the longest window expire;
 * beyond `maxEntities` the least recently active are evicted.
 */
const LIGHT_LIMIT = 1 + 3 * 16;
/** How often (in event time) the IPv4 table is swept for idle addresses. */
const TABLE_SWEEP_S = 600;
/** Re-inserting an entity in the Map (LRU order) on every touch is costly; do it at most this often. */
const TOUCH_RESOLUTION_S = 30;

const SPEC_WINDOWS: readonly (readonly number[])[] = SLOTS.map((spec: SlotSpec) => spec.windows);
const SLOT_HORIZON_S: readonly number[] = SLOTS.map((spec: SlotSpec) =>
  spec.windows.length > 0 ? Math.ceil(Math.max(...spec.windows) / 1000) : 0,
);
const ENTITY_HORIZON_S = Math.max(...SLOT_HORIZON_S);

class HeavyCount {
  /** Per window: COUNT_SLICES pairs of (slice index, sum). */
  readonly rings: Float64Array[];

  constructor(windows: readonly number[]) {
    this.rings = windows.map(() => new Float64Array(COUNT_SLICES * 2).fill(-1));
  }

  add(windows: readonly number[], second: number, amount: number): void {
    for (let w = 0; w < windows.length; w++) {
      const length = sliceLength(windows[w]!, COUNT_SLICES);
      const slice = Math.floor(second / length);
      const ring = this.rings[w]!;
      const pos = (slice % COUNT_SLICES) * 2;
      if (ring[pos] !== slice) {
        if (ring[pos]! > slice) continue; // older than the ring remembers: outside every window now
        ring[pos] = slice;
        ring[pos + 1] = 0;
      }
      ring[pos + 1]! += amount;
    }
  }

  query(windows: readonly number[], second: number, out: Float64Array, offset: number): void {
    for (let w = 0; w < windows.length; w++) {
      const length = sliceLength(windows[w]!, COUNT_SLICES);
      const current = Math.floor(second / length);
      const ring = this.rings[w]!;
      let sum = 0;
      for (let k = 0; k < COUNT_SLICES * 2; k += 2) {
        const slice = ring[k]!;
        if (slice > current - COUNT_SLICES && slice <= current) sum += ring[k + 1]!;
      }
      out[offset + w] = sum;
    }
  }
}

/** The union of a window's slice sketches, kept with its estimate inputs so a query is O(1). */
class WindowUnion {
  /** Slice index the union was built for; -1 = must be rebuilt. */
  slice = -1;
  readonly registers = new Uint8Array(HLL_REGISTERS);
  sum = HLL_REGISTERS;
  zeros = HLL_REGISTERS;

  rebuild(slice: number, indexes: Float64Array, sketches: readonly Uint8Array[]): void {
    this.registers.fill(0);
    for (let k = 0; k < DISTINCT_SLICES; k++) {
      if (!(indexes[k]! > slice - DISTINCT_SLICES && indexes[k]! <= slice)) continue;
      const sketch = sketches[k]!;
      for (let r = 0; r < HLL_REGISTERS; r++) if (sketch[r]! > this.registers[r]!) this.registers[r] = sketch[r]!;
    }
    let sum = 0;
    let zeros = 0;
    for (let r = 0; r < HLL_REGISTERS; r++) {
      sum += 2 ** -this.registers[r]!;
      if (this.registers[r] === 0) zeros++;
    }
    this.sum = sum;
    this.zeros = zeros;
    this.slice = slice;
  }

  /** A member added to a slice the union covers raises one register at most. */
  raise(hash: number): void {
    const index = hash & (HLL_REGISTERS - 1);
    const rank = hllRank(hash);
    const old = this.registers[index]!;
    if (rank <= old) return;
    this.sum += 2 ** -rank - 2 ** -old;
    if (old === 0) this.zeros--;
    this.registers[index] = rank;
  }
}

class HeavyDistinct {
  /** Exact mode: member hash → last second. Undefined once in sketch mode. */
  exact: Map<number, number> | undefined = new Map();
  /** Sketch mode, per window: DISTINCT_SLICES slice indexes, their registers, and their union. */
  sliceIndexes: Float64Array[] | undefined;
  sketches: Uint8Array[][] | undefined;
  unions: WindowUnion[] | undefined;

  add(windows: readonly number[], hash: number, second: number): void {
    if (this.exact !== undefined) {
      const last = this.exact.get(hash);
      if (last === undefined || last < second) this.exact.set(hash, second);
      if (this.exact.size <= EXACT_MEMBERS) return;
      this.toSketch(windows);
      return;
    }
    this.addToSketch(windows, hash, second);
  }

  private toSketch(windows: readonly number[]): void {
    const members = this.exact!;
    this.exact = undefined;
    this.sliceIndexes = windows.map(() => new Float64Array(DISTINCT_SLICES).fill(-1));
    this.sketches = windows.map(() => Array.from({ length: DISTINCT_SLICES }, () => new Uint8Array(HLL_REGISTERS)));
    this.unions = windows.map(() => new WindowUnion());
    for (const [hash, second] of members) this.addToSketch(windows, hash, second);
  }

  private addToSketch(windows: readonly number[], hash: number, second: number): void {
    for (let w = 0; w < windows.length; w++) {
      const length = sliceLength(windows[w]!, DISTINCT_SLICES);
      const slice = Math.floor(second / length);
      const pos = slice % DISTINCT_SLICES;
      const indexes = this.sliceIndexes![w]!;
      const registers = this.sketches![w]![pos]!;
      const union = this.unions![w]!;
      if (indexes[pos] !== slice) {
        if (indexes[pos]! > slice) continue;
        // The slice this position held may be part of the union: rebuild it on the next query.
        if (indexes[pos]! > union.slice - DISTINCT_SLICES) union.slice = -1;
        indexes[pos] = slice;
        registers.fill(0);
      }
      hllAddHash(registers, hash);
      if (slice > union.slice - DISTINCT_SLICES && slice <= union.slice) union.raise(hash);
    }
  }

  query(windows: readonly number[], second: number, out: Float64Array, offset: number): void {
    for (let w = 0; w < windows.length; w++) {
      const length = sliceLength(windows[w]!, DISTINCT_SLICES);
      const current = Math.floor(second / length);
      const first = (current - (DISTINCT_SLICES - 1)) * length;
      const end = (current + 1) * length;
      if (this.exact !== undefined) {
        let n = 0;
        for (const last of this.exact.values()) if (last >= first && last < end) n++;
        out[offset + w] = n;
        continue;
      }
      const union = this.unions![w]!;
      if (union.slice !== current) union.rebuild(current, this.sliceIndexes![w]!, this.sketches![w]!);
      out[offset + w] = union.zeros === HLL_REGISTERS ? 0 : hllEstimate(union.sum, union.zeros);
    }
  }
}

class HeavyEntity {
  last: number;
  readonly slots: (HeavyCount | HeavyDistinct | undefined)[] = new Array(SLOTS.length);

  constructor(last: number) {
    this.last = last;
  }

  count(slot: number): HeavyCount {
    let state = this.slots[slot] as HeavyCount | undefined;
    if (state === undefined) this.slots[slot] = state = new HeavyCount(SPEC_WINDOWS[slot]!);
    return state;
  }

  distinct(slot: number): HeavyDistinct {
    let state = this.slots[slot] as HeavyDistinct | undefined;
    if (state === undefined) this.slots[slot] = state = new HeavyDistinct();
    return state;
  }
}

type EntityState = number[] | HeavyEntity;
/** IPv4 entities (`i:a.b.c.d`, most of them) are keyed by the address as a number: no key string. */
type EntityKey = string | number;

function compactKey(key: string): EntityKey {
  if (key.charCodeAt(0) !== 0x69 /* i */ || key.charCodeAt(1) !== 0x3a /* : */) return key;
  let value = 0;
  let octet = -1;
  let dots = 0;
  for (let i = 2; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 0x2e) {
      if (octet < 0 || dots === 3) return key;
      value = value * 256 + octet;
      octet = -1;
      dots++;
    } else if (c >= 0x30 && c <= 0x39) {
      octet = octet < 0 ? c - 0x30 : octet * 10 + (c - 0x30);
      if (octet > 255) return key;
    } else {
      return key;
    }
  }
  return dots === 3 && octet >= 0 ? value * 256 + octet : key;
}

export class MemoryWindowStore implements WindowStore {
  readonly name = 'memory';
  private readonly entities = new Map<EntityKey, EntityState>();
  private readonly table = new Ipv4Table();
  private nextTableSweep = 0;
  private readonly blooms = new Map<number, RotatingBloomFilter>();
  private readonly profiles = new Map<string, Float64Array>();
  private watermark = 0;
  private readonly options: MemoryStoreOptions;
  evictions = 0;

  constructor(options: Partial<MemoryStoreOptions> = {}) {
    this.options = { ...DEFAULT_MEMORY_STORE_OPTIONS, ...options };
    SLOTS.forEach((spec: SlotSpec, slot) => {
      if (spec.code === OpCode.Seen) {
        this.blooms.set(slot, new RotatingBloomFilter(this.options.seenCapacity, 0.01, spec.horizon!));
      }
    });
  }

  execute(batch: OpBatch): void {
    const { codes, slots, entities, members, times, amounts, results } = batch;
    for (let i = 0; i < batch.size; i++) {
      const offset = i * RESULTS_PER_OP;
      results[offset] = 0;
      results[offset + 1] = 0;
      results[offset + 2] = 0;
      const slot = slots[i]!;
      const second = toSecond(times[i]!);
      if (second > this.watermark) this.watermark = second;
      switch (codes[i]) {
        case OpCode.Count:
          this.count(entities[i]!, slot, second, amounts[i]!, results, offset);
          break;
        case OpCode.Distinct:
          this.distinct(entities[i]!, slot, members[i]!, second, results, offset);
          break;
        case OpCode.Seen:
          results[offset] = this.blooms.get(slot)!.test(entities[i]!, times[i]!, amounts[i] !== 0) ? 1 : 0;
          break;
        case OpCode.Profile:
          this.profile(entities[i]!, slot, amounts[i]!, second, results, offset);
          break;
      }
    }
    this.expire();
  }

  stats(): { entities: number } {
    return { entities: this.entities.size + this.table.size + this.profiles.size };
  }

  async close(): Promise<void> {
    this.entities.clear();
    this.profiles.clear();
  }

  /** Returns the entity's state, creating it and keeping the Map in (approximate) LRU order. */
  private entity(key: EntityKey, second: number): EntityState {
    let state = this.entities.get(key);
    if (state === undefined) {
      state = [second];
      this.entities.set(key, state);
      return state;
    }
    const last = Array.isArray(state) ? state[0]! : state.last;
    if (second > last + TOUCH_RESOLUTION_S) {
      this.entities.delete(key);
      this.entities.set(key, state);
    }
    if (second > last) {
      if (Array.isArray(state)) state[0] = second;
      else state.last = second;
    }
    return state;
  }

  private count(key: string, slot: number, second: number, amount: number, out: Float64Array, offset: number): void {
    this.update(key, slot, 1, second, amount, second, amount === 0, out, offset);
  }

  private distinct(key: string, slot: number, member: string, second: number, out: Float64Array, offset: number): void {
    this.update(key, slot, 2, hash32(member), second, second, false, out, offset);
  }

  /**
   * Adds record (a, b) — (second, amount) for counts, (member hash, second) for distinct series —
   * unless `readOnly`, and writes the window results. `timeField` tells the two apart (see addLight).
   */
  private update(
    key: string,
    slot: number,
    timeField: 1 | 2,
    a: number,
    b: number,
    second: number,
    readOnly: boolean,
    out: Float64Array,
    offset: number,
  ): void {
    const windows = SPEC_WINDOWS[slot]!;
    const slices = timeField === 1 ? COUNT_SLICES : DISTINCT_SLICES;
    const mapKey = compactKey(key);
    if (typeof mapKey === 'number' && this.updateInTable(mapKey, slot, timeField, a, b, second, readOnly, out, offset)) return;
    let state = this.entity(mapKey, second);
    if (Array.isArray(state)) {
      const tag = storedTag(slot, timeField);
      const updated = readOnly ? state : addLight(state, tag, a, b, timeField);
      if (updated !== null) {
        if (updated !== state) this.entities.set(mapKey, updated);
        queryRecords(updated, 1, updated.length, tag, timeField, windows, slices, second, out, offset);
        return;
      }
      state = this.promote(mapKey, state);
    }
    const heavy = timeField === 1 ? state.count(slot) : state.distinct(slot);
    if (!readOnly) heavy.add(windows, a, b);
    heavy.query(windows, second, out, offset);
  }

  /**
   * The IPv4 fast path: an address in the table (or new) is updated there. Returns false when the
   * address lives in the Map, or has just been moved there because its records outgrew a slot.
   */
  private updateInTable(
    ip: number,
    slot: number,
    timeField: 1 | 2,
    a: number,
    b: number,
    second: number,
    readOnly: boolean,
    out: Float64Array,
    offset: number,
  ): boolean {
    const table = this.table;
    let at = table.find(ip);
    if (at < 0) {
      if (this.entities.has(ip)) return false;
      at = table.insert(ip, second);
    }
    const data = table.data;
    const base = at * TABLE_STRIDE;
    if (second > data[base]!) data[base] = second;
    const tag = storedTag(slot, timeField);
    if (!readOnly && !addToSlot(data, base, tag, a, b, timeField, second)) {
      // Outgrown: the address continues as a light array in the Map.
      const records: number[] = [data[base]!];
      for (let k = base + 1; k < base + TABLE_STRIDE; k += 3) {
        if (data[k] !== 0) records.push(data[k]!, data[k + 1]!, data[k + 2]!);
      }
      table.remove(at);
      this.entities.set(ip, records);
      return false;
    }
    queryRecords(
      data,
      base + 1,
      base + TABLE_STRIDE,
      tag,
      timeField,
      SPEC_WINDOWS[slot]!,
      timeField === 1 ? COUNT_SLICES : DISTINCT_SLICES,
      second,
      out,
      offset,
    );
    return true;
  }

  /** Replays a light entity's records into heavy structures and puts it in the Map. */
  private promote(key: EntityKey, light: number[]): HeavyEntity {
    const heavy = new HeavyEntity(light[0]!);
    for (let k = 1; k < light.length; k += 3) {
      const tag = light[k]! - 1;
      const slot = tag >> 1;
      if ((tag & 1) === 0) heavy.count(slot).add(SPEC_WINDOWS[slot]!, light[k + 1]!, light[k + 2]!);
      else heavy.distinct(slot).add(SPEC_WINDOWS[slot]!, light[k + 1]!, light[k + 2]!);
    }
    this.entities.set(key, heavy);
    return heavy;
  }

  private profile(key: string, slot: number, bin: number, second: number, out: Float64Array, offset: number): void {
    const bins = (SLOTS[slot] as SlotSpec).bins ?? 1;
    const mapKey = `${slot}\u0000${key}`;
    let profile = this.profiles.get(mapKey);
    if (profile === undefined) {
      if (this.profiles.size >= this.options.maxProfiles) {
        const oldest = this.profiles.keys().next().value;
        if (oldest !== undefined) this.profiles.delete(oldest);
        this.evictions++;
      }
      profile = new Float64Array(bins + 2);
      this.profiles.set(mapKey, profile);
    } else if (second > profile[0]! + TOUCH_RESOLUTION_S) {
      this.profiles.delete(mapKey);
      this.profiles.set(mapKey, profile);
    }
    const b = Math.min(bins - 1, Math.max(0, Math.floor(bin)));
    out[offset] = profile[2 + b]!;
    out[offset + 1] = profile[1]!;
    profile[2 + b]! += 1;
    profile[1]! += 1;
    if (second > profile[0]!) profile[0] = second;
  }

  /**
   * Drops entities idle beyond every window and, beyond the bound, the least recently active:
   * those last seen before a second chosen (by sampling the table) so that about the excess goes.
   */
  private expire(): void {
    const { maxEntities } = this.options;
    const table = this.table;
    let before = this.watermark - ENTITY_HORIZON_S - 60;
    const excess = this.entities.size + table.size - maxEntities;
    if (excess > 0 && table.size > 0) {
      before = Math.max(before, table.lastSecondQuantile(excess / (this.entities.size + table.size)) + 1);
    }
    // The Map is in (approximate) least-recently-active order.
    for (const [key, state] of this.entities) {
      const last = Array.isArray(state) ? state[0]! : state.last;
      if (last >= before && this.entities.size + table.size <= maxEntities) break;
      if (last >= this.watermark - ENTITY_HORIZON_S - 60) this.evictions++;
      this.entities.delete(key);
    }
    // The table is swept (a pass over all its slots) every TABLE_SWEEP_S of event time, or to evict.
    if (excess > 0 || this.watermark >= this.nextTableSweep) {
      const removed = table.removeOlderThan(before);
      if (excess > 0) this.evictions += removed;
      this.nextTableSweep = this.watermark + TABLE_SWEEP_S;
    }
  }
}

/**
 * Adds to a light record: a count record is (tag, second, amount) merged per second; a distinct
 * record is (tag, hash, last second) merged per member. `timeField` is the record field holding
 * the time (1 for counts, 2 for distinct). Returns the entity's array — a new one, exactly one
 * record longer, when a record was added (push would leave V8's growth slack of 16+ slots in every
 * one of millions of light entities) — or null when a new record does not fit.
 */
function addLight(state: number[], tag: number, key: number, value: number, timeField: 1 | 2): number[] | null {
  for (let k = 1; k < state.length; k += 3) {
    if (state[k] === tag && state[k + 1] === key) {
      if (timeField === 1) state[k + 2]! += value;
      else if (state[k + 2]! < value) state[k + 2] = value;
      return state;
    }
  }
  prune(state, timeField === 1 ? key : value);
  const length = state.length;
  if (length + 3 > LIGHT_LIMIT) return null;
  const grown = new Array<number>(length + 3);
  for (let k = 0; k < length; k++) grown[k] = state[k]!;
  grown[length] = tag;
  grown[length + 1] = key;
  grown[length + 2] = value;
  return grown;
}

/**
 * Window results from light records in `state[start..end)`: sum of amounts (counts) or number of
 * members (distinct) of the records with stored tag `tag`.
 */
function queryRecords(
  state: ArrayLike<number>,
  start: number,
  end: number,
  tag: number,
  timeField: 1 | 2,
  windows: readonly number[],
  slices: number,
  second: number,
  out: Float64Array,
  offset: number,
): void {
  for (let w = 0; w < windows.length; w++) {
    const length = sliceLength(windows[w]!, slices);
    const current = Math.floor(second / length);
    const first = (current - (slices - 1)) * length;
    const last = (current + 1) * length;
    let result = 0;
    for (let k = start; k < end; k += 3) {
      if (state[k] !== tag) continue;
      const time = state[k + timeField]!;
      if (time >= first && time < last) result += timeField === 1 ? state[k + 2]! : 1;
    }
    out[offset + w] = result;
  }
}

/**
 * Adds a record to an IPv4 table slot (merging as addLight does); records past their window are
 * dropped to make room. Returns false when the slot has no room for a new record.
 */
function addToSlot(data: Uint32Array, base: number, tag: number, key: number, value: number, timeField: 1 | 2, second: number): boolean {
  let free = -1;
  const end = base + TABLE_STRIDE;
  for (let k = base + 1; k < end; k += 3) {
    const stored = data[k]!;
    if (stored === tag && data[k + 1] === key) {
      if (timeField === 1) data[k + 2]! += value;
      else if (data[k + 2]! < value) data[k + 2] = value;
      return true;
    }
    if (stored === 0) {
      if (free < 0) free = k;
    } else if (!recordAlive(data, k, second)) {
      data[k] = 0;
      if (free < 0) free = k;
    }
  }
  if (free < 0) return false;
  data[free] = tag;
  data[free + 1] = key;
  data[free + 2] = value;
  return true;
}

/** Stored tag of a slot's records: 1 + slot*2 for counts, 2 + slot*2 for distinct (0 = unused). */
function storedTag(slot: number, timeField: 1 | 2): number {
  return slot * 2 + timeField;
}

/** Whether the record with stored tag `tag` at `k` is still inside its slot's longest window. */
function recordAlive(state: ArrayLike<number>, k: number, second: number): boolean {
  const tag = state[k]! - 1;
  const recordSecond = (tag & 1) === 0 ? state[k + 1]! : state[k + 2]!;
  return recordSecond >= second - SLOT_HORIZON_S[tag >> 1]!;
}

/** Removes a light entity's records older than their slot's longest window. */
function prune(state: number[], second: number): void {
  let write = 1;
  for (let k = 1; k < state.length; k += 3) {
    const tag = state[k]!;
    if (recordAlive(state, k, second)) {
      if (write !== k) {
        state[write] = tag;
        state[write + 1] = state[k + 1]!;
        state[write + 2] = state[k + 2]!;
      }
      write += 3;
    }
  }
  state.length = write;
}
