import t, { type Test } from 'tap';
import { createServer, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { freePort } from './ports.js';
import { startRsyslogForwarder } from './rsyslog.js';
import { requireService } from './services.js';
import { waitFor } from './wait.js';

/** A TCP listener that splits RFC 6587 octet-counted frames and checks each length prefix. */
function octetCountedListener(port: number): Promise<{ frames: string[]; close(): Promise<void> }> {
  const frames: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const space = pending.indexOf(0x20);
        if (space < 0) return;
        const length = Number(pending.subarray(0, space).toString('ascii'));
        if (!Number.isInteger(length) || length <= 0) throw new Error(`bad frame prefix: ${pending.subarray(0, space).toString()}`);
        if (pending.length < space + 1 + length) return;
        frames.push(pending.subarray(space + 1, space + 1 + length).toString('utf8'));
        pending = pending.subarray(space + 1 + length);
      }
    });
  });
  // close() also drops rsyslog's open connection, which would otherwise keep the server open.
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ frames, close })));
}

/** An rsyslog forwarding over TCP to a fresh octet-counted listener; both torn down with `t`. */
async function tcpForwarderWithListener(t: Test) {
  const targetPort = await freePort('tcp');
  const listener = await octetCountedListener(targetPort);
  t.teardown(() => listener.close());
  const forwarder = await requireService(t, 'rsyslogd', () => startRsyslogForwarder({ target: { port: targetPort }, protocol: 'tcp' }));
  if (!forwarder) return undefined;
  t.teardown(() => forwarder.stop());
  return { forwarder, frames: listener.frames };
}

t.test('forwards logger messages over TCP as octet-counted RFC 5424 frames', async (t) => {
  const setup = await tcpForwarderWithListener(t);
  if (!setup) return;
  const { forwarder, frames } = setup;

  await forwarder.send('Failed password for root from 198.51.100.7 port 50522 ssh2', { tag: 'sshd', priority: 'auth.warning' });
  await waitFor('one forwarded frame', async () => frames.length >= 1, { timeoutMs: 10_000 });
  const frame = frames[0] ?? '';
  // auth(4) * 8 + warning(4) = 36; version 1; the template ends the frame with LF, counted in the length.
  t.match(frame, /^<36>1 \d{4}-\d\d-\d\dT[\d:.]+[+-]\d\d:\d\d \S+ sshd - - /, 'RFC 5424 header');
  t.match(frame, /Failed password for root from 198\.51\.100\.7 port 50522 ssh2\n$/, 'message body, LF counted in the frame');
});

t.test('forwards raw lines over TCP unchanged apart from the re-rendered header', async (t) => {
  const setup = await tcpForwarderWithListener(t);
  if (!setup) return;
  const { forwarder, frames } = setup;

  await forwarder.sendRaw([
    '<134>1 2026-11-22T10:00:00.000Z web01 nginx 811 - - GET /index.html 200',
    '<134>1 2026-11-22T10:00:01.000Z web01 nginx 811 - - GET /admin 403',
  ]);
  await waitFor('two forwarded frames', async () => frames.length >= 2, { timeoutMs: 10_000 });
  t.match(frames[0], /^<134>1 2026-11-22T10:00:00(\.0+)?(Z|\+00:00) web01 nginx 811 - - GET \/index\.html 200\n$/);
  t.match(frames[1], /GET \/admin 403\n$/);
});

t.test('forwards over UDP in RFC 3164 format, one message per datagram', async (t) => {
  const targetPort = await freePort('udp');
  const datagrams: string[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (message) => datagrams.push(message.toString('utf8')));
  await new Promise<void>((resolve) => socket.bind(targetPort, '127.0.0.1', () => resolve()));
  t.teardown(() => socket.close());
  const forwarder = await requireService(t, 'rsyslogd', () =>
    startRsyslogForwarder({ target: { port: targetPort }, protocol: 'udp', format: 'rfc3164-traditional' }),
  );
  if (!forwarder) return;
  t.teardown(() => forwarder.stop());

  await forwarder.send('session opened for user alice', { tag: 'sudo', priority: 'authpriv.info' });
  await waitFor('one datagram', async () => datagrams.length >= 1, { timeoutMs: 10_000 });
  // authpriv(10) * 8 + info(6) = 86; traditional BSD timestamp, hostname, TAG: MSG
  t.match(datagrams[0], /^<86>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ sudo:? ?session opened for user alice$/);
});

t.test('keeps messages queued while the TCP target is down and delivers them when it comes up', async (t) => {
  const targetPort = await freePort('tcp');
  const forwarder = await requireService(t, 'rsyslogd', () => startRsyslogForwarder({ target: { port: targetPort }, protocol: 'tcp' }));
  if (!forwarder) return;
  t.teardown(() => forwarder.stop());

  await forwarder.send('sent while the collector is down');
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const listener = await octetCountedListener(targetPort);
  const frames = listener.frames;
  t.teardown(() => listener.close());
  await waitFor('the queued frame', async () => frames.length >= 1, { timeoutMs: 20_000 });
  t.match(frames[0], /sent while the collector is down\n$/);
});
