/** How many wrong passwords a person types before the right one. */
import type { Random } from '../../random.js';
import type { TypoRate } from '../organization.js';

export function mistypes(rng: Random, typos: TypoRate): number {
  const roll = rng.float();
  if (roll < typos.twice) return 2;
  return roll < typos.twice + typos.once ? 1 : 0;
}
