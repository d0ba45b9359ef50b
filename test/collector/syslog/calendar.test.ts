import t from 'tap';
import { civilToEpochMs, daysFromCivil, daysInMonth, isLeapYear, yearFromDays } from '../../../collector/syslog/calendar.js';

t.test('counts days since 1970 as Date does, over years 0000-9999', async (t) => {
  let failures = 0;
  for (let year = 0; year <= 9999; year += 7) {
    for (const [month, day] of [
      [1, 1],
      [2, 28],
      [3, 1],
      [12, 31],
    ] as const) {
      const reference = new Date(0);
      reference.setUTCFullYear(year, month - 1, day);
      const expected = Math.floor(reference.getTime() / 86_400_000);
      if (daysFromCivil(year, month, day) !== expected) failures++;
      if (yearFromDays(expected) !== year) failures++;
    }
  }
  t.equal(failures, 0);
});

t.test('builds epoch milliseconds from wall-clock fields, keeping years below 100', async (t) => {
  t.equal(civilToEpochMs(2003, 10, 11, 22, 14, 15, 3), Date.UTC(2003, 9, 11, 22, 14, 15, 3));
  const year50 = new Date(0);
  year50.setUTCFullYear(50, 0, 1);
  t.equal(civilToEpochMs(50, 1, 1, 0, 0, 0, 0), year50.getTime());
});

t.test('knows leap years and month lengths', async (t) => {
  t.strictSame([2000, 1900, 2024, 2026].map(isLeapYear), [true, false, true, false]);
  t.strictSame([daysInMonth(2024, 2), daysInMonth(2026, 2), daysInMonth(2026, 4), daysInMonth(2026, 12)], [29, 28, 30, 31]);
  t.equal(daysInMonth(2026, 13), 0);
});
