/**
 * Random appends, reads, out-of-order acks and clean restarts against a model of what must come
 * out: after every step, the next read returns exactly the records the model expects next.
 */
import t from 'tap';
import type { BufferBatch } from '../../../core/disk-buffer/batch.js';
import { DiskBuffer } from '../../../core/disk-buffer/disk-buffer.js';
import { seededRandom } from '../../helpers/seeded-random.js';
import { drain, records, seqs, settlesWithin } from './fixtures/buffer.js';

for (const seed of [1, 2, 3]) {
  t.test(`seed ${seed}: reads always return the next unacknowledged records, across restarts`, async (t) => {
    const next = seededRandom(seed);
    const directory = t.testdir();
    const options = {
      directory,
      fsync: 'never' as const,
      segmentMaxRecords: 7,
      maxRecordBytes: 1024,
      segmentMaxBytes: 4096,
      maxTotalBytes: 1 << 20,
    };
    let buffer = await DiskBuffer.open(options);
    let appended = 0;
    const acked = new Set<number>();
    let expected: number[] = [];
    let inFlight: { batch: BufferBatch; seqs: number[] }[] = [];
    let mismatches = 0;
    let restarts = 0;

    for (let step = 0; step < 1500; step++) {
      const roll = next();
      if (roll < 0.35) {
        const count = 1 + Math.floor(next() * 12);
        await buffer.append(records(appended, count, Math.floor(next() * 100)));
        for (let i = 0; i < count; i++) expected.push(appended + i);
        appended += count;
      } else if (roll < 0.7) {
        if (expected.length === 0) continue;
        const batch = await buffer.read(1 + Math.floor(next() * 20), 1 + Math.floor(next() * 2000));
        const got = seqs(batch as BufferBatch);
        if (got.join() !== expected.slice(0, got.length).join() || got.length === 0) {
          mismatches++;
          t.fail(`step ${step}: read ${got.join()} but expected ${expected.slice(0, got.length).join()}`);
          break;
        }
        expected = expected.slice(got.length);
        inFlight.push({ batch: batch as BufferBatch, seqs: got });
      } else if (roll < 0.97) {
        if (inFlight.length === 0) continue;
        const [done] = inFlight.splice(Math.floor(next() * inFlight.length), 1);
        if (done === undefined || !buffer.ack(done.batch)) continue;
        for (const seq of done.seqs) acked.add(seq);
      } else {
        await buffer.close();
        buffer = await DiskBuffer.open(options);
        restarts++;
        inFlight = [];
        expected = [];
        for (let seq = 0; seq < appended; seq++) if (!acked.has(seq)) expected.push(seq);
        if (buffer.recovery.events !== expected.length) {
          t.fail(`restart ${restarts}: recovery counts ${buffer.recovery.events}, the model ${expected.length}`);
        }
      }
    }
    t.equal(mismatches, 0);
    t.ok(restarts > 10, `${restarts} restarts`);
    t.equal(buffer.stats().events, expected.length + inFlight.reduce((sum, { seqs }) => sum + seqs.length, 0));
    t.same(await drain(buffer, expected.length), expected, 'the rest comes out as the model says');
    t.notOk(await settlesWithin(buffer.read(1, 1 << 20), 20), 'and nothing beyond it');
    await buffer.close();
  });
}
