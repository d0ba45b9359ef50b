import t from 'tap';
import { MemoryWindowStore } from '../../../scorer/windows/memory-store.js';
import { LONGEST_WINDOW, OpBatch, SLOT } from '../../../scorer/windows/ops.js';
import { storeSuite } from './store-suite.js';

storeSuite(t, async () => new MemoryWindowStore({ seenCapacity: 10_000 }));

t.test('idle entities expire once event time has moved past every window', async (t) => {
  const store = new MemoryWindowStore({ seenCapacity: 1000 });
  const batch = new OpBatch();
  const t0 = Date.UTC(2026, 0, 1);
  for (let i = 0; i < 100; i++) batch.add(SLOT.auth_fail_by_ip, `i:192.0.2.${i}`, '', t0, 1);
  store.execute(batch);
  t.equal(store.stats().entities, 100);
  batch.clear();
  batch.add(SLOT.auth_fail_by_ip, 'i:198.51.100.1', '', t0 + LONGEST_WINDOW + 2 * 3_600_000, 1);
  store.execute(batch);
  t.equal(store.stats().entities, 1);
});

t.test('never tracks more than maxEntities', async (t) => {
  const store = new MemoryWindowStore({ seenCapacity: 1000, maxEntities: 50 });
  const batch = new OpBatch();
  const t0 = Date.UTC(2026, 0, 1);
  for (let i = 0; i < 1000; i++) batch.add(SLOT.auth_fail_by_ip, `i:10.1.${i >> 8}.${i & 255}`, '', t0 + i, 1);
  store.execute(batch);
  t.ok(store.stats().entities <= 50);
  t.ok(store.evictions >= 950);
});
