import t from 'tap';
import { datagramText, StreamFramer } from '../../collector/framing.js';

interface Frame {
  text: string;
  truncated: boolean;
  size: number;
}

function framer(maxMessageBytes = 64, octetCounting = true): { frames: Frame[]; framer: StreamFramer; errors: () => number } {
  const frames: Frame[] = [];
  let errors = 0;
  const f = new StreamFramer((text, truncated, size) => frames.push({ text, truncated, size }), {
    maxMessageBytes,
    octetCounting,
    onFramingError: () => errors++,
  });
  return { frames, framer: f, errors: () => errors };
}

t.test('reads octet-counted and LF-terminated frames mixed on one stream', async (t) => {
  const { frames, framer: f } = framer();
  f.push(Buffer.from('11 <13>hello A<13>line B\n12 <13>hello CC\n<13>line D\r\n'));
  f.end();
  t.same(
    frames.map((x) => x.text),
    ['<13>hello A', '<13>line B', '<13>hello CC', '<13>line D'],
  );
});

t.test('counts the trailing LF rsyslog puts inside an octet-counted frame and drops it from the text', async (t) => {
  const { frames, framer: f } = framer();
  f.push(Buffer.from('6 <13>x\n6 <13>y\n'));
  t.same(
    frames.map((x) => x.text),
    ['<13>x', '<13>y'],
  );
  t.same(
    frames.map((x) => x.size),
    [6, 6],
  );
});

t.test('reassembles frames split at every byte boundary', async (t) => {
  const first = '<13>héllo wörld';
  const input = Buffer.from(`${Buffer.byteLength(first)} ${first}<14>plain line\n7 <15>abc`);
  const expected = ['<13>héllo wörld', '<14>plain line', '<15>abc'];
  for (let step = 1; step <= input.length; step++) {
    const { frames, framer: f } = framer();
    for (let i = 0; i < input.length; i += step) f.push(input.subarray(i, i + step));
    f.end();
    t.same(
      frames.map((x) => x.text),
      expected,
      `chunks of ${step} bytes`,
    );
  }
});

t.test('truncates an octet-counted frame over the limit and keeps the stream in sync', async (t) => {
  const { frames, framer: f } = framer(10);
  const big = 'x'.repeat(25);
  f.push(Buffer.from(`25 ${big}5 <13>a`));
  t.equal(frames.length, 2);
  t.same(frames[0], { text: 'x'.repeat(10), truncated: true, size: 25 });
  t.same(frames[1], { text: '<13>a', truncated: false, size: 5 });
});

t.test('truncates an LF frame over the limit and resumes at the next LF', async (t) => {
  const { frames, framer: f } = framer(10);
  f.push(Buffer.from('y'.repeat(7)));
  f.push(Buffer.from('y'.repeat(30) + '\n<13>next\n'));
  t.same(frames[0], { text: 'y'.repeat(10), truncated: true, size: 37 });
  t.same(frames[1], { text: '<13>next', truncated: false, size: 8 });
});

t.test('treats an implausible length prefix as an LF-terminated frame and counts a framing error', async (t) => {
  const { frames, framer: f, errors } = framer(64);
  f.push(Buffer.from('999999999 <13>swallow me\n<13>after\n'));
  t.same(
    frames.map((x) => x.text),
    ['999999999 <13>swallow me', '<13>after'],
  );
  t.equal(errors(), 1);
  const second = framer(64);
  second.framer.push(Buffer.from('12345678901234 <13>too many digits\n<13>ok\n'));
  t.same(
    second.frames.map((x) => x.text),
    ['12345678901234 <13>too many digits', '<13>ok'],
  );
  t.equal(second.errors(), 1);
});

t.test(
  'a well-formed frame longer than the plausibility bound is honoured: truncated, the excess discarded, the stream in sync',
  async (t) => {
    const { frames, framer: f, errors } = framer(64);
    const body = '<13>' + 'x'.repeat(1_048_576 + 100);
    const input = Buffer.from(`${body.length} ${body}9 <14>after`);
    for (let i = 0; i < input.length; i += 65_536) f.push(input.subarray(i, i + 65_536));
    t.equal(frames.length, 2);
    t.same(frames[0], { text: body.slice(0, 64), truncated: true, size: body.length });
    t.same(frames[1], { text: '<14>after', truncated: false, size: 9 });
    t.equal(errors(), 0, 'not a framing error');
    const garbage = framer(64);
    garbage.framer.push(Buffer.from('2000000 not syslog\n<13>next\n'));
    t.same(
      garbage.frames.map((x) => x.text),
      ['2000000 not syslog', '<13>next'],
      'a large count without <PRI> is no octet count',
    );
    t.equal(garbage.errors(), 1);
  },
);

t.test('a line starting with digits but no space is LF framed (rsyslog high-precision lines)', async (t) => {
  const { frames, framer: f } = framer();
  f.push(Buffer.from('2026-11-22T10:00:00Z host app: x\n'));
  t.same(
    frames.map((x) => x.text),
    ['2026-11-22T10:00:00Z host app: x'],
  );
});

t.test('line mode keeps empty lines, strips CR, emits a last unterminated line', async (t) => {
  const { frames, framer: f } = framer(64, false);
  f.push(Buffer.from('a\r\n\r\n\nb\nc'));
  f.end();
  t.same(
    frames.map((x) => x.text),
    ['a', '', '', 'b', 'c'],
  );
});

t.test('end() emits a partial octet frame as truncated', async (t) => {
  const { frames, framer: f } = framer();
  f.push(Buffer.from('20 <13>cut'));
  f.end();
  t.same(frames, [{ text: '<13>cut', truncated: true, size: 7 }]);
});

t.test('memory stays bounded by the limit whatever arrives', async (t) => {
  const { frames, framer: f } = framer(1024);
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  for (let i = 0; i < 200; i++) {
    f.push(chunk);
    t.ok(f.pendingBytes <= 1024);
  }
  f.push(Buffer.from('\n'));
  t.equal(frames.length, 1);
  t.equal(frames[0]!.truncated, true);
  t.equal(frames[0]!.size, 200 * 64 * 1024);
});

t.test('datagrams: strips an octet-count prefix only when it matches the datagram length', async (t) => {
  t.same(datagramText(Buffer.from('9 <13>hello'), 100), { text: '<13>hello', truncated: false });
  t.same(datagramText(Buffer.from('8 <13>hello'), 100), { text: '8 <13>hello', truncated: false });
  t.same(datagramText(Buffer.from('<13>hello\n'), 100), { text: '<13>hello', truncated: false });
  t.same(datagramText(Buffer.from('<13>hello world'), 5), { text: '<13>h', truncated: true });
});
