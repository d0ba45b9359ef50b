import { isIP } from 'node:net';
import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { decodeMessage } from '../../../collector/decoders/index.js';
import { TAGS } from '../../../collector/ecs/event.js';
import { seededRandom } from '../../helpers/seeded-random.js';
import { baseEvent, decode, decodePlain, message } from './helpers.js';

t.test('app names are matched in any case, with paths and PAM suffixes', async (t) => {
  const body = '(root) CMD (run-parts /etc/cron.hourly)';
  for (const app of ['CRON', 'cron', 'crond', '/usr/sbin/cron', 'Cron']) t.equal(decode(app, body).event.action, ACTIONS.cronCommand, app);
  t.equal(decode('sshd(pam_unix)', 'check pass; user unknown').event.action, ACTIONS.pamUserUnknown);
});

t.test('message repeated N times wraps any program and sets event.count', async (t) => {
  const event = decode('su', 'message repeated 3 times: [ FAILED su for root by bob]');
  t.equal(event.event.action, ACTIONS.switchUser);
  t.equal(event.event.count, 3);
  const unknown = decode('myapp', 'message repeated 2 times: [ something odd]');
  t.equal(unknown.event.count, 2, 'the count is kept even when the inner message is not decoded');
  t.ok(unknown.tags?.includes(TAGS.decodeUnknown));
});

t.test('unknown programs are sniffed: access log, netfilter, login title tag', async (t) => {
  t.equal(
    decode('rsyslogd', '192.0.2.1 - - [22/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x"').event.action,
    ACTIONS.httpRequest,
  );
  t.equal(decode('myfw', 'IN=eth0 OUT= SRC=192.0.2.1 DST=10.0.0.1 LEN=40 PROTO=TCP SPT=1 DPT=2').event.action, ACTIONS.firewallPacket);
  t.equal(decodePlain('-- root[2421]: ROOT LOGIN ON tty2').user?.name, 'root');
});

t.test('a plain line nothing knows keeps the message and gets no action', async (t) => {
  const event = decodePlain('Use the BFG!');
  t.equal(event.event.action, undefined);
  t.equal(event.event.dataset, 'system.syslog');
  t.equal(event.message, 'Use the BFG!');
  t.ok(event.tags?.includes(TAGS.decodeUnknown));
});

t.test('decoding twice into one event does not duplicate related values or tags', async (t) => {
  const msg = message('sshd', 'Failed password for root from 192.0.2.1 port 1 ssh2');
  const event = baseEvent(msg);
  decodeMessage(msg, event);
  decodeMessage(msg, event);
  t.strictSame(event.related?.ip, ['192.0.2.1']);
  t.strictSame(event.related?.user, ['root']);
});

const SAMPLES = [
  'Failed password for invalid user x from 1.2.3.4 port 22 ssh2',
  'Accepted publickey for a from 2001:db8::1 port 22 ssh2: RSA SHA256:x',
  'Connection closed by authenticating user root 1.2.3.4 port 5 [preauth]',
  'Received disconnect from 1.2.3.4 port 5:11: Bye [preauth]',
  'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=h  user=u',
  'PAM 3 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4',
  'alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/ls',
  'new user: name=bob, UID=0, GID=0, home=/home/bob, shell=/bin/bash',
  "change user 'bob' UID from '1' to '0'",
  '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 1 "-" "x"',
  '2026/11/22 10:00:00 [error] 1#1: *1 open() "/x" failed (2: No such file or directory), client: 1.2.3.4, server: _, request: "GET /x HTTP/1.1", host: "h"',
  '[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 1:tid 2] [client 1.2.3.4:5] AH00128: File does not exist: /x',
  '[1.2] [UFW BLOCK] IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=1.2.3.4 DST=5.6.7.8 LEN=1 TTL=1 ID=1 PROTO=TCP SPT=1 DPT=2 SYN',
  'message repeated 2 times: [ Failed password for root from 1.2.3.4 port 1 ssh2]',
  "FAILED LOGIN (1) on '/dev/tty1' FOR 'UNKNOWN', Authentication failure",
  'New session 1 of user a.',
  'Successful su for root by a',
  'connection from 1.2.3.4 (h) at x',
];
const APPS = [
  undefined,
  'sshd',
  'sudo',
  'su',
  'CRON',
  'useradd',
  'usermod',
  'passwd',
  'systemd-logind',
  'login',
  'kernel',
  'nginx',
  'apache2',
  'ftpd',
  'vsftpd',
  'klogind',
  'snmpd',
  'logrotate',
  'x(pam_unix)',
  'myapp',
];
const NOISE = ' []():;,="\'\\-.0123456789abcdefABCDEF:port from user invalid IN= SRC=1.2.3.4 \u0000\u00ff\ud800';

function mutate(text: string, next: () => number): string {
  const cut = Math.floor(next() * (text.length + 1));
  switch (Math.floor(next() * 4)) {
    case 0:
      return text.slice(0, cut);
    case 1:
      return text.slice(cut);
    case 2:
      return text.slice(0, cut) + NOISE.charAt(Math.floor(next() * NOISE.length)) + text.slice(cut);
    default:
      return text.slice(0, cut) + text.slice(cut + 1 + Math.floor(next() * 5));
  }
}

t.test('mangled and hostile bodies never break a decoder and never put a non-IP into an ip field', async (t) => {
  const next = seededRandom(42);
  let crashes = 0;
  let badIps = 0;
  let oversized = 0;
  for (let round = 0; round < 30000; round++) {
    let body = SAMPLES[Math.floor(next() * SAMPLES.length)] ?? '';
    const mutations = 1 + Math.floor(next() * 4);
    for (let m = 0; m < mutations; m++) body = mutate(body, next);
    const msg = message(APPS[Math.floor(next() * APPS.length)], body, next() < 0.2 ? 'plain' : 'rfc3164');
    const event = baseEvent(msg);
    decodeMessage(msg, event);
    if (event.tags?.includes(TAGS.decodeError)) crashes++;
    for (const ip of [event.source?.ip, event.destination?.ip, ...(event.related?.ip ?? [])]) {
      if (ip !== undefined && isIP(ip) === 0) badIps++;
    }
    if (Object.keys(event.kv ?? {}).length > 32 || (event.related?.ip?.length ?? 0) > 16) oversized++;
  }
  t.equal(crashes, 0, 'no decoder threw');
  t.equal(badIps, 0, 'every ip field holds an IP');
  t.equal(oversized, 0, 'kv and related stay bounded');
});
