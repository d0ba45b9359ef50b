import t from 'tap';
import { isoString } from '../../../collector/decoders/iso-time.js';
import { seededRandom } from '../../helpers/seeded-random.js';

t.test('formats like Date#toISOString across days, leap years and centuries', async (t) => {
  const samples = [0, -1, 951782400000, 951868799999, 4107542399999, -62167219200000, 253402300799999, Date.UTC(2026, 10, 22, 10, 0, 0, 5)];
  const random = seededRandom(7);
  for (let i = 0; i < 5000; i++) samples.push(Math.floor(random() * 253402300799999 * 1.2) - 62167219200000);
  const wrong = samples.filter((ms) => {
    const expected = ms >= -62167219200000 && ms <= 253402300799999 ? new Date(ms).toISOString() : '';
    return isoString(ms) !== expected;
  });
  t.strictSame(wrong.slice(0, 5), []);
});

t.test('non-finite times and years past 9999 give an empty string', async (t) => {
  t.equal(isoString(Number.NaN), '');
  t.equal(isoString(Number.POSITIVE_INFINITY), '');
  t.equal(isoString(253402300800000), '');
});

t.test('fractions of a millisecond are cut, as Date does', async (t) => {
  t.equal(isoString(1.9), '1970-01-01T00:00:00.001Z');
});

t.test('repeated and alternating times (an event time and a receipt time per event) come back right', async (t) => {
  const a = Date.UTC(2026, 0, 5, 10, 0, 0);
  const b = Date.UTC(2026, 11, 5, 3, 24, 0, 416);
  const sequence = [a, b, a, b, b, a, a, b + 1, a, b, b + 1, 0, a];
  t.strictSame(
    sequence.map((ms) => isoString(ms)),
    sequence.map((ms) => new Date(ms).toISOString()),
  );
  t.equal(isoString(-1), '1969-12-31T23:59:59.999Z', 'after cached values, an uncached one');
  t.equal(isoString(Number.NaN), '', 'NaN never matches a cached time');
});
