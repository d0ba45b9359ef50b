import { Redis } from 'ioredis';
import t, { type Test } from 'tap';
import { MemoryWindowStore } from '../../scorer/windows/memory-store.js';
import { OpBatch, OpCode, SLOTS, type WindowStore } from '../../scorer/windows/ops.js';
import { RedisWindowStore } from '../../scorer/windows/redis-store.js';
import { startRedis } from '../helpers/redis.js';
import { requireService } from '../helpers/services.js';

/** A deterministic stream of operations over few entities, so that light, table and heavy states all occur. */
function operations(seed: number, count: number): { slot: number; entity: string; member: string; time: number; amount: number }[] {
  let x = seed;
  const next = (n: number): number => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
  const out = [];
  let time = Date.parse('2026-05-01T00:00:00Z');
  for (let i = 0; i < count; i++) {
    time += next(20_000);
    const slot = next(SLOTS.length);
    const spec = SLOTS[slot]!;
    const entity = next(3) === 0 ? `u:user${next(5)}` : `i:203.0.113.${next(6)}`;
    const member = spec.code === OpCode.Distinct ? `m${next(i < count / 2 ? 40 : 400)}` : '';
    const amount = spec.code === OpCode.Profile ? next(24) : spec.code === OpCode.Seen ? 1 : 1 + next(2);
    out.push({ slot, entity, member, time, amount });
  }
  return out;
}

/** Probes each operation twice, then executes it: the probes agree, and match execute (exact states). */
async function probeMatchesExecute(t: Test, store: WindowStore, count: number): Promise<void> {
  const probe = new OpBatch();
  const real = new OpBatch();
  let compared = 0;
  for (const op of operations(7, count)) {
    probe.clear();
    probe.add(op.slot, op.entity, op.member, op.time, op.amount);
    await store.probe!(probe);
    const first = Array.from(probe.results.subarray(0, 3));
    await store.probe!(probe);
    if (JSON.stringify(Array.from(probe.results.subarray(0, 3))) !== JSON.stringify(first))
      t.fail(`${SLOTS[op.slot]!.name} ${op.entity}: a second probe answers differently`);
    real.clear();
    real.add(op.slot, op.entity, op.member, op.time, op.amount);
    await store.execute(real);
    const executed = Array.from(real.results.subarray(0, 3));
    if (SLOTS[op.slot]!.code === OpCode.Distinct && executed[0]! > 48) continue; // sketch mode: estimates
    compared++;
    if (JSON.stringify(first) !== JSON.stringify(executed))
      t.fail(`${SLOTS[op.slot]!.name} ${op.entity} ${op.member}: probe ${first}, execute ${executed}`);
  }
  t.ok(compared > count * 0.8, `${compared} operations compared exactly`);
  t.pass('every probe answered as execute did and left the state as it was');
}

t.test('probe answers what execute would for one operation, and changes nothing', async (t) => {
  await probeMatchesExecute(t, new MemoryWindowStore(), 6000);
});

t.test('the Redis store probes the same way, and a probe writes nothing', async (t) => {
  const redis = await requireService(t, 'redis-server', () => startRedis());
  if (redis === undefined) return;
  t.teardown(() => redis.stop());
  const store = await RedisWindowStore.connect({ url: redis.url, keyPrefix: 'probe:' });
  t.teardown(() => store.close());
  await probeMatchesExecute(t, store, 3000);

  const admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  t.teardown(() => admin.disconnect());
  const snapshot = async (): Promise<string[]> => {
    const keys = (await admin.keys('probe:*')).sort();
    return Promise.all(keys.map(async (key) => `${key} ${(await admin.dumpBuffer(key))?.toString('base64')}`));
  };
  const before = await snapshot();
  t.ok(before.length > 10, `${before.length} keys of window state`);
  const batch = new OpBatch();
  // Every kind of operation, on known and on new entities, some of them at later times.
  for (const op of operations(11, 2000)) batch.add(op.slot, op.entity, op.member, op.time + 3_600_000, op.amount);
  await store.probe(batch);
  t.same(await snapshot(), before, 'the stored state is byte for byte what it was');
});
