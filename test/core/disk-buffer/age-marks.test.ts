import t from 'tap';
import { AgeMarks } from '../../../core/disk-buffer/age-marks.js';

t.test('gives the time of the last mark at or before an offset', async (t) => {
  const marks = new AgeMarks(1000);
  t.ok(Number.isNaN(marks.timeAt(0)), 'no marks, no time');
  marks.note(16, 1_000);
  marks.note(500, 1_500); // within the resolution: not kept
  marks.note(900, 2_000);
  marks.note(2_000, 3_500);
  t.equal(marks.timeAt(16), 1_000);
  t.equal(marks.timeAt(899), 1_000, 'the earlier mark bounds records before the next one');
  t.equal(marks.timeAt(900), 2_000);
  t.equal(marks.timeAt(5_000), 3_500);
  t.equal(marks.timeAt(0), 1_000, 'before the first mark: the first time');
});

t.test('stays within its capacity and keeps ages as upper bounds', async (t) => {
  const marks = new AgeMarks(10, 8);
  for (let i = 0; i < 1000; i++) marks.note(i * 100, i * 10);
  t.ok((marks as unknown as { offsets: number[] }).offsets.length <= 8, 'bounded');
  const later: number[] = [];
  for (let i = 0; i < 1000; i++) if (marks.timeAt(i * 100) > i * 10) later.push(i);
  t.same(later, [], 'no record gets a time later than its append');
  t.equal(marks.timeAt(0), 0, 'the first mark survives thinning');
});
