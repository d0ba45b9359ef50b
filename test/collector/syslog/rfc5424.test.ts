import t from 'tap';
import type { ParseOptions } from '../../../collector/syslog/message.js';
import { parseSyslog } from '../../../collector/syslog/parse.js';
import { MAX_SD_ELEMENTS, MAX_SD_PARAMS } from '../../../collector/syslog/structured-data.js';
import { definedFields } from './defined-fields.js';

const opts: ParseOptions = { timeZone: 'UTC', now: Date.UTC(2026, 10, 22, 12) };
const BOM = '\uFEFF';

t.test('RFC 5424 section 6.5 example 1: no STRUCTURED-DATA, BOM before MSG', async (t) => {
  const msg = parseSyslog(
    `<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - ${BOM}'su root' failed for lonvick on /dev/pts/8`,
    opts,
  );
  t.strictSame(definedFields(msg), {
    format: 'rfc5424',
    priority: 34,
    version: 1,
    timestamp: Date.UTC(2003, 9, 11, 22, 14, 15, 3),
    hostname: 'mymachine.example.com',
    appName: 'su',
    msgId: 'ID47',
    message: "'su root' failed for lonvick on /dev/pts/8",
  });
});

t.test('RFC 5424 section 6.5 example 2: microseconds and a negative offset', async (t) => {
  const msg = parseSyslog("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.", opts);
  t.strictSame(definedFields(msg), {
    format: 'rfc5424',
    priority: 165,
    version: 1,
    timestamp: Date.UTC(2003, 7, 24, 12, 14, 15, 0),
    hostname: '192.0.2.1',
    appName: 'myproc',
    procId: '8710',
    message: "%% It's time to make the do-nuts.",
  });
});

t.test('RFC 5424 section 6.5 example 3: STRUCTURED-DATA and a BOM', async (t) => {
  const msg = parseSyslog(
    '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 ' +
      `[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] ${BOM}An application event log entry...`,
    opts,
  );
  t.strictSame(definedFields(msg), {
    format: 'rfc5424',
    priority: 165,
    version: 1,
    timestamp: Date.UTC(2003, 9, 11, 22, 14, 15, 3),
    hostname: 'mymachine.example.com',
    appName: 'evntslog',
    msgId: 'ID47',
    structuredData: { 'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' } },
    message: 'An application event log entry...',
  });
});

t.test('RFC 5424 section 6.5 example 4: STRUCTURED-DATA only, no MSG', async (t) => {
  const msg = parseSyslog(
    '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 ' +
      '[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]',
    opts,
  );
  t.strictSame(definedFields(msg), {
    format: 'rfc5424',
    priority: 165,
    version: 1,
    timestamp: Date.UTC(2003, 9, 11, 22, 14, 15, 3),
    hostname: 'mymachine.example.com',
    appName: 'evntslog',
    msgId: 'ID47',
    structuredData: {
      'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
      'examplePriority@32473': { class: 'high' },
    },
    message: '',
  });
});

t.test('RFC 5424 section 6.3.5: a SP between SD-ELEMENTs starts MSG, a SP after [ is invalid', async (t) => {
  const head = '<165>1 2003-10-11T22:14:15.003Z host app - ID47 ';
  const spaced = parseSyslog(`${head}[exampleSDID@32473 iut="3"] [examplePriority@32473 class="high"]`, opts);
  t.strictSame(JSON.parse(JSON.stringify(spaced.structuredData)), { 'exampleSDID@32473': { iut: '3' } });
  t.equal(spaced.message, '[examplePriority@32473 class="high"]');
  const badStart = parseSyslog(`${head}[ exampleSDID@32473 iut="3"]`, opts);
  t.equal(badStart.format, 'invalid');
  t.equal(badStart.parseError, 'SD-ID missing');
});

t.test('takes NILVALUE for every header field and for STRUCTURED-DATA', async (t) => {
  t.strictSame(definedFields(parseSyslog('<13>1 - - - - - -', opts)), {
    format: 'rfc5424',
    priority: 13,
    version: 1,
    message: '',
  });
  t.strictSame(definedFields(parseSyslog('<13>1 - - - - - - hello', opts)), {
    format: 'rfc5424',
    priority: 13,
    version: 1,
    message: 'hello',
  });
});

t.test('keeps a field that only starts with a dash', async (t) => {
  const msg = parseSyslog('<13>1 - -host -app -1 -id - x', opts);
  t.strictSame([msg.hostname, msg.appName, msg.procId, msg.msgId], ['-host', '-app', '-1', '-id']);
});

t.test('reads fractions of 1 to 6 digits as milliseconds, truncating', async (t) => {
  const at = (timestamp: string) => parseSyslog(`<13>1 ${timestamp} h a p m - x`, opts);
  t.equal(at('1985-04-12T23:20:50.52Z').timestamp, Date.UTC(1985, 3, 12, 23, 20, 50, 520));
  t.equal(at('1985-04-12T19:20:50.52-04:00').timestamp, Date.UTC(1985, 3, 12, 23, 20, 50, 520));
  t.equal(at('2026-01-01T00:00:00.1Z').timestamp, Date.UTC(2026, 0, 1, 0, 0, 0, 100));
  t.equal(at('2026-01-01T00:00:00.999999Z').timestamp, Date.UTC(2026, 0, 1, 0, 0, 0, 999));
  t.equal(at('2026-01-01T00:00:00Z').timestamp, Date.UTC(2026, 0, 1));
});

t.test('applies positive, negative and colon-less offsets', async (t) => {
  const at = (timestamp: string) => parseSyslog(`<13>1 ${timestamp} h a p m - x`, opts).timestamp;
  t.equal(at('2026-11-22T10:00:00+01:00'), Date.UTC(2026, 10, 22, 9));
  t.equal(at('2026-11-22T10:00:00+05:30'), Date.UTC(2026, 10, 22, 4, 30));
  t.equal(at('2026-11-22T00:30:00-02:00'), Date.UTC(2026, 10, 22, 2, 30));
  t.equal(at('2026-11-22T10:00:00+0100'), Date.UTC(2026, 10, 22, 9));
  t.equal(at('2026-11-22t10:00:00z'), Date.UTC(2026, 10, 22, 10));
});

t.test('reads a timestamp without offset in the configured zone', async (t) => {
  const msg = parseSyslog('<13>1 2026-07-01T12:00:00 h a p m - x', { ...opts, timeZone: 'Europe/Berlin' });
  t.equal(msg.timestamp, Date.UTC(2026, 6, 1, 10));
});

t.test('rejects timestamps RFC 5424 calls invalid or that name no real time', async (t) => {
  for (const timestamp of [
    '2003-08-24T05:14:15.000000003-07:00', // section 6.2.3.1 example 5: more than 6 fraction digits
    '2026-02-30T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-22T24:00:00Z',
    '2026-11-22T10:60:00Z',
    '2026-11-22T10:00:00.Z',
    '2026-11-22T10:00:00+25:00',
    '2026-11-22 10:00:00Z',
    '2026-11-22T10:00:00+01',
  ]) {
    const msg = parseSyslog(`<13>1 ${timestamp} h a p m - x`, opts);
    t.equal(msg.format, 'invalid', timestamp);
  }
  t.equal(parseSyslog('<13>1 2024-02-29T00:00:00Z h a p m - x', opts).timestamp, Date.UTC(2024, 1, 29));
});

t.test('unescapes \\", \\\\ and \\] in PARAM-VALUEs and keeps other backslashes', async (t) => {
  const msg = parseSyslog(String.raw`<13>1 - h a p m [x@1 quote="say \"hi\"" slash="C:\\temp" bracket="a\]b" other="\n\x"] m`, opts);
  t.strictSame(JSON.parse(JSON.stringify(msg.structuredData)), {
    'x@1': { quote: 'say "hi"', slash: 'C:\\temp', bracket: 'a]b', other: '\\n\\x' },
  });
  t.equal(msg.message, 'm');
});

t.test('takes an unescaped ] inside a quoted value literally', async (t) => {
  const msg = parseSyslog('<13>1 - h a p m [x@1 a="[1]" b="]"][y@1 c="d"] tail', opts);
  t.strictSame(JSON.parse(JSON.stringify(msg.structuredData)), { 'x@1': { a: '[1]', b: ']' }, 'y@1': { c: 'd' } });
  t.equal(msg.message, 'tail');
});

t.test('keeps empty SD-ELEMENTs and empty values', async (t) => {
  const msg = parseSyslog('<13>1 - h a p m [exampleSDID@32473][meta sequenceId=""]', opts);
  t.strictSame(JSON.parse(JSON.stringify(msg.structuredData)), { 'exampleSDID@32473': {}, meta: { sequenceId: '' } });
  t.equal(msg.message, '');
});

t.test('turns a repeated PARAM-NAME into an array and merges a repeated SD-ID', async (t) => {
  const msg = parseSyslog('<13>1 - h a p m [origin ip="192.0.2.1" ip="192.0.2.2" ip="192.0.2.3"][origin x="1"]', opts);
  t.strictSame(JSON.parse(JSON.stringify(msg.structuredData)), {
    origin: { ip: ['192.0.2.1', '192.0.2.2', '192.0.2.3'], x: '1' },
  });
});

t.test('stores __proto__ and constructor as plain data in null-prototype objects', async (t) => {
  const msg = parseSyslog('<13>1 - h a p m [__proto__ polluted="yes" constructor="c"][constructor prototype="p" __proto__="q"] x', opts);
  const sd = msg.structuredData;
  if (sd === undefined) throw new Error('no structured data');
  t.equal(Object.getPrototypeOf(sd), null);
  t.strictSame(Object.keys(sd), ['__proto__', 'constructor']);
  const proto = sd['__proto__'];
  const ctor = sd['constructor'];
  t.equal(Object.getPrototypeOf(proto), null);
  t.equal(proto?.['polluted'], 'yes');
  t.equal(proto?.['constructor'], 'c');
  t.equal(ctor?.['prototype'], 'p');
  t.equal(ctor?.['__proto__'], 'q');
  t.equal(Object.getPrototypeOf(ctor), null);
  t.equal(({} as Record<string, unknown>)['polluted'], undefined);
  t.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
});

t.test('keeps at most MAX_SD_ELEMENTS elements and MAX_SD_PARAMS params and says so', async (t) => {
  const manyElements = Array.from({ length: MAX_SD_ELEMENTS + 10 }, (_, i) => `[e${i} k="v"]`).join('');
  const wide = parseSyslog(`<13>1 - h a p m ${manyElements} after`, opts);
  t.equal(wide.format, 'rfc5424');
  t.equal(Object.keys(wide.structuredData ?? {}).length, MAX_SD_ELEMENTS);
  t.equal(wide.structuredDataTruncated, true);
  t.equal(wide.message, 'after');

  const manyParams = Array.from({ length: MAX_SD_PARAMS + 10 }, (_, i) => ` p${i}="${i}"`).join('');
  const deep = parseSyslog(`<13>1 - h a p m [one${manyParams}] after`, opts);
  t.equal(Object.keys(deep.structuredData?.['one'] ?? {}).length, MAX_SD_PARAMS);
  t.equal(deep.structuredDataTruncated, true);
  t.equal(deep.message, 'after');

  t.equal(parseSyslog('<13>1 - h a p m [one a="1"] x', opts).structuredDataTruncated, undefined);
});

t.test('makes malformed STRUCTURED-DATA invalid with a reason', async (t) => {
  const cases: Array<[string, string]> = [
    ['[x@1 a="1"', 'SD-ELEMENT not closed'],
    ['[x@1 a="1]', 'PARAM-VALUE not closed'],
    ['[x@1 a=1]', 'bad SD-PARAM'],
    ['[x@1 ="1"]', 'bad SD-PARAM'],
    ['[x@1  a="1"]', 'bad SD-PARAM'],
    ['[x@1 a="1"b="2"]', 'bad character in SD-ELEMENT'],
    ['[]', 'SD-ID missing'],
    ['text without SD', 'STRUCTURED-DATA is neither - nor ['],
    ['-text', 'no SP after STRUCTURED-DATA'],
    ['[x@1]tail', 'no SP after STRUCTURED-DATA'],
  ];
  for (const [sd, reason] of cases) {
    const text = `<13>1 - h a p m ${sd}`;
    const msg = parseSyslog(text, opts);
    t.strictSame(definedFields(msg), { format: 'invalid', priority: 13, message: text, parseError: reason }, sd);
  }
});

t.test('makes a header cut short or with bad characters invalid', async (t) => {
  const cases: Array<[string, string]> = [
    ['<13>1 ', 'RFC 5424 header cut short'],
    ['<13>1 -', 'RFC 5424 header cut short'],
    ['<13>1 2026-11-22T10:00:00Z host', 'RFC 5424 header cut short'],
    ['<13>1 2026-11-22T10:00:00Z host app 12 ID', 'RFC 5424 header cut short'],
    ['<13>1 2026-11-22T10:00:00Z host app 12 ID ', 'STRUCTURED-DATA missing'],
    ['<13>1 - ho\u00e9st app 12 ID - x', 'bad HOSTNAME'],
    ['<13>1 - host  12 ID - x', 'bad APP-NAME'],
    ['<13>1 - host app 1\t2 ID - x', 'bad PROCID'],
    ['<13>1 - host app 12 I\u0000D - x', 'bad MSGID'],
    ['<13>1 2 3', 'bad TIMESTAMP'],
  ];
  for (const [text, reason] of cases) {
    t.strictSame(definedFields(parseSyslog(text, opts)), { format: 'invalid', priority: 13, message: text, parseError: reason }, text);
  }
});

t.test('drops whitespace leading MSG and keeps the rest exactly, including inner spaces and newlines', async (t) => {
  const msg = parseSyslog('<13>1 - h a p m -  two  spaces\nsecond line \r\n', opts);
  t.equal(msg.message, 'two  spaces\nsecond line ');
  t.equal(parseSyslog('<13>1 - h a p m - \t\uFEFF x', opts).message, 'x');
});

t.test('reads multi-digit versions', async (t) => {
  const msg = parseSyslog('<13>12 - h a p m - x', opts);
  t.equal(msg.format, 'rfc5424');
  t.equal(msg.version, 12);
});
