/**
 * 32-bit string hashes for sketches and compact member sets. Two independent seeds give the
 * HyperLogLog its register index and rank, and the Bloom filter its double hashing.
 */
export function hash32(text: string, seed = 0x811c9dc5): number {
  // FNV-1a over UTF-16 code units, then a murmur3 finaliser to spread the low bits.
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export const SECOND_SEED = 0x9747b28c;
