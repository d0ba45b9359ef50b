import t from 'tap';
import type { ParseOptions } from '../../../collector/syslog/message.js';
import { parseSyslog } from '../../../collector/syslog/parse.js';
import { definedFields } from './defined-fields.js';

const utc: ParseOptions = { timeZone: 'UTC', now: Date.UTC(2026, 10, 22, 12) };

t.test('reads a fail2ban log line as syslog would carry it: module as tag, PID, level kept in the message', async (t) => {
  const line = '2026-08-16 03:28:37,986 fail2ban.filter         [28143]: INFO    [wordpress] Found 192.0.2.7 - 2026-08-16 03:28:36';
  t.strictSame(definedFields(parseSyslog(`${line}\n`, utc)), {
    format: 'rfc3164',
    timestamp: Date.UTC(2026, 7, 16, 3, 28, 37, 986),
    yearInferred: false,
    appName: 'fail2ban.filter',
    procId: '28143',
    message: 'INFO    [wordpress] Found 192.0.2.7 - 2026-08-16 03:28:36',
  });
});

t.test('reads the time in the configured zone, daylight saving included', async (t) => {
  const line = '2026-08-16 03:28:37,986 fail2ban.actions        [7]: NOTICE  [sshd] Ban 192.0.2.7';
  t.equal(parseSyslog(line, { ...utc, timeZone: 'Europe/Berlin' }).timestamp, Date.UTC(2026, 7, 16, 1, 28, 37, 986));
  t.equal(
    parseSyslog(line.replace('08-16', '01-16'), { ...utc, timeZone: 'Europe/Berlin' }).timestamp,
    Date.UTC(2026, 0, 16, 2, 28, 37, 986),
  );
  t.equal(parseSyslog('1969-12-31 23:59:59,500 fail2ban.server [1]: INFO x', utc).timestamp, -500, 'before 1970 too');
});

t.test('accepts the unpadded form and rejects lines that only look alike', async (t) => {
  t.equal(parseSyslog('2026-08-16 03:28:37,986 fail2ban.server[1]: INFO Starting', utc).appName, 'fail2ban.server');
  for (const line of [
    '2026-08-16 03:28:37,986 fail2ban.filter [x]: INFO y',
    '2026-08-16 03:28:37,986 fail2ban.filter [1] INFO y',
    '2026-08-16 03:28:37.986 fail2ban.filter [1]: INFO y',
    '2026-02-30 03:28:37,986 fail2ban.filter [1]: INFO y',
    '2026-08-16 24:28:37,986 fail2ban.filter [1]: INFO y',
    '2026-08-16 03:28:37,986 [1]: INFO y',
    '2026-08-16 03:28:37,986',
    `2026-08-16 03:28:37,986 ${'n'.repeat(100)} [1]: INFO y`,
  ]) {
    t.equal(parseSyslog(line, utc).format, 'plain', line);
  }
});
