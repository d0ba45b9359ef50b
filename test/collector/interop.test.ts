/**
 * Real senders from Debian against a running `siemad serve`: util-linux `logger` over UDP and
 * TCP, with and without octet counting, RFC 3164 and RFC 5424, IPv4 and IPv6; and rsyslog
 * forwarding with omfwd (TCP octet-counted RFC 5424, UDP RFC 3164). Every message must arrive
 * exactly once with the right fields.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { startRsyslogForwarder } from '../helpers/rsyslog.js';
import { requireBinary, requireService } from '../helpers/services.js';
import { startServe, type ServeHandle } from '../helpers/siemad.js';

const run = promisify(execFile);

t.test('util-linux logger: every transport, framing, format and IP family', async (t) => {
  const logger = await requireService(t, 'logger', async () => requireBinary('logger'));
  if (logger === undefined) return;
  const serve = await startServe(['--bind', '127.0.0.1,::1', '--scoring', 'false']);
  t.teardown(() => serve.stop());
  const cases: { name: string; host: string; args: string[]; format: 'rfc3164' | 'rfc5424' }[] = [];
  for (const host of ['127.0.0.1', '::1']) {
    for (const format of ['rfc3164', 'rfc5424'] as const) {
      cases.push({ name: `udp ${format} ${host}`, host, args: ['--udp'], format });
      cases.push({ name: `udp octet-count ${format} ${host}`, host, args: ['--udp', '--octet-count'], format });
      cases.push({ name: `tcp ${format} ${host}`, host, args: ['--tcp'], format });
      cases.push({ name: `tcp octet-count ${format} ${host}`, host, args: ['--tcp', '--octet-count'], format });
    }
  }
  const sent = new Map<string, (typeof cases)[number]>();
  for (const [i, c] of cases.entries()) {
    const transport = c.args.includes('--udp') ? 'udp' : 'tcp';
    const marker = `interop-logger-${i}`;
    // A real sshd line as the message body, so decoding is exercised end to end.
    const body = `Failed password for invalid user ${marker} from 2001:db8::${i + 1} port ${40000 + i} ssh2`;
    await run(logger, [
      `--${c.format}`,
      ...c.args,
      '--server',
      c.host,
      '--port',
      String(serve.port(transport, c.host)),
      '-t',
      'sshd',
      body,
    ]);
    sent.set(marker, c);
  }
  const events = await serve.waitForEvents(cases.length);
  await new Promise((r) => setTimeout(r, 500));
  const all = await serve.events();
  t.equal(all.length, cases.length, 'no duplicates');
  for (const [marker, c] of sent) {
    const matches = all.filter((e) => e.user?.name === marker);
    t.equal(matches.length, 1, `${c.name}: arrived exactly once`);
    const event = matches[0];
    if (event === undefined) continue;
    t.equal(event.event.action, 'ssh-login', `${c.name}: decoded`);
    t.equal(event.event.outcome, 'failure');
    t.equal(event.log.syslog.appname, 'sshd', `${c.name}: tag`);
    t.match(event.source.ip, /^2001:db8::/, `${c.name}: IPv6 source from the body`);
    t.match(event.log.source.address, c.host === '::1' ? /^\[::1\]:\d+$/ : /^127\.0\.0\.1:\d+$/, `${c.name}: sender`);
    t.equal(event.log.syslog.version, c.format === 'rfc5424' ? '1' : undefined, `${c.name}: header format`);
    t.notOk(event.tags?.includes('_syslog_parse_failure'), `${c.name}: parsed`);
  }
  t.ok(events.length >= cases.length);
});

async function rsyslogCase(
  t: Test,
  serve: ServeHandle,
  protocol: 'tcp' | 'udp',
  format: 'rfc5424' | 'rfc3164',
  count: number,
): Promise<void> {
  const forwarder = await requireService(t, 'rsyslog', () =>
    startRsyslogForwarder({ target: { host: '127.0.0.1', port: serve.port(protocol) }, protocol, format }),
  );
  if (forwarder === undefined) return;
  t.teardown(() => forwarder.stop());
  const before = (await serve.events()).length;
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(
      `<86>Nov 22 10:00:${String(i % 60).padStart(2, '0')} web-01 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/echo rsyslog-${protocol}-${i}`,
    );
  }
  await forwarder.sendRaw(lines);
  const events = (await serve.waitForEvents(before + count, 30_000)).slice(before);
  await new Promise((r) => setTimeout(r, 500));
  t.equal((await serve.events()).length - before, count, `${protocol}/${format}: no duplicates`);
  const commands = new Set(events.map((e) => e.process?.command_line));
  for (let i = 0; i < count; i++) t.ok(commands.has(`/bin/echo rsyslog-${protocol}-${i}`), `message ${i} arrived`);
  const first = events[0]!;
  t.equal(first.log.syslog.appname, 'sudo');
  t.equal(first.host.hostname, 'web-01');
  t.equal(first.event.action, 'sudo-command');
  t.equal(first.user.name, 'alice');
  t.equal(first.log.syslog.facility.name, 'authpriv');
  t.equal(first.log.syslog.version, format === 'rfc5424' ? '1' : undefined);
}

t.test('rsyslog omfwd over TCP with octet-counted RFC 5424', async (t) => {
  const serve = await startServe(['--scoring', 'false']);
  t.teardown(() => serve.stop());
  await rsyslogCase(t, serve, 'tcp', 'rfc5424', 200);
});

t.test('rsyslog omfwd over UDP with RFC 3164', async (t) => {
  const serve = await startServe(['--scoring', 'false']);
  t.teardown(() => serve.stop());
  await rsyslogCase(t, serve, 'udp', 'rfc3164', 50);
});
