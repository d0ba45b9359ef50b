/**
 * Messages as real senders put them on the wire: util-linux `logger` straight to a UDP socket, and
 * rsyslogd relaying in its three forwarding formats. Peers come from test/helpers; without them
 * the tests skip (fail under CI=true).
 */
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { hostname } from 'node:os';
import t from 'tap';
import type { ParseOptions, SyslogMessage } from '../../../collector/syslog/message.js';
import { parseSyslog } from '../../../collector/syslog/parse.js';
import { priorityParts } from '../../../collector/syslog/priority.js';
import { freePort } from '../../helpers/ports.js';
import { startRsyslogForwarder, type ForwardFormat } from '../../helpers/rsyslog.js';
import { requireBinary, requireService } from '../../helpers/services.js';
import { waitFor } from '../../helpers/wait.js';

const opts = (): ParseOptions => ({ timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, now: Date.now() });

async function udpReceiver(): Promise<{ port: number; datagrams: string[]; close(): Promise<void> }> {
  const port = await freePort('udp');
  const datagrams: string[] = [];
  const socket: Socket = createSocket('udp4');
  socket.on('message', (datagram) => datagrams.push(datagram.toString('utf8')));
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', () => resolve()));
  return { port, datagrams, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

function runLogger(binary: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`logger exited ${code}: ${stderr}`))));
  });
}

/** The parse was not off by more than a minute from the time it was sent (BSD timestamps have seconds). */
function isRecent(msg: SyslogMessage, sentAt: number): boolean {
  return msg.timestamp !== undefined && Math.abs(msg.timestamp - sentAt) < 60_000;
}

t.test('parses what logger sends as RFC 5424, structured data included', async (t) => {
  const logger = await requireService(t, 'logger', async () => requireBinary('logger', 'install bsdutils'));
  if (!logger) return;
  const receiver = await udpReceiver();
  t.teardown(() => receiver.close());
  const sentAt = Date.now();
  await runLogger(logger, [
    '--server',
    '127.0.0.1',
    '--port',
    String(receiver.port),
    '--udp',
    '--rfc5424',
    '-t',
    'myapp',
    '--id=4242',
    '-p',
    'local3.err',
    '--msgid',
    'ID47',
    '--sd-id',
    'zoo@32473',
    '--sd-param',
    'tiger="hungry \\"very\\""',
    '--sd-param',
    'tiger="again"',
    '--',
    'Failed password for root from 198.51.100.7 port 50522 ssh2',
  ]);
  await waitFor('a datagram from logger', async () => receiver.datagrams.length >= 1, { timeoutMs: 10_000 });
  const msg = parseSyslog(receiver.datagrams[0] ?? '', opts());
  t.equal(msg.format, 'rfc5424', JSON.stringify(receiver.datagrams[0]));
  t.equal(msg.priority, 19 * 8 + 3);
  t.equal(priorityParts(msg.priority ?? -1)?.facilityName, 'local3');
  t.equal(msg.version, 1);
  t.ok(isRecent(msg, sentAt), 'timestamp with microseconds and offset read as the send time');
  t.equal(msg.hostname, hostname());
  t.strictSame([msg.appName, msg.procId, msg.msgId], ['myapp', '4242', 'ID47']);
  t.strictSame(msg.structuredData?.['zoo@32473']?.tiger, ['hungry "very"', 'again']);
  t.ok(msg.structuredData?.timeQuality, 'logger adds timeQuality');
  t.equal(msg.message, 'Failed password for root from 198.51.100.7 port 50522 ssh2');
});

t.test('parses what logger sends as RFC 3164', async (t) => {
  const logger = await requireService(t, 'logger', async () => requireBinary('logger', 'install bsdutils'));
  if (!logger) return;
  const receiver = await udpReceiver();
  t.teardown(() => receiver.close());
  const sentAt = Date.now();
  await runLogger(logger, [
    '--server',
    '127.0.0.1',
    '--port',
    String(receiver.port),
    '--udp',
    '--rfc3164',
    '-t',
    'sshd',
    '--id=24200',
    '-p',
    'authpriv.info',
    '--',
    'Invalid user webmaster from 173.234.31.186',
  ]);
  await waitFor('a datagram from logger', async () => receiver.datagrams.length >= 1, { timeoutMs: 10_000 });
  const msg = parseSyslog(receiver.datagrams[0] ?? '', opts());
  t.equal(msg.format, 'rfc3164', JSON.stringify(receiver.datagrams[0]));
  t.equal(msg.priority, 10 * 8 + 6);
  t.ok(isRecent(msg, sentAt), 'local time in the machine zone, year inferred');
  t.equal(msg.yearInferred, true);
  t.equal(msg.hostname, hostname());
  t.strictSame([msg.appName, msg.procId, msg.message], ['sshd', '24200', 'Invalid user webmaster from 173.234.31.186']);
});

// rsyslog renders MSG of a BSD message with the SP that followed the tag, so its RFC 5424 output
// carries two spaces after STRUCTURED-DATA; the parser drops that padding, so every format gives
// the same message.
const rsyslogFormats: Array<[ForwardFormat, string, string]> = [
  ['rfc5424', 'rfc5424', 'session opened for user root by (uid=0)'],
  ['rfc3164', 'rfc3164', 'session opened for user root by (uid=0)'],
  ['rfc3164-traditional', 'rfc3164', 'session opened for user root by (uid=0)'],
];
for (const [forwardFormat, expectedFormat, expectedMessage] of rsyslogFormats) {
  t.test(`parses what rsyslogd relays in its ${forwardFormat} forwarding format`, async (t) => {
    const receiver = await udpReceiver();
    t.teardown(() => receiver.close());
    const forwarder = await requireService(t, 'rsyslogd', () =>
      startRsyslogForwarder({ target: { port: receiver.port }, protocol: 'udp', format: forwardFormat }),
    );
    if (!forwarder) return;
    t.teardown(() => forwarder.stop());
    const sentAt = Date.now();
    // As a local program hands a line to the daemon: BSD tag with PID and colon.
    await forwarder.sendRaw([`<78>${new Date(sentAt).toISOString()} web01 CRON[123]: session opened for user root by (uid=0)`]);
    await waitFor('a relayed datagram', async () => receiver.datagrams.length >= 1, { timeoutMs: 10_000 });
    const msg = parseSyslog(receiver.datagrams[0] ?? '', opts());
    t.equal(msg.format, expectedFormat, JSON.stringify(receiver.datagrams[0]));
    t.equal(msg.priority, 9 * 8 + 6);
    t.ok(isRecent(msg, sentAt), 'timestamp read as the send time');
    t.strictSame([msg.hostname, msg.appName, msg.procId, msg.message], ['web01', 'CRON', '123', expectedMessage]);
    if (forwardFormat === 'rfc5424')
      t.match(receiver.datagrams[0], / - - {2}session opened/, 'rsyslog padded MSG with the SP after the tag');
  });
}

t.test('keeps a tag without colon in the content, as RFC 3164 says (rsyslog writes one when relaying RFC 5424 input as BSD)', async (t) => {
  const receiver = await udpReceiver();
  t.teardown(() => receiver.close());
  const forwarder = await requireService(t, 'rsyslogd', () =>
    startRsyslogForwarder({ target: { port: receiver.port }, protocol: 'udp', format: 'rfc3164-traditional' }),
  );
  if (!forwarder) return;
  t.teardown(() => forwarder.stop());
  // forwarder.send uses logger, whose network format is RFC 5424; rsyslog then writes `host CRON msg`.
  await forwarder.send('session opened for user root by (uid=0)', { tag: 'CRON', priority: 'cron.info' });
  await waitFor('a relayed datagram', async () => receiver.datagrams.length >= 1, { timeoutMs: 10_000 });
  const msg = parseSyslog(receiver.datagrams[0] ?? '', opts());
  t.equal(msg.format, 'rfc3164', JSON.stringify(receiver.datagrams[0]));
  t.equal(msg.appName, undefined);
  t.equal(msg.message, 'CRON session opened for user root by (uid=0)');
});
