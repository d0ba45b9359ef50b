/**
 * The Lua script behind RedisWindowStore: one call applies a whole batch of window operations
 * atomically, in order, and returns their results. See redis-store.ts for the key design.
 *
 * Within one call every key is read once, on its first use, into a Lua table; the operations run
 * on those tables (so each sees the ones before it) and every changed key is written back once at
 * the end. That turns ~5 Redis calls per operation into ~3 per key and batch, which is what makes
 * a batch of 1000+ operations cheap. Only distinct series in sketch mode call Redis per operation
 * (PFADD), because HyperLogLogs are not worth copying into Lua.
 *
 * Input (ARGV): [1] key prefix, [2] packed operations, [3] operation count, [4] '1' for a probe
 * (each operation answered from the stored state alone, nothing written; dry runs). Each packed operation
 * is big-endian `u8 slot, u32 second, i32 amount, u16 length + entity bytes, u16 length + member
 * bytes` (see encodeOp in redis-store.ts). Output: a flat array of integers, per operation as many
 * as `resultsPerOp` says.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/package-root.js';
import { OpCode, SLOTS, type SlotSpec } from './ops.js';
import { COUNT_SLICES, DISTINCT_SLICES, EXACT_MEMBERS, sliceLength } from './window-math.js';

/**
 * Keys expire in wall-clock time while windows are in event time: a key lives this long past its
 * slot's longest window (or horizon) after its last write, which covers collectors whose event
 * time lags the wall clock by up to this much.
 */
export const EXPIRY_MARGIN_S = 600;

/** Seconds a key of `slot` lives after its last write. */
export function keyTtlSeconds(slot: number): number {
  const spec = SLOTS[slot] as SlotSpec;
  const longest = spec.windows.length > 0 ? Math.max(...spec.windows) : (spec.horizon ?? 0);
  return Math.ceil(longest / 1000) + EXPIRY_MARGIN_S;
}

/** Results the script returns for one operation of `slot`. */
export function resultsPerOp(slot: number): number {
  const spec = SLOTS[slot] as SlotSpec;
  switch (spec.code) {
    case OpCode.Count:
    case OpCode.Distinct:
      return spec.windows.length;
    case OpCode.Seen:
      return 1;
    case OpCode.Profile:
      return 2;
  }
}

/** Field numbers of a count hash are `slice * COUNT_FIELD_STRIDE + window index`. */
export const COUNT_FIELD_STRIDE = 4;

/** Member of the ZSET that marks a distinct series in sketch mode (its score, -inf, is what counts). */
export const SKETCH_MARKER = '~sketch';

/** Per slot: {code, {slice length per window}, key ttl, horizon s, bins, {sketch key ttl per window}}. */
function slotTable(): string {
  const rows = SLOTS.map((spec: SlotSpec, slot) => {
    const slices = spec.code === OpCode.Count ? COUNT_SLICES : DISTINCT_SLICES;
    const lengths = spec.windows.map((w) => sliceLength(w, slices));
    // Expiries as strings: Redis would format a Lua number on every call.
    const windowTtls = spec.windows.map((w) => `'${Math.ceil(w / 1000) + EXPIRY_MARGIN_S}'`);
    const horizon = Math.ceil((spec.horizon ?? 0) / 1000);
    return `{${spec.code}, {${lengths.join(',')}}, '${keyTtlSeconds(slot)}', ${horizon}, ${spec.bins ?? 1}, {${windowTtls.join(',')}}}`;
  });
  return `{\n  ${rows.join(',\n  ')}\n}`;
}

for (const spec of SLOTS as readonly SlotSpec[]) {
  if (spec.windows.length > COUNT_FIELD_STRIDE) throw new Error(`slot ${spec.name}: at most ${COUNT_FIELD_STRIDE} windows`);
}

/** The script's body, kept as Lua so editors and `luac -p` check it (test/scorer/windows/lua-syntax.test.ts). */
export const WINDOW_SCRIPT_FILE = join(PACKAGE_ROOT, 'scorer', 'windows', 'window-ops.lua');

/** The constants the body uses, from the same definitions the TypeScript side uses. */
export const WINDOW_SCRIPT_PRELUDE = `local SLOTS = ${slotTable()}
local COUNT, DISTINCT, SEEN, PROFILE = ${OpCode.Count}, ${OpCode.Distinct}, ${OpCode.Seen}, ${OpCode.Profile}
local COUNT_SLICES, DISTINCT_SLICES, EXACT_MEMBERS = ${COUNT_SLICES}, ${DISTINCT_SLICES}, ${EXACT_MEMBERS}
local STRIDE = ${COUNT_FIELD_STRIDE}
local MARKER = '${SKETCH_MARKER}'
`;

let script: string | undefined;

/** The whole script, read once when the first Redis window store starts (not by every command). */
export function windowScript(): string {
  script ??= WINDOW_SCRIPT_PRELUDE + readFileSync(WINDOW_SCRIPT_FILE, 'utf8');
  return script;
}
