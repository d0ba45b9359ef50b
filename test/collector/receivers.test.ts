import dgram from 'node:dgram';
import net from 'node:net';
import { pino } from 'pino';
import t from 'tap';
import type { RawMessage } from '../../collector/raw-message.js';
import { AllowList } from '../../collector/receivers/allow-list.js';
import type { ReceiverContext } from '../../collector/receivers/receiver.js';
import { StreamReceiver } from '../../collector/receivers/stream.js';
import { UdpReceiver } from '../../collector/receivers/udp.js';
import { SenderRateLimiter } from '../../collector/receivers/sender-rate.js';
import { PipelineMetrics } from '../../pipeline/metrics.js';
import { BoundedQueue } from '../../collector/queue.js';
import { seededRandom } from '../helpers/seeded-random.js';

type TestContext = ReceiverContext & { metrics: PipelineMetrics };

function context(capacity = 10_000, allow: string[] = [], maxMessageBytes = 1024): TestContext {
  return {
    queue: new BoundedQueue<RawMessage>(capacity, 64 * 1024 * 1024),
    metrics: new PipelineMetrics(undefined, { defaultMetrics: false }),
    logger: pino({ level: 'silent' }),
    allowList: new AllowList(allow),
    maxMessageBytes,
    senderRate: new SenderRateLimiter({ rate: 0, burst: 0 }),
  };
}

async function tcpReceiver(ctx: ReceiverContext, idleTimeoutMs = 0, maxConnections = 100): Promise<[StreamReceiver, number]> {
  const receiver = new StreamReceiver(
    { transport: 'tcp', host: '127.0.0.1', port: 0, ipv6Only: false, maxConnections, idleTimeoutMs, setting: '--tcp-port' },
    ctx,
  );
  return [receiver, await receiver.listen()];
}

/** Takes what is queued, as the pipeline does, and reports it written (connections read on). */
function drain(ctx: ReceiverContext): RawMessage[] {
  const out: RawMessage[] = [];
  const all: RawMessage[] = [];
  while (ctx.queue.drainInto(out, 1000) > 0) all.push(...out);
  for (const message of all) message.onWritten?.();
  return all;
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function metric(ctx: TestContext, name: string): Promise<number> {
  const json = await ctx.metrics.registry.getMetricsAsJSON();
  const found = json.find((m) => m.name === name);
  return (found?.values ?? []).reduce((sum, v) => sum + Number(v.value), 0);
}

t.test('pauses a TCP sender while the queue is full and loses nothing', async (t) => {
  const ctx = context(100);
  const [receiver, port] = await tcpReceiver(ctx);
  t.teardown(() => receiver.close());
  const socket = await connect(port);
  const total = 20_000;
  let text = '';
  for (let i = 0; i < total; i++) text += `<13>message number ${i} with some padding to make it longer\n`;
  socket.write(text);
  // Nobody drains: the queue overshoots by at most what was read before pausing.
  await new Promise((r) => setTimeout(r, 300));
  const held = ctx.queue.length;
  t.ok(held >= 100 && held < total, `queue paused the socket at ${held} messages`);
  const received: RawMessage[] = [];
  await until(() => {
    received.push(...drain(ctx));
    return received.length >= total;
  });
  socket.end();
  t.equal(received.length, total);
  t.same(
    received.slice(0, 3).map((m) => m.text),
    [
      '<13>message number 0 with some padding to make it longer',
      '<13>message number 1 with some padding to make it longer',
      '<13>message number 2 with some padding to make it longer',
    ],
  );
  t.ok(
    received.every((m, i) => m.seq === i),
    'in order, numbered per connection',
  );
});

t.test('reads no more of a connection until what it read is written', async (t) => {
  const ctx = context();
  const [receiver, port] = await tcpReceiver(ctx);
  t.teardown(() => receiver.close());
  const socket = await connect(port);
  socket.write('<13>first\n');
  await until(() => ctx.queue.length === 1);
  socket.write('<13>second\n');
  await new Promise((r) => setTimeout(r, 200));
  t.equal(ctx.queue.length, 1, 'the second chunk waits in the socket');
  const out: RawMessage[] = [];
  ctx.queue.drainInto(out, 10);
  t.equal(out[0]!.text, '<13>first');
  t.type(out[0]!.onWritten, 'function');
  out[0]!.onWritten!();
  await until(() => ctx.queue.length === 1);
  ctx.queue.drainInto(out, 10);
  t.equal(out[0]!.text, '<13>second', 'read once the first was written');
  out[0]!.onWritten?.();
  socket.end();
});

t.test('drops UDP datagrams that find the queue full, and counts them', async (t) => {
  const ctx = context(10);
  const receiver = new UdpReceiver({ host: '127.0.0.1', port: 0, ipv6Only: false, setting: '--udp-port' }, ctx);
  const port = await receiver.listen();
  t.teardown(() => receiver.close());
  const client = dgram.createSocket('udp4');
  t.teardown(() => client.close());
  for (let i = 0; i < 50; i++) await new Promise((r) => client.send(`<13>datagram ${i}`, port, '127.0.0.1', r));
  await until(() => ctx.queue.length === 10);
  await new Promise((r) => setTimeout(r, 100));
  t.equal(ctx.queue.length, 10);
  t.equal(await metric(ctx, 'siemad_dropped_total'), 40);
  t.equal(await metric(ctx, 'siemad_messages_received_total'), 50);
});

t.test('refuses senders outside the allow-list', async (t) => {
  const ctx = context(100, ['10.0.0.0/8', '2001:db8::/32']);
  const [receiver, port] = await tcpReceiver(ctx);
  t.teardown(() => receiver.close());
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write('<13>not allowed\n');
  await new Promise((r) => socket.once('close', r));
  t.equal(ctx.queue.length, 0);
  t.equal(await metric(ctx, 'siemad_connections_rejected_total'), 1);
  t.ok(new AllowList(['127.0.0.0/8']).allows('::ffff:127.0.0.1'), 'IPv4-mapped IPv6 peers match IPv4 networks');
  t.throws(() => new AllowList(['10.0.0.0/33']));
});

t.test('enforces the connection limit', async (t) => {
  const ctx = context();
  const [receiver, port] = await tcpReceiver(ctx, 0, 2);
  t.teardown(() => receiver.close());
  const a = await connect(port);
  const b = await connect(port);
  const c = net.connect(port, '127.0.0.1');
  c.on('error', () => undefined);
  await new Promise((r) => c.once('close', r));
  t.equal(await metric(ctx, 'siemad_connections_rejected_total'), 1);
  a.destroy();
  b.destroy();
});

t.test('closes idle connections after the timeout', async (t) => {
  const ctx = context();
  const [receiver, port] = await tcpReceiver(ctx, 200);
  t.teardown(() => receiver.close());
  const socket = await connect(port);
  const closed = new Promise((r) => socket.once('close', r));
  const started = Date.now();
  await closed;
  t.ok(Date.now() - started >= 150, 'idle connection closed after the timeout');
});

t.test('garbage, huge length prefixes, truncated frames and slow writers: no exception, framing recovers, memory bounded', async (t) => {
  const ctx = context(100_000, [], 1024);
  const [receiver, port] = await tcpReceiver(ctx, 5000);
  t.teardown(() => receiver.close());
  // A pipeline stand-in: takes what is queued and reports it written, so connections read on.
  const messages: RawMessage[] = [];
  const pipeline = setInterval(() => messages.push(...drain(ctx)), 5);
  t.teardown(() => clearInterval(pipeline));
  const random = seededRandom(7);
  const attacks: Buffer[] = [
    Buffer.from('999999999 <13>claims a gigabyte\n'),
    Buffer.from('4294967296000 <13>more digits than any length\n'),
    Buffer.from('50 <13>cut short'),
    Buffer.from('\x00\x00\x00\xff\xfe garbage\n'),
    Buffer.alloc(200_000, 0x41),
    Buffer.from('1'.repeat(5000)),
    Buffer.from(Array.from({ length: 100_000 }, () => Math.floor(random() * 256))),
    Buffer.from('3000 ' + 'x'.repeat(3000)),
  ];
  for (const [i, attack] of attacks.entries()) {
    const socket = await connect(port);
    socket.write(attack);
    // The stream resynchronises: after LF and a fresh octet-counted frame, a marker must arrive.
    const marker = `<13>marker-${i}`;
    socket.end(`\n${Buffer.byteLength(marker)} ${marker}`);
    await new Promise((r) => socket.once('close', r));
  }
  // A slow writer sends a frame byte by byte.
  const slow = await connect(port);
  const slowMessage = Buffer.from('<13>slow writer done\n');
  for (const byte of slowMessage) {
    slow.write(Buffer.from([byte]));
    await new Promise((r) => setTimeout(r, 5));
  }
  slow.end();
  await new Promise((r) => slow.once('close', r));
  messages.push(...drain(ctx));
  for (let i = 0; i < attacks.length; i++) {
    if (i === 2) continue; // a frame cut short swallows the bytes it declared: that is the framing
    t.ok(
      messages.some((m) => m.text === `<13>marker-${i}`),
      `marker after attack ${i} arrived`,
    );
  }
  t.ok(
    messages.some((m) => m.text === '<13>slow writer done'),
    'slow writer',
  );
  t.ok(
    messages.every((m) => m.text.length <= 1024),
    'no message keeps more than the limit (bytes in, UTF-16 units out)',
  );
  t.ok(
    messages.some((m) => m.truncated),
    'over-long frames were truncated and tagged',
  );
  t.ok((await metric(ctx, 'siemad_framing_errors_total')) >= 2, 'implausible length prefixes counted');
  t.ok((await metric(ctx, 'siemad_frames_truncated_total')) >= 1);
});
