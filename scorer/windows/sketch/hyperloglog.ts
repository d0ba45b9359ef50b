/**
 * HyperLogLog over 32-bit member hashes (see hash.ts): the low HLL_BITS bits pick the register, the
 * remaining 22 bits give the rank. 2^10 registers: ~3.2% standard error, 1 KiB per sketch; fine
 * for the cardinalities of one entity's window (ports, users, paths), far below 2^32.
 */
export const HLL_BITS = 10;
export const HLL_REGISTERS = 1 << HLL_BITS;
const RANK_BITS = 32 - HLL_BITS;
const ALPHA = 0.7213 / (1 + 1.079 / HLL_REGISTERS);

export function hllAddHash(registers: Uint8Array, hash: number): void {
  const index = hash & (HLL_REGISTERS - 1);
  const rank = hllRank(hash);
  if (rank > registers[index]!) registers[index] = rank;
}

/** Rank a hash sets in its register (see hllAddHash). */
export function hllRank(hash: number): number {
  const rest = hash >>> HLL_BITS;
  return rest === 0 ? RANK_BITS + 1 : Math.clz32(rest) - HLL_BITS + 1;
}

/** Estimate from the register sum Σ 2^-register and the number of zero registers. */
export function hllEstimate(sum: number, zeros: number): number {
  const estimate = (ALPHA * HLL_REGISTERS * HLL_REGISTERS) / sum;
  if (estimate <= 2.5 * HLL_REGISTERS && zeros > 0) return Math.round(HLL_REGISTERS * Math.log(HLL_REGISTERS / zeros));
  return Math.round(estimate);
}
