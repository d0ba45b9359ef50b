import t from 'tap';
import { MemoryWindowStore } from '../../scorer/windows/memory-store.js';
import { OpBatch, OpCode, SLOTS } from '../../scorer/windows/ops.js';

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

t.test('probe answers what execute would for one operation, and changes nothing', async (t) => {
  const store = new MemoryWindowStore();
  const probe = new OpBatch();
  const real = new OpBatch();
  let compared = 0;
  for (const op of operations(7, 6000)) {
    probe.clear();
    probe.add(op.slot, op.entity, op.member, op.time, op.amount);
    store.probe(probe);
    const first = Array.from(probe.results.subarray(0, 3));
    store.probe(probe);
    if (JSON.stringify(Array.from(probe.results.subarray(0, 3))) !== JSON.stringify(first))
      t.fail(`${SLOTS[op.slot]!.name} ${op.entity}: a second probe answers differently`);
    real.clear();
    real.add(op.slot, op.entity, op.member, op.time, op.amount);
    store.execute(real);
    const executed = Array.from(real.results.subarray(0, 3));
    if (SLOTS[op.slot]!.code === OpCode.Distinct && executed[0]! > 48) continue; // sketch mode: estimates
    compared++;
    if (JSON.stringify(first) !== JSON.stringify(executed))
      t.fail(`${SLOTS[op.slot]!.name} ${op.entity} ${op.member}: probe ${first}, execute ${executed}`);
  }
  t.ok(compared > 5000, `${compared} operations compared exactly`);
  t.pass('every probe answered as execute did and left the state as it was');
});
