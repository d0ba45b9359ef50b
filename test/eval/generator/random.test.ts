import t from 'tap';
import { Random } from '../../../eval/generator/random.js';

const draws = (rng: Random, count: number): number[] => Array.from({ length: count }, () => rng.uint32());

t.test('the same seed and stream name give the same numbers; others differ', async (t) => {
  t.same(draws(new Random(7, 'a'), 20), draws(new Random(7, 'a'), 20));
  t.notSame(draws(new Random(7, 'a'), 20), draws(new Random(8, 'a'), 20));
  t.notSame(draws(new Random(7, 'a'), 20), draws(new Random(7, 'b'), 20));
});

t.test('a forked stream does not depend on what the parent drew before', async (t) => {
  const used = new Random(3);
  draws(used, 1000);
  t.same(draws(used.fork('child'), 10), draws(new Random(3).fork('child'), 10));
});

t.test('int stays within its inclusive bounds and reaches both ends', async (t) => {
  const rng = new Random(1);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) seen.add(rng.int(3, 7));
  t.same([...seen].sort(), [3, 4, 5, 6, 7]);
});

t.test('weighted follows the weights and sample returns distinct items', async (t) => {
  const rng = new Random(2);
  let heavy = 0;
  for (let i = 0; i < 10_000; i++) if (rng.weighted(['heavy', 'light'], [9, 1]) === 'heavy') heavy++;
  t.ok(heavy > 8_700 && heavy < 9_300, `${heavy} of 10000`);
  const sample = rng.sample([1, 2, 3, 4, 5, 6], 4);
  t.equal(new Set(sample).size, 4);
  t.throws(() => rng.pick([]), RangeError);
});
