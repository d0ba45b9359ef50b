import t from 'tap';
import { isValidTimeZone, localTimeToUtc, utcOffsetAt } from '../../../collector/syslog/time-zone.js';
import { seededRandom } from '../../helpers/seeded-random.js';

/** Offset straight from Intl, computed independently of the module under test. */
function referenceOffset(timeZone: string, utcMs: number): number {
  const whole = Math.floor(utcMs / 1000) * 1000;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(whole);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - whole;
}

const zones = [
  'Europe/Berlin',
  'America/New_York',
  'Australia/Adelaide',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'America/Sao_Paulo',
];

t.test('gives the same offsets as Intl at random instants, cached or not', async (t) => {
  const next = seededRandom(20261122);
  let mismatches = 0;
  for (const zone of zones) {
    for (let i = 0; i < 400; i++) {
      const instant = Date.UTC(1990, 0, 1) + Math.floor(next() * 50 * 365.25 * 86_400_000);
      const expected = referenceOffset(zone, instant);
      // Twice: the first call fills the cache, the second reads it.
      if (utcOffsetAt(zone, instant) !== expected || utcOffsetAt(zone, instant) !== expected) {
        mismatches++;
        t.fail(`${zone} at ${new Date(instant).toISOString()}`);
      }
    }
  }
  t.equal(mismatches, 0);
});

t.test('gives exact offsets on both sides of transitions that fall within an hour', async (t) => {
  // Adelaide (+9:30/+10:30) changes at 02:00 local standard time = 16:30 UTC, mid-hour in UTC.
  const change = Date.UTC(2026, 9, 3, 16, 30); // 4 October 2026, 02:00 ACST -> 03:00 ACDT
  for (const delta of [-1_800_000, -1, 0, 1, 1_799_999]) {
    t.equal(utcOffsetAt('Australia/Adelaide', change + delta), referenceOffset('Australia/Adelaide', change + delta), String(delta));
  }
  // Lord Howe moves by 30 minutes only.
  const lordHowe = Date.UTC(2026, 9, 3, 15, 30); // 4 October 2026, 02:00 +10:30 -> 02:30 +11:00
  t.equal(utcOffsetAt('Australia/Lord_Howe', lordHowe - 1), 10.5 * 3_600_000);
  t.equal(utcOffsetAt('Australia/Lord_Howe', lordHowe), 11 * 3_600_000);
});

t.test('maps wall-clock times back to the instants that show them', async (t) => {
  const next = seededRandom(7);
  for (const zone of zones) {
    for (let i = 0; i < 300; i++) {
      const instant = Math.floor((Date.UTC(2000, 0, 1) + next() * 40 * 365.25 * 86_400_000) / 1000) * 1000;
      const local = instant + referenceOffset(zone, instant);
      const back = localTimeToUtc(zone, local);
      // A repeated wall-clock time may map to its other instant; it must still show the same time.
      if (back + referenceOffset(zone, back) !== local) t.fail(`${zone} ${new Date(instant).toISOString()}`);
    }
  }
  t.pass('all wall-clock times round-trip');
});

t.test('moves skipped times forward and takes the earlier of repeated times', async (t) => {
  const local = (y: number, mo: number, d: number, h: number, mi: number) => Date.UTC(y, mo - 1, d, h, mi);
  t.equal(localTimeToUtc('America/New_York', local(2026, 3, 8, 2, 30)), Date.UTC(2026, 2, 8, 7, 30));
  t.equal(localTimeToUtc('America/New_York', local(2026, 11, 1, 1, 30)), Date.UTC(2026, 10, 1, 5, 30));
  t.equal(localTimeToUtc('Europe/Berlin', local(2026, 3, 29, 2, 0)), Date.UTC(2026, 2, 29, 1, 0));
  t.equal(localTimeToUtc('Europe/Berlin', local(2026, 10, 25, 2, 0)), Date.UTC(2026, 9, 25, 0, 0));
});

t.test('treats UTC and unknown zones as offset zero without throwing', async (t) => {
  const instant = Date.UTC(2026, 6, 1);
  t.equal(utcOffsetAt('UTC', instant), 0);
  t.equal(utcOffsetAt('Etc/UTC', instant), 0);
  t.equal(utcOffsetAt('No/Such_Zone', instant), 0);
  t.equal(localTimeToUtc('No/Such_Zone', instant), instant);
  t.equal(utcOffsetAt('Europe/Berlin', 9e15), 0, 'an instant Date cannot hold');
});

t.test('says which zone names the runtime knows', async (t) => {
  t.ok(isValidTimeZone('Europe/Berlin'));
  t.ok(isValidTimeZone('UTC'));
  t.notOk(isValidTimeZone('No/Such_Zone'));
  t.notOk(isValidTimeZone(''));
});
