import t from 'tap';
import type { ParseOptions } from '../../../collector/syslog/message.js';
import { parseSyslog } from '../../../collector/syslog/parse.js';
import { definedFields } from './defined-fields.js';

const now = Date.UTC(2026, 10, 22, 12);
const utc: ParseOptions = { timeZone: 'UTC', now };
const berlin: ParseOptions = { timeZone: 'Europe/Berlin', now };

t.test('RFC 3164 section 5.4 example 1: hostname and tag', async (t) => {
  const msg = parseSyslog("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8", utc);
  t.strictSame(definedFields(msg), {
    format: 'rfc3164',
    priority: 34,
    timestamp: Date.UTC(2026, 9, 11, 22, 14, 15),
    yearInferred: true,
    hostname: 'mymachine',
    appName: 'su',
    message: "'su root' failed for lonvick on /dev/pts/8",
  });
});

t.test('RFC 3164 section 5.4 example 2: no PRI, no header at all, is a plain line', async (t) => {
  t.strictSame(definedFields(parseSyslog('Use the BFG!', utc)), { format: 'plain', message: 'Use the BFG!' });
});

t.test('RFC 3164 section 5.4 example 2 as relayed: space-padded day, IP hostname, no tag', async (t) => {
  const msg = parseSyslog('<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!', utc);
  t.strictSame(definedFields(msg), {
    format: 'rfc3164',
    priority: 13,
    timestamp: Date.UTC(2026, 1, 5, 17, 32, 18),
    yearInferred: true,
    hostname: '10.0.0.99',
    message: 'Use the BFG!',
  });
});

t.test('RFC 3164 section 5.4 example 3: CST is taken for the hostname, 1987 starts the content', async (t) => {
  const content =
    "1987 mymachine myproc[10]: %% It's time to make the do-nuts.  %%  Ingredients: Mix=OK, Jelly=OK # " +
    'Devices: Mixer=OK, Jelly_Injector=OK, Frier=OK # Transport: Conveyer1=OK, Conveyer2=OK # %%';
  const msg = parseSyslog(`<165>Aug 24 05:34:00 CST ${content}`, utc);
  t.strictSame(definedFields(msg), {
    format: 'rfc3164',
    priority: 165,
    timestamp: Date.UTC(2026, 7, 24, 5, 34, 0),
    yearInferred: true,
    hostname: 'CST',
    message: content,
  });
});

t.test('RFC 3164 section 5.4 example 4: an unrecognisable timestamp leaves everything as content', async (t) => {
  const content = "1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!";
  t.strictSame(definedFields(parseSyslog(`<0>${content}`, utc)), { format: 'rfc3164', priority: 0, message: content });
  // ... and the same message after a relay put its own header in front of it.
  const relayed = parseSyslog(`<0>Oct 22 10:52:12 scapegoat ${content}`, utc);
  t.strictSame(definedFields(relayed), {
    format: 'rfc3164',
    priority: 0,
    timestamp: Date.UTC(2026, 9, 22, 10, 52, 12),
    yearInferred: true,
    hostname: 'scapegoat',
    message: content,
  });
});

t.test('tells a missing hostname by the colon or bracket after the tag', async (t) => {
  const noHost = parseSyslog("<13>Oct 11 22:14:15 su: 'su root' failed", utc);
  t.equal(noHost.hostname, undefined);
  t.equal(noHost.appName, 'su');
  t.equal(noHost.message, "'su root' failed");
  const noHostPid = parseSyslog('<13>Oct 11 22:14:15 sshd[42]: Accepted', utc);
  t.strictSame([noHostPid.hostname, noHostPid.appName, noHostPid.procId, noHostPid.message], [undefined, 'sshd', '42', 'Accepted']);
});

t.test('reads lines as /var/log/auth.log and /var/log/syslog hold them, without PRI', async (t) => {
  const msg = parseSyslog('Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186\r\n', utc);
  t.strictSame(definedFields(msg), {
    format: 'rfc3164',
    timestamp: Date.UTC(2025, 11, 10, 6, 55, 46), // December is in the future on 22 Nov 2026
    yearInferred: true,
    hostname: 'LabSZ',
    appName: 'sshd',
    procId: '24200',
    message: 'Invalid user webmaster from 173.234.31.186',
  });
  const kernel = parseSyslog('Jun 19 04:08:52 combo kernel: Linux version 2.6.5-1.358', utc);
  t.strictSame(
    [kernel.hostname, kernel.appName, kernel.procId, kernel.message],
    ['combo', 'kernel', undefined, 'Linux version 2.6.5-1.358'],
  );
});

t.test('keeps parentheses, slashes and colons in parentheses as part of the tag', async (t) => {
  const pam = parseSyslog('Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure;', utc);
  t.strictSame([pam.appName, pam.procId, pam.message], ['sshd(pam_unix)', '19939', 'authentication failure;']);
  const path = parseSyslog('Nov 9 12:01:01 admin1 /apps/x86_64/system/ganglia-3.0.1/sbin/gmetad[1682]: data_thread()', utc);
  t.strictSame([path.appName, path.procId, path.message], ['/apps/x86_64/system/ganglia-3.0.1/sbin/gmetad', '1682', 'data_thread()']);
  const audit = parseSyslog('Nov 9 12:10:43 admin1 audit(1131538222.234:0): initialized', utc);
  t.strictSame([audit.appName, audit.message], ['audit(1131538222.234:0)', 'initialized']);
});

t.test('takes tag[pid] without a colon, and no tag when the first word is just content', async (t) => {
  const noColon = parseSyslog('<13>Oct 11 22:14:15 host myproc[10] started', utc);
  t.strictSame([noColon.appName, noColon.procId, noColon.message], ['myproc', '10', 'started']);
  const tagOnly = parseSyslog('<13>Oct 11 22:14:15 host myproc[10]:', utc);
  t.strictSame([tagOnly.appName, tagOnly.procId, tagOnly.message], ['myproc', '10', '']);
  const mark = parseSyslog('Jul  7 08:06:15 combo  -- root[2421]: ROOT LOGIN ON tty2', utc);
  t.strictSame([mark.hostname, mark.appName, mark.message], ['combo', undefined, '-- root[2421]: ROOT LOGIN ON tty2']);
  const version = parseSyslog('Jun 19 04:09:11 combo syslogd 1.4.1: restart.', utc);
  t.strictSame([version.appName, version.message], [undefined, 'syslogd 1.4.1: restart.']);
  const openBracket = parseSyslog('<13>Oct 11 22:14:15 host tag[1 2]: x', utc);
  t.strictSame([openBracket.appName, openBracket.message], [undefined, 'tag[1 2]: x']);
  const emptyPid = parseSyslog('<13>Oct 11 22:14:15 host tag[]: x', utc);
  t.strictSame([emptyPid.appName, emptyPid.procId, emptyPid.message], ['tag', undefined, 'x']);
});

t.test('drops the whitespace after the tag and a BOM, keeps the rest of the content as sent', async (t) => {
  t.equal(parseSyslog('<13>Oct 11 22:14:15 host tag:  two  spaces ', utc).message, 'two  spaces ');
  t.equal(parseSyslog('<13>Oct 11 22:14:15 host tag:none', utc).message, 'none');
  t.equal(parseSyslog('<13>Oct 11 22:14:15 host tag: \uFEFFtext', utc).message, 'text');
  t.equal(parseSyslog('<13>Oct 11 22:14:15 host tag[7]: \t \uFEFF indented', utc).message, 'indented');
  t.equal(parseSyslog('<13>  no tag, no time', utc).message, 'no tag, no time');
  t.equal(parseSyslog('<13>Oct 11 22:14:15 host tag:   ', utc).message, '');
});

t.test('reads space-padded, unpadded and zero-padded days and any month case', async (t) => {
  const expected = Date.UTC(2026, 9, 1, 2, 3, 4);
  for (const stamp of ['Oct  1 02:03:04', 'Oct 1 02:03:04', 'Oct 01 02:03:04', 'OCT  1 02:03:04', 'oct 1 02:03:04']) {
    const msg = parseSyslog(`<13>${stamp} host app: x`, utc);
    t.strictSame([msg.timestamp, msg.hostname, msg.appName], [expected, 'host', 'app'], stamp);
  }
});

t.test('reads fractional seconds and an explicit year without inferring one', async (t) => {
  t.equal(parseSyslog('<13>Oct 11 22:14:15.123 host app: x', utc).timestamp, Date.UTC(2026, 9, 11, 22, 14, 15, 123));
  t.equal(parseSyslog('<13>Oct 11 22:14:15.5 host app: x', utc).timestamp, Date.UTC(2026, 9, 11, 22, 14, 15, 500));
  const withYear = parseSyslog('<113>Nov 14 2022 09:13:13 vFTD  %FTD-1-430003: EventPriority: Low', utc);
  t.strictSame(definedFields(withYear), {
    format: 'rfc3164',
    priority: 113,
    timestamp: Date.UTC(2022, 10, 14, 9, 13, 13),
    yearInferred: false,
    hostname: 'vFTD',
    appName: '%FTD-1-430003',
    message: 'EventPriority: Low',
  });
});

t.test('reads rsyslog high-precision timestamps (RFC 3339 in a BSD line)', async (t) => {
  const msg = parseSyslog('<34>2026-11-22T10:00:00.123456+01:00 host app[12]: msg', berlin);
  t.strictSame(definedFields(msg), {
    format: 'rfc3164',
    priority: 34,
    timestamp: Date.UTC(2026, 10, 22, 9, 0, 0, 123),
    yearInferred: false,
    hostname: 'host',
    appName: 'app',
    procId: '12',
    message: 'msg',
  });
  const file = parseSyslog('2026-11-22T10:00:00+01:00 host app[12]: msg', berlin);
  t.strictSame([file.format, file.timestamp, file.hostname], ['rfc3164', Date.UTC(2026, 10, 22, 9), 'host']);
});

t.test('takes a message with nothing but text after the PRI as BSD content without timestamp', async (t) => {
  t.strictSame(definedFields(parseSyslog('<13>some text', utc)), { format: 'rfc3164', priority: 13, message: 'some text' });
  t.strictSame(definedFields(parseSyslog('<13>su: failed', utc)), { format: 'rfc3164', priority: 13, appName: 'su', message: 'failed' });
  t.strictSame(definedFields(parseSyslog('<13>', utc)), { format: 'rfc3164', priority: 13, message: '' });
});

t.test('treats an impossible date as no timestamp', async (t) => {
  t.strictSame(definedFields(parseSyslog('<13>Feb 30 10:00:00 host app: x', utc)), {
    format: 'rfc3164',
    priority: 13,
    message: 'Feb 30 10:00:00 host app: x',
  });
  for (const line of ['Feb 30 10:00:00 host app: x', 'Oct 11 24:00:00 host app: x', 'Oct 32 10:00:00 h a: x', 'Oct 11 22:14:15x h']) {
    t.equal(parseSyslog(line, utc).format, 'plain', line);
  }
});

t.test('keeps a timestamp followed by nothing, or by a hostname only', async (t) => {
  t.strictSame(definedFields(parseSyslog('<13>Oct 11 22:14:15', utc)), {
    format: 'rfc3164',
    priority: 13,
    timestamp: Date.UTC(2026, 9, 11, 22, 14, 15),
    yearInferred: true,
    message: '',
  });
  const hostOnly = parseSyslog('<13>Oct 11 22:14:15 host', utc);
  t.strictSame([hostOnly.hostname, hostOnly.message], ['host', '']);
});

t.test('infers the previous year for a December message read just after New Year', async (t) => {
  const newYear = Date.UTC(2027, 0, 1, 0, 30);
  const december = parseSyslog('<13>Dec 31 23:59:00 host app: x', { timeZone: 'UTC', now: newYear });
  t.equal(december.timestamp, Date.UTC(2026, 11, 31, 23, 59));
  t.equal(december.yearInferred, true);
  // Up to a day ahead of now counts as this year (clock skew between sender and collector)...
  t.equal(parseSyslog('<13>Jan  2 00:00:00 host app: x', { timeZone: 'UTC', now: newYear }).timestamp, Date.UTC(2027, 0, 2));
  // ... further ahead is last year's.
  t.equal(parseSyslog('<13>Jan  3 00:00:00 host app: x', { timeZone: 'UTC', now: newYear }).timestamp, Date.UTC(2026, 0, 3));
  t.equal(
    parseSyslog('<13>Dec 31 23:59:00 host app: x', { timeZone: 'Europe/Berlin', now: newYear }).timestamp,
    Date.UTC(2026, 11, 31, 22, 59),
  );
});

t.test('takes the current year in the configured zone, not in UTC', async (t) => {
  const lateUtc = Date.UTC(2026, 11, 31, 23, 30); // already 2027 in Berlin
  t.equal(
    parseSyslog('<13>Jan  1 00:20:00 host app: x', { timeZone: 'Europe/Berlin', now: lateUtc }).timestamp,
    Date.UTC(2026, 11, 31, 23, 20),
  );
  t.equal(parseSyslog('<13>Jan  1 00:20:00 host app: x', { timeZone: 'UTC', now: lateUtc }).timestamp, Date.UTC(2026, 0, 1, 0, 20));
});

t.test('puts 29 February in the latest leap year', async (t) => {
  t.equal(
    parseSyslog('<13>Feb 29 12:00:00 host app: x', { timeZone: 'UTC', now: Date.UTC(2027, 2, 1) }).timestamp,
    Date.UTC(2024, 1, 29, 12),
  );
  t.equal(
    parseSyslog('<13>Feb 29 12:00:00 host app: x', { timeZone: 'UTC', now: Date.UTC(2028, 2, 1) }).timestamp,
    Date.UTC(2028, 1, 29, 12),
  );
});

t.test('reads BSD times in the configured zone, summer and winter', async (t) => {
  t.equal(parseSyslog('<13>Jul  1 12:00:00 host app: x', berlin).timestamp, Date.UTC(2026, 6, 1, 10));
  t.equal(parseSyslog('<13>Jan 15 12:00:00 host app: x', berlin).timestamp, Date.UTC(2026, 0, 15, 11));
  t.equal(parseSyslog('<13>Jul  1 12:00:00 host app: x', { timeZone: 'America/New_York', now }).timestamp, Date.UTC(2026, 6, 1, 16));
  t.equal(parseSyslog('<13>Jul  1 12:00:00 host app: x', { timeZone: 'Asia/Kolkata', now }).timestamp, Date.UTC(2026, 6, 1, 6, 30));
});

t.test('resolves the wall-clock times around Berlin DST changes', async (t) => {
  const at = (stamp: string) => parseSyslog(`<13>${stamp} host app: x`, berlin).timestamp;
  // 29 March 2026: 02:00 CET becomes 03:00 CEST.
  t.equal(at('Mar 29 01:59:59'), Date.UTC(2026, 2, 29, 0, 59, 59));
  t.equal(at('Mar 29 03:00:00'), Date.UTC(2026, 2, 29, 1, 0, 0));
  t.equal(at('Mar 29 02:30:00'), Date.UTC(2026, 2, 29, 1, 30), 'a skipped time moves forward by the gap');
  // 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
  t.equal(at('Oct 25 01:59:00'), Date.UTC(2026, 9, 24, 23, 59));
  t.equal(at('Oct 25 02:30:00'), Date.UTC(2026, 9, 25, 0, 30), 'a repeated time takes the earlier instant');
  t.equal(at('Oct 25 03:00:00'), Date.UTC(2026, 9, 25, 2, 0));
});

t.test('removes CRLF, LF and lone CR endings from the message', async (t) => {
  for (const ending of ['\r\n', '\n', '\r', '\r\r\n', '\n\n']) {
    const msg = parseSyslog(`<13>Oct 11 22:14:15 host app: text${ending}`, utc);
    t.equal(msg.message, 'text', JSON.stringify(ending));
  }
  t.equal(parseSyslog('<13>Oct 11 22:14:15 host app: a\r\nb\r\n', utc).message, 'a\r\nb', 'inner line breaks stay');
});
