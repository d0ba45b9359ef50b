import t from 'tap';
import { FACILITY_NAMES, priorityParts, SEVERITY_NAMES } from '../../../collector/syslog/priority.js';

t.test('splits a PRI into facility and severity with their rsyslog names', async (t) => {
  t.strictSame(priorityParts(34), { facilityCode: 4, facilityName: 'auth', severityCode: 2, severityName: 'crit' });
  t.strictSame(priorityParts(165), { facilityCode: 20, facilityName: 'local4', severityCode: 5, severityName: 'notice' });
  t.strictSame(priorityParts(0), { facilityCode: 0, facilityName: 'kern', severityCode: 0, severityName: 'emerg' });
  t.strictSame(priorityParts(191), { facilityCode: 23, facilityName: 'local7', severityCode: 7, severityName: 'debug' });
  t.strictSame(priorityParts(86), { facilityCode: 10, facilityName: 'authpriv', severityCode: 6, severityName: 'info' });
});

t.test('names facilities 12-15 ntp, security, console and solaris-cron', async (t) => {
  t.equal(priorityParts(12 * 8)?.facilityName, 'ntp');
  t.equal(priorityParts(13 * 8)?.facilityName, 'security');
  t.equal(priorityParts(14 * 8)?.facilityName, 'console');
  t.equal(priorityParts(15 * 8)?.facilityName, 'solaris-cron');
});

t.test('has a name for every facility and severity code', async (t) => {
  t.equal(FACILITY_NAMES.length, 24);
  t.strictSame(SEVERITY_NAMES, ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug']);
  for (let pri = 0; pri <= 191; pri++) {
    const parts = priorityParts(pri);
    if (parts === undefined || parts.facilityCode * 8 + parts.severityCode !== pri) t.fail(`PRI ${pri}`);
  }
});

t.test('returns undefined for values that are no PRI', async (t) => {
  for (const pri of [-1, 192, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) t.equal(priorityParts(pri), undefined, String(pri));
});

t.test('returns the same frozen object for every call with a PRI', async (t) => {
  t.equal(priorityParts(13), priorityParts(13));
  t.ok(Object.isFrozen(priorityParts(13)));
});
