import type { Test } from 'tap';
import { OpBatch, OpCode, RESULTS_PER_OP, SLOT, SLOTS, type SlotSpec, type WindowStore } from '../../../scorer/windows/ops.js';
import { COUNT_SLICES, DISTINCT_SLICES, EXACT_MEMBERS, sliceLength, toSecond } from '../../../scorer/windows/window-math.js';
import { seededRandom } from '../../helpers/seeded-random.js';

/**
 * The behaviour every WindowStore must have, checked against a brute-force reference that
 * implements window-math.ts literally. Run by the memory store's and the Redis store's tests.
 */
export type StoreFactory = () => Promise<WindowStore>;

class Reference {
  counts = new Map<string, [number, number][]>();
  members = new Map<string, Map<string, number>>();
  seen = new Set<string>();
  profiles = new Map<string, number[]>();

  apply(slot: number, entity: string, member: string, timeMs: number, amount: number): number[] {
    const spec = SLOTS[slot] as SlotSpec;
    const second = toSecond(timeMs);
    const key = `${slot}|${entity}`;
    switch (spec.code) {
      case OpCode.Count: {
        const list = this.counts.get(key) ?? [];
        if (amount !== 0) list.push([second, amount]);
        this.counts.set(key, list);
        return spec.windows.map((w) => {
          const length = sliceLength(w, COUNT_SLICES);
          const current = Math.floor(second / length);
          return list
            .filter(([s]) => Math.floor(s / length) > current - COUNT_SLICES && Math.floor(s / length) <= current)
            .reduce((sum, [, a]) => sum + a, 0);
        });
      }
      case OpCode.Distinct: {
        const map = this.members.get(key) ?? new Map<string, number>();
        map.set(member, Math.max(map.get(member) ?? -Infinity, second));
        this.members.set(key, map);
        return spec.windows.map((w) => {
          const length = sliceLength(w, DISTINCT_SLICES);
          const current = Math.floor(second / length);
          return [...map.values()].filter((s) => Math.floor(s / length) > current - DISTINCT_SLICES && Math.floor(s / length) <= current)
            .length;
        });
      }
      case OpCode.Seen: {
        const had = this.seen.has(key);
        if (amount !== 0) this.seen.add(key);
        return [had ? 1 : 0];
      }
      case OpCode.Profile: {
        const bins = this.profiles.get(key) ?? new Array<number>((spec.bins ?? 1) + 1).fill(0);
        const before = [bins[amount]!, bins[bins.length - 1]!];
        bins[amount]! += 1;
        bins[bins.length - 1]! += 1;
        this.profiles.set(key, bins);
        return before;
      }
    }
    return [];
  }
}

// An hour boundary, so slices line up with readable times.
const T0 = Date.UTC(2026, 10, 2, 8, 0, 0);

async function run(store: WindowStore, ops: [number, string, string, number, number][]): Promise<number[][]> {
  const batch = new OpBatch(4);
  for (const [slot, entity, member, time, amount] of ops) batch.add(slot, entity, member, time, amount);
  await store.execute(batch);
  return ops.map((_, i) => Array.from(batch.results.subarray(i * RESULTS_PER_OP, i * RESULTS_PER_OP + RESULTS_PER_OP)));
}

export function storeSuite(t: Test, factory: StoreFactory): void {
  t.test('counts per window follow the slice semantics, within one batch in order', async (t) => {
    const store = await factory();
    t.teardown(() => store.close());
    const slot = SLOT.auth_fail_by_ip;
    const results = await run(store, [
      [slot, 'i:203.0.113.9', '', T0, 3],
      [slot, 'i:203.0.113.9', '', T0 + 30_000, 1],
      [slot, 'i:203.0.113.9', '', T0 + 61_000, 1],
      [slot, 'i:203.0.113.9', '', T0 + 11 * 60_000, 0],
      [slot, 'i:198.51.100.1', '', T0 + 11 * 60_000, 2],
    ]);
    t.same(results[0]!.slice(0, 3), [3, 3, 3]);
    t.same(results[1]!.slice(0, 3), [4, 4, 4]);
    t.same(results[2]!.slice(0, 3), [2, 5, 5], 'the first minute has left the 1 min window');
    // 10 min window = 12 slices of 50 s: at T0+11 min it starts at T0+100 s, past all three events.
    t.same(results[3]!.slice(0, 3), [0, 0, 5], 'a read (amount 0) adds nothing');
    t.same(results[4]!.slice(0, 3), [2, 2, 2], 'entities are separate');
  });

  t.test('distinct members count once and leave the window', async (t) => {
    const store = await factory();
    t.teardown(() => store.close());
    const slot = SLOT.users_tried_by_ip;
    const results = await run(store, [
      [slot, 'i:203.0.113.9', 'root', T0, 1],
      [slot, 'i:203.0.113.9', 'root', T0 + 1000, 1],
      [slot, 'i:203.0.113.9', 'admin', T0 + 2000, 1],
      [slot, 'i:203.0.113.9', 'oracle', T0 + 2 * 3_600_000, 1],
    ]);
    t.same(
      results.map((r) => r.slice(0, 2)),
      [
        [1, 1],
        [1, 1],
        [2, 2],
        [1, 3],
      ],
    );
  });

  t.test('seen: a lookup does not mark, an update does', async (t) => {
    const store = await factory();
    t.teardown(() => store.close());
    const slot = SLOT.seen_ip;
    const results = await run(store, [
      [slot, '203.0.113.9', '', T0, 0],
      [slot, '203.0.113.9', '', T0, 1],
      [slot, '203.0.113.9', '', T0 + 1000, 1],
      [slot, '2001:db8::9', '', T0 + 1000, 1],
    ]);
    t.same(
      results.map((r) => r[0]),
      [0, 0, 1, 0],
    );
  });

  t.test('profiles return the bin and the total before the update', async (t) => {
    const store = await factory();
    t.teardown(() => store.close());
    const slot = SLOT.hour_profile_by_user;
    const results = await run(store, [
      [slot, 'alice', '', T0, 9],
      [slot, 'alice', '', T0, 9],
      [slot, 'alice', '', T0, 3],
      [slot, 'bob', '', T0, 9],
    ]);
    t.same(
      results.map((r) => r.slice(0, 2)),
      [
        [0, 0],
        [1, 1],
        [0, 2],
        [0, 0],
      ],
    );
  });

  t.test('random operation streams agree with the reference, light and heavy entities alike', async (t) => {
    const store = await factory();
    t.teardown(() => store.close());
    const random = seededRandom(42);
    const reference = new Reference();
    const slots = [SLOT.auth_fail_by_ip, SLOT.users_tried_by_ip, SLOT.ports_by_ip, SLOT.sudo_fail_by_user, SLOT.auth_fail_by_ip_day];
    let time = T0;
    let mismatches = 0;
    let checked = 0;
    for (let round = 0; round < 40; round++) {
      const ops: [number, string, string, number, number][] = [];
      for (let k = 0; k < 100; k++) {
        time += Math.floor(random() * 20_000);
        // A few heavy hitters and a long tail of light entities.
        const entity = random() < 0.5 ? `i:10.0.0.${Math.floor(random() * 3)}` : `i:192.0.2.${Math.floor(random() * 200)}`;
        const slot = slots[Math.floor(random() * slots.length)]!;
        const member = `m${Math.floor(random() * 40)}`;
        const amount = random() < 0.1 ? 0 : 1 + Math.floor(random() * 3);
        ops.push([slot, entity, member, time, amount]);
      }
      const results = await run(store, ops);
      ops.forEach(([slot, entity, member, opTime, amount], i) => {
        const expected = reference.apply(slot, entity, member, opTime, amount);
        for (let w = 0; w < expected.length; w++) {
          checked++;
          if (results[i]![w] !== expected[w]) mismatches++;
        }
      });
    }
    t.equal(mismatches, 0, `all ${checked} window results equal the reference`);
  });

  t.test(`beyond ${EXACT_MEMBERS} members distinct counts are estimated within 10%`, async (t) => {
    const store = await factory();
    t.teardown(() => store.close());
    const ops: [number, string, string, number, number][] = [];
    for (let port = 1; port <= 1000; port++) ops.push([SLOT.ports_by_ip, 'i:198.51.100.66', String(port), T0 + port * 20, 1]);
    const results = await run(store, ops);
    const last = results[results.length - 1]!;
    t.ok(Math.abs(last[0]! - 1000) <= 100, `1 min estimate ${last[0]} for 1000 ports`);
    t.ok(Math.abs(last[1]! - 1000) <= 100, `30 min estimate ${last[1]} for 1000 ports`);
    t.equal(results[EXACT_MEMBERS - 1]![1], EXACT_MEMBERS, 'exact up to the limit');
  });
}
