/**
 * The main integration path end to end, decoded: local programs log to rsyslog's socket (imuxsock,
 * as through /dev/log, with `logger -u`), rsyslog forwards as README tells users to — the
 * recommended RFC 5424 rule over octet-counted TCP, and rsyslog's default RFC 3164 forwarding over
 * TCP and UDP — to a running `siemad serve`, and every event arrives decoded: action, outcome,
 * source, user, count, host and PID. rsyslog's own `message repeated N times` folding is on, as
 * Debian ships it, and is exercised.
 */
import t, { type Test } from 'tap';
import { startLocalRsyslogForwarder, type LocalForwarding, type LocalLogOptions } from '../helpers/rsyslog.js';
import { requireService } from '../helpers/services.js';
import { startServe } from '../helpers/siemad.js';

const HOST = 'src-host-1';
const SSHD = { tag: 'sshd', pid: 4242, priority: 'authpriv.info' } as const;
const SSHD_SESSION = { tag: 'sshd-session', pid: 4343, priority: 'authpriv.info' } as const;

interface Sent {
  body: string;
  log: LocalLogOptions;
  /** How many times in a row it is logged (rsyslog folds the repeats into one line). */
  times?: number;
  action: string;
  outcome?: 'success' | 'failure';
  ip?: string;
  user?: string;
  /** event.count the line itself states (PAM's `N more`). */
  count?: number;
}

const SENT: Sent[] = [
  {
    body: 'Failed password for root from 203.0.113.70 port 40022 ssh2',
    log: SSHD,
    times: 3,
    action: 'ssh-login',
    outcome: 'failure',
    ip: '203.0.113.70',
    user: 'root',
  },
  {
    body: 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.70  user=root',
    log: SSHD,
    action: 'pam-authentication-failure',
    outcome: 'failure',
    ip: '203.0.113.70',
    user: 'root',
  },
  {
    body: 'error: maximum authentication attempts exceeded for root from 203.0.113.70 port 40022 ssh2 [preauth]',
    log: SSHD,
    action: 'ssh-max-auth-attempts-exceeded',
    outcome: 'failure',
    ip: '203.0.113.70',
    user: 'root',
  },
  {
    body: 'PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.70  user=root',
    log: SSHD,
    action: 'pam-more-authentication-failures',
    outcome: 'failure',
    ip: '203.0.113.70',
    user: 'root',
    count: 2,
  },
  {
    body: 'Invalid user admin from 203.0.113.71 port 40023',
    log: SSHD,
    action: 'ssh-invalid-user',
    outcome: 'failure',
    ip: '203.0.113.71',
    user: 'admin',
  },
  {
    body: 'input_userauth_request: invalid user admin [preauth]',
    log: SSHD,
    action: 'ssh-invalid-user-request',
    outcome: 'failure',
    user: 'admin',
  },
  {
    body: 'Failed password for invalid user admin from 203.0.113.71 port 40023 ssh2',
    log: SSHD,
    action: 'ssh-login',
    outcome: 'failure',
    ip: '203.0.113.71',
    user: 'admin',
  },
  {
    body: 'error: PAM: Authentication failure for root from 203.0.113.72',
    log: SSHD,
    action: 'ssh-pam-authentication-failure',
    outcome: 'failure',
    ip: '203.0.113.72',
    user: 'root',
  },
  {
    body: 'Disconnected from authenticating user root 203.0.113.72 port 40024 [preauth]',
    log: SSHD,
    action: 'ssh-disconnected',
    outcome: 'failure',
    ip: '203.0.113.72',
    user: 'root',
  },
  {
    body: 'Connection closed by invalid user pi 203.0.113.73 port 40025 [preauth]',
    log: SSHD_SESSION,
    action: 'ssh-connection-closed',
    outcome: 'failure',
    ip: '203.0.113.73',
    user: 'pi',
  },
  { body: 'Connection closed by 203.0.113.74 port 40026 [preauth]', log: SSHD, action: 'ssh-connection-closed', ip: '203.0.113.74' },
  {
    body: 'Accepted publickey for alice from 198.51.100.75 port 50022 ssh2: ED25519 SHA256:Xn0ZkOBVSbeS4M9p2mLl0Dd1Gd7x8Q9A/dC6kmUEqDk',
    log: SSHD,
    action: 'ssh-login',
    outcome: 'success',
    ip: '198.51.100.75',
    user: 'alice',
  },
  {
    body: 'new user: name=svc-backup, UID=998, GID=998, home=/var/lib/svc-backup, shell=/usr/sbin/nologin, from=none',
    log: { tag: 'useradd', pid: 5151, priority: 'authpriv.info' },
    action: 'user-created',
    outcome: 'success',
  },
  {
    body: '198.51.100.76 - - [04/Dec/2026:10:00:00 +0000] "GET /login?next=%2F HTTP/1.1" 200 512 "-" "curl/8.5.0"',
    log: { tag: 'nginx', priority: 'local7.info' },
    action: 'http-request',
    outcome: 'success',
    ip: '198.51.100.76',
  },
  {
    body: 'NOTICE [sshd] Ban 203.0.113.70',
    log: { tag: 'fail2ban.actions', pid: 812, priority: 'daemon.notice' },
    action: 'fail2ban-ban',
    outcome: 'success',
    ip: '203.0.113.70',
  },
];

/** The message as siemad keeps it: the body, or rsyslog's fold of its repeats after the first. */
function messagesOf(sent: Sent): { message: string; count: number | undefined }[] {
  const times = sent.times ?? 1;
  const first = { message: sent.body, count: sent.count };
  return times === 1 ? [first] : [first, { message: `message repeated ${times - 1} times: [ ${sent.body}]`, count: times - 1 }];
}

async function forwardAndCheck(t: Test, forwarding: LocalForwarding): Promise<void> {
  const serve = await startServe(['--scoring', 'false']);
  t.teardown(() => serve.stop());
  const protocol = forwarding === 'rfc3164-udp' ? 'udp' : 'tcp';
  const rsyslog = await requireService(t, 'rsyslog', () =>
    startLocalRsyslogForwarder({ target: { host: '127.0.0.1', port: serve.port(protocol) }, forwarding, hostname: HOST }),
  );
  if (rsyslog === undefined) return;
  t.teardown(() => rsyslog.stop());
  for (const sent of SENT) {
    for (let i = 0; i < (sent.times ?? 1); i++) await rsyslog.log(sent.body, sent.log);
  }
  const expected = SENT.flatMap((sent) => messagesOf(sent).map((m) => ({ ...m, sent })));
  const events = await serve.waitForEvents(expected.length, 30_000);
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.equal((await serve.events()).length, expected.length, 'one event per forwarded line, the repeats folded by rsyslog');
  for (const { message, count, sent } of expected) {
    const matches = events.filter((e) => e.message === message);
    t.equal(matches.length, 1, `${forwarding}: arrived once with a trimmed message: ${message}`);
    const event = matches[0];
    if (event === undefined) continue;
    const name = `${forwarding} ${sent.log.tag}: ${message.slice(0, 60)}`;
    t.equal(event.event.action, sent.action, `${name}: action`);
    t.equal(event.event.outcome, sent.outcome, `${name}: outcome`);
    if (sent.outcome === 'failure') t.ok(event.event.category.includes('authentication'), `${name}: authentication failure`);
    t.equal(event.source?.ip, sent.ip, `${name}: source.ip`);
    t.equal(event.user?.name, sent.user, `${name}: user.name`);
    t.equal(event.event.count, count, `${name}: event.count`);
    t.equal(event.host?.hostname, HOST, `${name}: host.hostname`);
    t.equal(event.process?.name, sent.log.tag, `${name}: process.name`);
    t.equal(event.process?.pid, sent.log.pid, `${name}: process.pid`);
    t.equal(event.log.syslog.version, forwarding === 'rfc5424' ? '1' : undefined, `${name}: header format`);
    t.notOk(event.tags?.includes('_no_decoder'), `${name}: decoded`);
  }
  const created = events.find((e) => e.event.action === 'user-created');
  t.strictSame(created?.user?.target, { name: 'svc-backup', id: '998', group: { id: '998' } }, 'useradd: the account created');
  t.equal(created?.labels?.shell, '/usr/sbin/nologin', 'useradd: its shell');
}

t.test('rsyslog forwarding local messages with RSYSLOG_SyslogProtocol23Format over octet-counted TCP: decoded', async (t) => {
  await forwardAndCheck(t, 'rfc5424');
});

t.test("rsyslog's default RFC 3164 forwarding over TCP (*.* @@host:port): decoded", async (t) => {
  await forwardAndCheck(t, 'rfc3164-tcp');
});

t.test("rsyslog's default RFC 3164 forwarding over UDP (*.* @host:port): decoded", async (t) => {
  await forwardAndCheck(t, 'rfc3164-udp');
});
