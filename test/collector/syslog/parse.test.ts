import t from 'tap';
import type { ParseOptions } from '../../../collector/syslog/message.js';
import { INTERNAL_PARSE_ERROR, parseSyslog, priorityParts } from '../../../collector/syslog/parse.js';
import { definedFields } from './defined-fields.js';

const opts: ParseOptions = { timeZone: 'UTC', now: Date.UTC(2026, 10, 22, 12) };

t.test('returns web server log lines as plain, whole, without the line ending', async (t) => {
  const access =
    '83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1" 200 203023';
  t.strictSame(definedFields(parseSyslog(`${access}\r\n`, opts)), { format: 'plain', message: access });
  const error = '[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties';
  t.strictSame(definedFields(parseSyslog(`${error}\r`, opts)), { format: 'plain', message: error });
});

t.test('makes a bad PRI invalid and keeps the whole input as message', async (t) => {
  const cases: Array<[string, string]> = [
    ['<999>garbage', 'PRI out of range'],
    ['<192>Oct 11 22:14:15 host app: x', 'PRI out of range'],
    ['<0013>x', 'PRI out of range'],
    ['<13 Oct 11 22:14:15 host app: x', 'PRI not closed'],
    ['<13', 'PRI not closed'],
    ['<>x', 'PRI has no digits'],
    ['<', 'PRI has no digits'],
    ['<html><body>', 'PRI has no digits'],
    ['<-1>x', 'PRI has no digits'],
  ];
  for (const [text, reason] of cases) {
    t.strictSame(definedFields(parseSyslog(`${text}\n`, opts)), { format: 'invalid', message: text, parseError: reason }, text);
  }
});

t.test('accepts PRI values 0 to 191 with up to three digits', async (t) => {
  t.equal(parseSyslog('<0>x', opts).priority, 0);
  t.equal(parseSyslog('<191>x', opts).priority, 191);
  t.equal(parseSyslog('<013>x', opts).priority, 13);
});

t.test('holds <PRI>1 SP to RFC 5424 only when a TIMESTAMP can follow (documented borderline)', async (t) => {
  t.strictSame(definedFields(parseSyslog('<13>1 junk', opts)), { format: 'rfc3164', priority: 13, message: '1 junk' });
  t.strictSame(definedFields(parseSyslog('<13>10 apples fell', opts)), { format: 'rfc3164', priority: 13, message: '10 apples fell' });
  t.equal(parseSyslog('<13>1 2 3', opts).format, 'invalid');
  t.equal(parseSyslog('<13>1 - junk', opts).format, 'invalid');
  t.equal(parseSyslog('<13>1 ', opts).format, 'invalid');
  t.strictSame(definedFields(parseSyslog('<13>1', opts)), { format: 'rfc3164', priority: 13, message: '1' });
});

t.test('makes an empty message invalid', async (t) => {
  for (const text of ['', '\n', '\r\n', '\uFEFF', '\uFEFF\r\n']) {
    t.strictSame(
      definedFields(parseSyslog(text, opts)),
      { format: 'invalid', message: '', parseError: 'empty message' },
      JSON.stringify(text),
    );
  }
});

t.test('drops a BOM at the start of a file line', async (t) => {
  const msg = parseSyslog('\uFEFFDec 10 06:55:46 LabSZ sshd[24200]: x', opts);
  t.strictSame([msg.format, msg.hostname, msg.message], ['rfc3164', 'LabSZ', 'x']);
});

t.test('gives every result the same keys, unset ones undefined', async (t) => {
  const keys = Object.keys(parseSyslog('<13>1 - - - - - -', opts));
  for (const text of [
    '<13>Oct 11 22:14:15 h a: x',
    'plain',
    '<999>',
    '',
    '- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond[1]: x',
  ]) {
    t.strictSame(Object.keys(parseSyslog(text, opts)), keys, text);
  }
  t.ok(keys.includes('structuredDataTruncated'));
});

t.test('parses loghub Thunderbird lines with the exact time and node name from their prefix', async (t) => {
  const msg = parseSyslog(
    '- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root\r\n',
    opts,
  );
  t.strictSame(definedFields(msg), {
    format: 'rfc3164',
    timestamp: 1131566461000,
    yearInferred: false,
    hostname: 'dn228',
    appName: 'crond(pam_unix)',
    procId: '2915',
    message: 'session closed for user root',
  });
  const alert = parseSyslog('KERNDTLB 1131566461 2005.11.09 tbird-admin1 Nov 9 12:01:01 local@tbird-admin1 kernel: boom', opts);
  t.strictSame([alert.format, alert.hostname, alert.appName, alert.message], ['rfc3164', 'tbird-admin1', 'kernel', 'boom']);
  for (const near of [
    '- 1131566461 2005.11.09 dn228',
    '- x 2005.11.09 dn228 Nov 9 12:01:01 a b: c',
    '- 1131566461 2005-11-09 dn228 Nov 9 12:01:01 a b: c',
  ]) {
    t.equal(parseSyslog(near, opts).format, 'plain', near);
  }
});

t.test('re-exports priorityParts next to the parser', async (t) => {
  t.equal(priorityParts(parseSyslog('<86>Oct 11 22:14:15 h a: x', opts).priority ?? -1)?.facilityName, 'authpriv');
});

t.test('returns an invalid message instead of throwing when given no string at all', async (t) => {
  const msg = parseSyslog(undefined as unknown as string, opts);
  t.equal(msg.format, 'invalid');
  t.equal(msg.parseError, INTERNAL_PARSE_ERROR);
  t.equal(msg.message, '');
});

t.test('falls back to the clock when now is not a number, and to UTC for an unknown zone', async (t) => {
  const thisYear = new Date().getUTCFullYear();
  const msg = parseSyslog('<13>Jan  1 00:00:00 h a: x', { timeZone: 'UTC', now: Number.NaN });
  t.ok(msg.timestamp === Date.UTC(thisYear, 0, 1) || msg.timestamp === Date.UTC(thisYear + 1, 0, 1));
  t.equal(parseSyslog('<13>Jul  1 12:00:00 h a: x', { timeZone: 'Mars/Olympus', now: opts.now }).timestamp, Date.UTC(2026, 6, 1, 12));
});
