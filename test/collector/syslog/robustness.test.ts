/**
 * Random and mutated messages through parseSyslog: it must never throw, never hit its internal
 * safety net, and always return a well-formed SyslogMessage. Seeded, so a failure reproduces; the
 * seed and input of the first failures are printed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { ParseOptions, SyslogMessage } from '../../../collector/syslog/message.js';
import { INTERNAL_PARSE_ERROR, parseSyslog } from '../../../collector/syslog/parse.js';
import { MAX_SD_ELEMENTS, MAX_SD_PARAMS } from '../../../collector/syslog/structured-data.js';
import { seededRandom } from '../../helpers/seeded-random.js';
import { CORPUS_DIR } from '../../helpers/corpus.js';

const SEED = Number(process.env.SYSLOG_FUZZ_SEED ?? 424242);
const MESSAGES = 120_000;
const MAX_INPUT = 64 * 1024;
const corpusDir = CORPUS_DIR;
const optionsPool: ParseOptions[] = [
  { timeZone: 'UTC', now: Date.UTC(2026, 10, 22, 12) },
  { timeZone: 'Europe/Berlin', now: Date.UTC(2027, 0, 1, 0, 30) },
  { timeZone: 'Australia/Adelaide', now: Date.UTC(2026, 9, 3, 16, 45) },
];

const SYNTAX = [
  '<',
  '>',
  '[',
  ']',
  '"',
  '\\',
  '=',
  ' ',
  '-',
  ':',
  '.',
  '@',
  '\0',
  '\t',
  '\r',
  '\n',
  '\uFEFF',
  'é',
  '\u00ff',
  '\u20ac',
  '\uD800',
  '\uDC00',
  '😀',
  'T',
  'Z',
  '+',
  '1',
  '9',
];
const TOKENS = [
  '<13>',
  '<13>1 ',
  '<191>',
  '<999>',
  '<0>',
  '1 ',
  '- ',
  '[x@1 a="',
  '"]',
  '\\"',
  '\\]',
  '\\\\',
  '[',
  ']',
  '][',
  'Oct 11 22:14:15 ',
  'Oct  1 02:03:04 ',
  'Feb 29 00:00:00 ',
  'Dec 31 2026 23:59:60.999 ',
  '2026-11-22T10:00:00.123456+01:00 ',
  '9999-12-31T23:59:60Z ',
  '0000-01-01T00:00:00-23:59 ',
  'host ',
  'sshd[',
  '[24200]: ',
  'su: ',
  '(pam_unix',
  ') ',
  '99999999999999999999999999',
  '-1',
  'NaN',
  '__proto__',
  'constructor',
  'prototype',
  '="',
  '"',
];

function baseMessages(): string[] {
  const bases = [
    "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8",
    '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]',
    '<13>1 - - - - - [__proto__ a="1" a="2"][constructor x="\\]\\"\\\\"] m',
    "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
    '<34>2026-11-22T10:00:00.123456+01:00 host app[12]: msg',
    '<113>Nov 14 2022 09:13:13 vFTD  %FTD-1-430003: EventPriority: Low',
  ];
  if (!existsSync(corpusDir)) return bases;
  for (const file of [
    'loghub/OpenSSH_2k.log',
    'loghub/Linux_2k.log',
    'loghub/Thunderbird_2k.log',
    'loghub/Apache_2k.log',
    'web/apache_combined_10k.log',
  ]) {
    const lines = readFileSync(join(corpusDir, file), 'utf8')
      .split('\n')
      .filter((line) => line.length > 0);
    for (let i = 0; i < lines.length; i += 7) {
      const line = lines[i] as string;
      bases.push(line);
      const parsed = parseSyslog(line, optionsPool[0] as ParseOptions);
      // An RFC 5424 rendering of the same message, every other one with structured data.
      const sd = i % 2 === 0 ? `[origin ip="192.0.2.${i % 255}"][meta sequenceId="${i}" x="a\\"b"]` : '-';
      bases.push(
        `<38>1 2026-11-22T10:14:15.${String(i).padStart(6, '0')}+01:00 ${parsed.hostname ?? '-'} ${parsed.appName ?? '-'} ${parsed.procId ?? '-'} ID${i} ${sd} ${parsed.message}`,
      );
    }
  }
  return bases;
}

function randomChar(next: () => number): string {
  const pick = next();
  if (pick < 0.5) return SYNTAX[Math.floor(next() * SYNTAX.length)] as string;
  if (pick < 0.8) return String.fromCharCode(32 + Math.floor(next() * 95));
  return String.fromCharCode(Math.floor(next() * 0x10000));
}

function mutate(input: string, next: () => number): string {
  let text = input;
  const operations = 1 + Math.floor(next() * 4);
  for (let op = 0; op < operations; op++) {
    const at = Math.floor(next() * (text.length + 1));
    switch (Math.floor(next() * 8)) {
      case 0: // replace one character
        text = text.slice(0, at) + randomChar(next) + text.slice(at + 1);
        break;
      case 1: // insert characters
        text = text.slice(0, at) + randomChar(next) + randomChar(next) + text.slice(at);
        break;
      case 2: // delete a range
        text = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 12));
        break;
      case 3: // truncate
        text = text.slice(0, at);
        break;
      case 4: // insert a syntax token
        text = text.slice(0, at) + (TOKENS[Math.floor(next() * TOKENS.length)] as string) + text.slice(at);
        break;
      case 5: // flip a bit of one character
        text = text.slice(0, at) + String.fromCharCode((text.charCodeAt(at) || 0) ^ (1 << Math.floor(next() * 16))) + text.slice(at + 1);
        break;
      case 6: // line endings
        text += ['\r\n', '\n', '\r', '\r\r\n'][Math.floor(next() * 4)];
        break;
      default: // repeat a piece
        text = text.slice(0, at) + text.slice(at, at + 1 + Math.floor(next() * 20)).repeat(1 + Math.floor(next() * 30)) + text.slice(at);
        break;
    }
  }
  return text.slice(0, MAX_INPUT);
}

function randomText(next: () => number): string {
  const length = Math.floor(next() * 200);
  let text = next() < 0.5 ? (TOKENS[Math.floor(next() * TOKENS.length)] as string) : '';
  while (text.length < length) text += next() < 0.2 ? (TOKENS[Math.floor(next() * TOKENS.length)] as string) : randomChar(next);
  return text;
}

function longText(base: string, next: () => number): string {
  const filler = ['x', ' ', '[', '\\', '"', 'a="b" ', '[e k="v"]', '\uFEFF', ':'][Math.floor(next() * 9)] as string;
  return (base + filler.repeat(Math.ceil(MAX_INPUT / filler.length))).slice(0, MAX_INPUT - Math.floor(next() * 100));
}

const KEYS = [
  'format',
  'priority',
  'version',
  'timestamp',
  'yearInferred',
  'hostname',
  'appName',
  'procId',
  'msgId',
  'structuredData',
  'structuredDataTruncated',
  'message',
  'parseError',
].sort();

function isOptionalString(value: unknown): boolean {
  return value === undefined || (typeof value === 'string' && value.length > 0);
}

function isPrintableAscii(value: string | undefined): boolean {
  if (value === undefined) return true;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 33 || code > 126) return false;
  }
  return true;
}

/** What is wrong with `msg` as the parse of `input`, or undefined when nothing is. */
function problemWith(msg: SyslogMessage, input: string): string | undefined {
  if (Object.getPrototypeOf(msg) !== Object.prototype) return 'not a plain object';
  if (Object.keys(msg).sort().join() !== KEYS.join()) return `keys ${Object.keys(msg).join()}`;
  if (!['rfc5424', 'rfc3164', 'plain', 'invalid'].includes(msg.format)) return `format ${String(msg.format)}`;
  if (typeof msg.message !== 'string') return 'message not a string';
  if (/[\r\n]$/.test(msg.message)) return 'message ends with CR/LF';
  let trimmed = input.replace(/[\r\n]+$/, '');
  if (trimmed.startsWith('\uFEFF')) trimmed = trimmed.slice(1);
  if (!trimmed.endsWith(msg.message)) return 'message is not the end of the input';
  if ((msg.format === 'plain' || msg.format === 'invalid') && msg.message !== trimmed) return 'message is not the whole input';
  if ((msg.format === 'invalid') !== (typeof msg.parseError === 'string' && msg.parseError.length > 0))
    return 'parseError does not match format';
  if (msg.parseError === INTERNAL_PARSE_ERROR) return 'internal parser error';
  if (msg.priority !== undefined && !(Number.isInteger(msg.priority) && msg.priority >= 0 && msg.priority <= 191))
    return `priority ${msg.priority}`;
  if (msg.version !== undefined && !(msg.format === 'rfc5424' && Number.isInteger(msg.version) && msg.version >= 1 && msg.version <= 999))
    return `version ${msg.version}`;
  if (msg.timestamp !== undefined && !Number.isFinite(msg.timestamp)) return `timestamp ${msg.timestamp}`;
  if (msg.yearInferred !== undefined && (typeof msg.yearInferred !== 'boolean' || msg.timestamp === undefined)) return 'yearInferred';
  for (const field of [msg.hostname, msg.appName, msg.procId, msg.msgId]) {
    if (!isOptionalString(field)) return 'empty header field';
    if (msg.format === 'rfc5424' && !isPrintableAscii(field)) return `header field not PRINTUSASCII: ${JSON.stringify(field)}`;
  }
  if (msg.hostname?.includes(' ') || msg.appName?.includes(' ') || msg.procId?.includes(' ')) return 'space in a header field';
  if (msg.format === 'invalid' || msg.format === 'plain') {
    if (msg.hostname !== undefined || msg.appName !== undefined || msg.timestamp !== undefined || msg.structuredData !== undefined)
      return 'fields on an unparsed message';
  }
  if (msg.structuredDataTruncated !== undefined && msg.structuredDataTruncated !== true) return 'structuredDataTruncated';
  const sd = msg.structuredData;
  if (sd !== undefined) {
    if (msg.format !== 'rfc5424' || Object.getPrototypeOf(sd) !== null) return 'structuredData object';
    const ids = Object.keys(sd);
    if (ids.length > MAX_SD_ELEMENTS) return 'too many SD elements';
    let params = 0;
    for (const id of ids) {
      const element = sd[id];
      if (id.length === 0 || element === undefined || Object.getPrototypeOf(element) !== null) return `SD element ${id}`;
      for (const [name, value] of Object.entries(element)) {
        if (name.length === 0) return 'empty PARAM-NAME';
        const values = Array.isArray(value) ? value : [value];
        if (Array.isArray(value) && value.length < 2) return 'array for a single value';
        if (!values.every((item) => typeof item === 'string')) return 'PARAM-VALUE not a string';
        params += values.length;
      }
    }
    if (params > MAX_SD_PARAMS) return 'too many SD params';
  }
  return undefined;
}

t.test(`parses ${MESSAGES} random and mutated messages into well-formed results (seed ${SEED})`, async (t) => {
  t.setTimeout(300_000);
  const next = seededRandom(SEED);
  const bases = baseMessages();
  const failures: string[] = [];
  const formats = new Map<string, number>();
  let longInputs = 0;
  for (let i = 0; i < MESSAGES && failures.length < 10; i++) {
    const base = bases[Math.floor(next() * bases.length)] as string;
    const kind = next();
    let input: string;
    if (i % 400 === 0) {
      input = longText(mutate(base, next), next);
      longInputs++;
    } else if (kind < 0.15) input = randomText(next);
    else if (kind < 0.2) input = base;
    else input = mutate(base, next);
    const opts = optionsPool[i % optionsPool.length] as ParseOptions;
    let msg: SyslogMessage;
    try {
      msg = parseSyslog(input, opts);
    } catch (error) {
      failures.push(`#${i} threw ${String(error)}: ${JSON.stringify(input.slice(0, 300))}`);
      continue;
    }
    const problem = problemWith(msg, input);
    if (problem !== undefined) failures.push(`#${i} ${problem}: ${JSON.stringify(input.slice(0, 300))}`);
    else if (i % 10 === 0 && JSON.stringify(parseSyslog(input, opts)) !== JSON.stringify(msg)) {
      failures.push(`#${i} a second parse differs: ${JSON.stringify(input.slice(0, 300))}`);
    }
    formats.set(msg.format, (formats.get(msg.format) ?? 0) + 1);
  }
  t.strictSame(failures, [], `seed ${SEED}`);
  t.ok(longInputs >= MESSAGES / 400, `${longInputs} inputs near 64 KiB`);
  // The mix must reach every branch, or the test proves little.
  for (const format of ['rfc5424', 'rfc3164', 'plain', 'invalid']) {
    t.ok((formats.get(format) ?? 0) > MESSAGES / 50, `${format}: ${formats.get(format) ?? 0}`);
  }
});

t.test('parses pathological 64 KiB inputs', async (t) => {
  t.setTimeout(60_000);
  const opts = optionsPool[0] as ParseOptions;
  const inputs = [
    '<13>1 - h a p m ' + '[a'.repeat(MAX_INPUT / 2),
    '<13>1 - h a p m [x' + ' a="1"'.repeat(MAX_INPUT / 6) + ']',
    '<13>1 - h a p m [x a="' + '\\'.repeat(MAX_INPUT) + '"]',
    '<13>1 - h a p m ' + '[e k="v"]'.repeat(MAX_INPUT / 9) + ' m',
    '<13>Oct 11 22:14:15 ' + 'a'.repeat(MAX_INPUT),
    '<13>Oct 11 22:14:15 h ' + '('.repeat(MAX_INPUT) + ':',
    '<13>Oct 11 22:14:15 h t[' + '1'.repeat(MAX_INPUT) + ']: x',
    '<' + '1'.repeat(MAX_INPUT),
    '- ' + '1'.repeat(MAX_INPUT),
    ' '.repeat(MAX_INPUT),
    '\r'.repeat(MAX_INPUT),
    '\uFEFF'.repeat(MAX_INPUT),
  ];
  for (const input of inputs) {
    const msg = parseSyslog(input, opts);
    t.equal(problemWith(msg, input), undefined, JSON.stringify(input.slice(0, 40)));
  }
});

t.test('the shape check catches malformed results', async (t) => {
  // Guards the guard: problemWith must reject what a broken parser could return.
  const good = parseSyslog('<13>Oct 11 22:14:15 host app: x', optionsPool[0] as ParseOptions);
  t.equal(problemWith(good, '<13>Oct 11 22:14:15 host app: x'), undefined);
  t.ok(problemWith({ ...good, message: 'x\r' }, '<13>Oct 11 22:14:15 host app: x\r'));
  t.ok(problemWith({ ...good, message: 'y' }, '<13>Oct 11 22:14:15 host app: x'));
  t.ok(problemWith({ ...good, priority: 192 }, '<13>Oct 11 22:14:15 host app: x'));
  t.ok(problemWith({ ...good, hostname: '' }, '<13>Oct 11 22:14:15 host app: x'));
  t.ok(problemWith({ ...good, format: 'invalid' }, '<13>Oct 11 22:14:15 host app: x'));
  t.ok(
    problemWith(
      {
        ...good,
        parseError: INTERNAL_PARSE_ERROR,
        format: 'invalid',
        message: '<13>Oct 11 22:14:15 host app: x',
        hostname: undefined,
        appName: undefined,
        timestamp: undefined,
        yearInferred: undefined,
      },
      '<13>Oct 11 22:14:15 host app: x',
    ),
  );
  const { parseError: _dropped, ...missingKey } = good;
  t.ok(problemWith(missingKey as SyslogMessage, '<13>Oct 11 22:14:15 host app: x'));
  t.ok(problemWith({ ...good, format: 'rfc5424', structuredData: { a: { b: 'c' } } }, '<13>Oct 11 22:14:15 host app: x'));
});
