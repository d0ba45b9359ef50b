import t from 'tap';
import { RangeSet, RangeWalker } from '../../../core/disk-buffer/range-set.js';

t.test('merges ranges added out of order into as few ranges as there are gaps', async (t) => {
  const set = new RangeSet();
  set.add(30, 40);
  set.add(10, 20);
  set.add(50, 60);
  t.same(set.toFlat(), [10, 20, 30, 40, 50, 60]);
  set.add(20, 30);
  t.same(set.toFlat(), [10, 40, 50, 60]);
  set.add(40, 50);
  t.same(set.toFlat(), [10, 60]);
  set.add(5, 70);
  t.same(set.toFlat(), [5, 70]);
  set.add(80, 80);
  t.same(set.toFlat(), [5, 70], 'an empty range adds nothing');
});

t.test('finds the first offset no range covers', async (t) => {
  const set = new RangeSet();
  set.add(16, 100);
  set.add(200, 300);
  t.equal(set.firstGap(16), 100);
  t.equal(set.firstGap(0), 0);
  t.equal(set.firstGap(150), 150);
  t.equal(set.firstGap(250), 300);
  t.ok(set.covers(20, 100));
  t.notOk(set.covers(20, 101));
});

t.test('rejects malformed flat lists from outside', async (t) => {
  t.equal(RangeSet.fromFlat([1, 2, 3]), null, 'odd length');
  t.equal(RangeSet.fromFlat([5, 2]), null, 'end before start');
  t.equal(RangeSet.fromFlat([-1, 2]), null, 'negative');
  t.equal(RangeSet.fromFlat(['1', 2]), null, 'strings');
  t.equal(RangeSet.fromFlat({}), null, 'not an array');
  t.same(RangeSet.fromFlat([30, 40, 10, 30])?.toFlat(), [10, 40], 'unsorted input is normalised');
});

t.test('walker jumps over covered ranges in one pass', async (t) => {
  const set = new RangeSet([10, 20, 30, 40]);
  const walker = new RangeWalker(set);
  t.equal(walker.skip(0), 0);
  t.equal(walker.skip(10), 20);
  t.equal(walker.skip(25), 25);
  t.equal(walker.skip(39), 40);
  t.equal(walker.skip(40), 40);
});
