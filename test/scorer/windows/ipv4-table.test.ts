import t from 'tap';
import { Ipv4Table, STRIDE } from '../../../scorer/windows/ipv4-table.js';
import { seededRandom } from '../../helpers/seeded-random.js';

t.test('random inserts, removals, growth and sweeps agree with a Map', async (t) => {
  const table = new Ipv4Table(16);
  const reference = new Map<number, number>();
  const random = seededRandom(3);
  let mismatches = 0;
  for (let step = 0; step < 200_000; step++) {
    // A small key space forces collisions, probe chains, wrap-around and removals inside chains.
    const ip = (Math.floor(random() * 5000) * 65_537 + (random() < 0.01 ? 3_900_000_000 : 0)) % 4_294_967_296;
    const roll = random();
    const slot = table.find(ip);
    if (slot >= 0 !== reference.has(ip)) mismatches++;
    if (roll < 0.6) {
      if (slot < 0) {
        const inserted = table.insert(ip, step);
        table.data[inserted * STRIDE + 1] = ip % 1000;
        reference.set(ip, step);
      }
    } else if (roll < 0.95) {
      if (slot >= 0) {
        if (table.data[slot * STRIDE + 1] !== ip % 1000) mismatches++;
        table.remove(slot);
        reference.delete(ip);
      }
    } else {
      const cutoff = step - 2000;
      table.removeOlderThan(cutoff);
      for (const [key, last] of reference) if (last < cutoff) reference.delete(key);
    }
  }
  t.equal(mismatches, 0, 'presence and data always agree');
  t.equal(table.size, reference.size);
  for (const [ip, last] of reference) {
    const slot = table.find(ip);
    t.ok(slot >= 0 && table.data[slot * STRIDE] === last && table.keyAt(slot) === ip, `entry ${ip}`);
    if (slot < 0) break;
  }
});

t.test('sampled quantile of last seconds', async (t) => {
  const table = new Ipv4Table();
  for (let i = 0; i < 10_000; i++) table.insert(i, i);
  const median = table.lastSecondQuantile(0.5);
  t.ok(median > 4000 && median < 6000, `median ${median}`);
  t.equal(table.removeOlderThan(median), median, 'removes exactly those below');
});
