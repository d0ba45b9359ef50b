import t from 'tap';
import { BoundedQueue } from '../../collector/queue.js';

t.test('keeps FIFO order across the ring wrap-around', async (t) => {
  const q = new BoundedQueue<number>(4, 1000);
  const out: number[] = [];
  const seen: number[] = [];
  for (let i = 0; i < 20; i++) {
    t.ok(q.tryPush(i, 1));
    if (i % 3 === 2) {
      q.drainInto(out, 3);
      seen.push(...out);
    }
  }
  while (q.length > 0) {
    q.drainInto(out, 10);
    seen.push(...out);
  }
  t.same(
    seen,
    Array.from({ length: 20 }, (_, i) => i),
  );
});

t.test('tryPush refuses when full by count or by bytes', async (t) => {
  const byCount = new BoundedQueue<string>(2, 1000);
  t.ok(byCount.tryPush('a', 1));
  t.ok(byCount.tryPush('b', 1));
  t.notOk(byCount.tryPush('c', 1));
  const byBytes = new BoundedQueue<string>(100, 10);
  t.ok(byBytes.tryPush('a', 8));
  t.ok(byBytes.tryPush('b', 8));
  t.notOk(byBytes.tryPush('c', 1));
  t.equal(byBytes.bytes, 16);
});

t.test('pushAlways overshoots, and onDrain fires once below half', async (t) => {
  const q = new BoundedQueue<number>(4, 1000);
  for (let i = 0; i < 10; i++) q.pushAlways(i, 1);
  t.equal(q.length, 10);
  t.ok(q.isFull());
  let drained = 0;
  q.onDrain(() => drained++);
  const out: number[] = [];
  q.drainInto(out, 5);
  t.equal(drained, 0, 'still above half');
  q.drainInto(out, 3);
  t.equal(drained, 1);
  t.same(out, [5, 6, 7]);
  q.drainInto(out, 10);
  t.same(out, [8, 9]);
  t.equal(drained, 1, 'fires once');
});

t.test('onData fires when the next item arrives', async (t) => {
  const q = new BoundedQueue<number>(4, 1000);
  let woke = 0;
  q.onData(() => woke++);
  t.equal(woke, 0);
  q.tryPush(1, 1);
  t.equal(woke, 1);
  q.onData(() => woke++);
  t.equal(woke, 2, 'immediate when not empty');
});
