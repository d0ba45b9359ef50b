import t from 'tap';
import { readFileSync } from 'node:fs';
import * as sshd from '../../../eval/generator/messages/sshd.js';
import { pamMoreFailures, pamSessionOpenedWithoutUid } from '../../../eval/generator/messages/pam.js';
import {
  groupAddedToGroupFile,
  groupAddedToGshadow,
  newUser,
  passwordExpiryChanged,
  userInformationChanged,
} from '../../../eval/generator/messages/accounts.js';
import { ufwBlock, type BlockedPacket } from '../../../eval/generator/messages/ufw.js';
import { dummyConnection, vhostCombinedLine } from '../../../eval/generator/messages/apache.js';
import { accessLogLine } from '../../../eval/generator/messages/nginx.js';
import { formatRfc3339Micros } from '../../../eval/generator/syslog-line.js';
import { sysusersGroupCreated, sysusersUserCreated } from '../../../eval/generator/messages/systemd.js';
import { pamKeyboardInteractive, rhel7, reverseDns } from '../../../eval/generator/sequences/sshd-dialects.js';
import { requireCorpus } from '../../helpers/corpus.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function lines(...path: string[]): string[] {
  return readFileSync(requireCorpus(...path), 'utf8')
    .split('\n')
    .map((line) => line.replace(/\r$/, ''));
}

/** The message of each RFC 3164 line from `program` (`Mon DD HH:MM:SS host program[pid]: message`). */
function messagesOf(all: readonly string[], program: string): string[] {
  const pattern = new RegExp(`^\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\S+ ${program}(?:\\[\\d+\\])?: (.*)$`);
  return all.map((line) => pattern.exec(line)?.[1]).filter((message): message is string => message !== undefined);
}

t.test("rebuilds the real Debian vhost_combined log's lines exactly", async (t) => {
  const VHOST =
    /^(\S+):(\d+) (\S+) - - \[(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)\] "([^"\\]*)" (\d{3}) (\d+) "([^"\\]*)" "([^"\\]*)"$/;
  let checked = 0;
  let differing = 0;
  for (const line of lines('real', 'apache-vhost-access.log')) {
    const m = VHOST.exec(line);
    if (!m) continue;
    const offset = (m[10] === '-' ? -1 : 1) * (Number(m[11]) * 60 + Number(m[12]));
    const utc =
      Date.UTC(Number(m[6]), MONTHS.indexOf(m[5] ?? ''), Number(m[4]), Number(m[7]), Number(m[8]), Number(m[9])) / 1000 - offset * 60;
    const rebuilt = vhostCombinedLine({
      vhost: m[1] ?? '',
      port: Number(m[2]),
      clientIp: m[3] ?? '',
      time: utc,
      utcOffsetMinutes: offset,
      request: m[13] ?? '',
      status: Number(m[14]),
      bytes: Number(m[15]),
      referer: m[16] ?? '',
      userAgent: m[17] ?? '',
    });
    checked++;
    if (rebuilt !== line) differing++;
  }
  t.ok(checked > 20_000, `${checked} lines rebuilt`);
  t.equal(differing, 0, 'every rebuilt line equals the original');
});

t.test(
  'Apache escapes quotes and backslashes with a backslash and other bytes as lower-case \\xhh; its dummy connections come from ::1',
  async (t) => {
    const line = vhostCombinedLine({
      vhost: 'mail.example.org',
      port: 80,
      clientIp: '192.0.2.9',
      time: 0,
      utcOffsetMinutes: 330,
      request: '\x16\x03\x01',
      status: 400,
      bytes: 301,
      referer: '-',
      userAgent: 'a"b\\c\td',
    });
    t.equal(line, 'mail.example.org:80 192.0.2.9 - - [01/Jan/1970:05:30:00 +0530] "\\x16\\x03\\x01" 400 301 "-" "a\\"b\\\\c\\td"');
    t.same(dummyConnection('Apache/2.4.62 (Debian)'), {
      clientIp: '::1',
      request: 'OPTIONS * HTTP/1.0',
      status: 200,
      bytes: 126,
      referer: '-',
      userAgent: 'Apache/2.4.62 (Debian) (internal dummy connection)',
    });
  },
);

t.test('writes local times with their offset, in syslog lines and in access logs', async (t) => {
  const time = Date.UTC(2026, 10, 2, 23, 59, 30) * 1000 + 123;
  t.equal(formatRfc3339Micros(time, 330), '2026-11-03T05:29:30.000123+05:30');
  t.equal(formatRfc3339Micros(time, -300), '2026-11-02T18:59:30.000123-05:00');
  t.equal(formatRfc3339Micros(time), '2026-11-02T23:59:30.000123+00:00');
  t.match(
    accessLogLine({
      clientIp: '192.0.2.1',
      time: time / 1e6,
      request: 'GET / HTTP/1.1',
      status: 200,
      bytes: 1,
      referer: '-',
      userAgent: '-',
      utcOffsetMinutes: 330,
    }),
    /\[03\/Nov\/2026:05:29:30 \+0530\]/,
  );
});

t.test("rebuilds CentOS 7 sshd's own forms from the real secure log exactly", async (t) => {
  const messages = messagesOf(lines('real', 'centos7-honeypot-secure.log'), 'sshd');
  const seen = new Map<string, number>();
  const count = (form: string): void => void seen.set(form, (seen.get(form) ?? 0) + 1);
  for (const message of messages) {
    let m = /^input_userauth_request: invalid user (\S+) \[preauth\]$/.exec(message);
    if (m) {
      t.equal(sshd.invalidUserRequest(m[1] ?? ''), message);
      count('input_userauth_request');
    }
    m = /^reverse mapping checking getaddrinfo for (\S+) \[(\S+)\] failed - POSSIBLE BREAK-IN ATTEMPT!$/.exec(message);
    if (m) {
      t.equal(sshd.reverseMappingFailed(m[1] ?? '', m[2] ?? ''), message);
      count('reverse mapping');
    }
    m = /^Disconnected from (\S+) port (\d+) \[preauth\]$/.exec(message);
    if (m) {
      t.equal(sshd.disconnectedFrom(undefined, m[1] ?? '', Number(m[2]), true), message);
      count('disconnected');
    }
    if (message === 'Disconnecting: Too many authentication failures [preauth]') {
      t.equal(sshd.disconnectingTooManyFailuresUnnamed(), message);
      count('too many');
    }
    m = /^PAM (\d+) more authentication failures?; logname= uid=0 euid=0 tty=ssh ruser= rhost=(\S+) (?: user=(\S+))?$/.exec(message);
    if (m) {
      t.equal(pamMoreFailures(Number(m[1]), m[2] ?? '', m[3]), message);
      count('pam more');
    }
    m = /^pam_unix\(sshd:session\): session opened for user (\S+) by \(uid=0\)$/.exec(message);
    if (m) {
      t.equal(pamSessionOpenedWithoutUid('sshd', m[1] ?? '', { uid: 0 }), message);
      count('session opened');
    }
    m = /^Did not receive identification string from (\S+) port (\d+)$/.exec(message);
    if (m) {
      t.equal(sshd.noIdentificationString(m[1] ?? '', Number(m[2])), message);
      count('no identification');
    }
  }
  for (const form of [
    'input_userauth_request',
    'reverse mapping',
    'disconnected',
    'too many',
    'pam more',
    'session opened',
    'no identification',
  ]) {
    t.ok((seen.get(form) ?? 0) > 0, `${form}: ${seen.get(form) ?? 0} lines rebuilt`);
  }
});

t.test('rebuilds the real UFW log (printk times, TCP flags, UDP) exactly', async (t) => {
  const UFW =
    /^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ kernel: \[ *(\d+\.\d{6})\] \[UFW BLOCK\] IN=(\S+) OUT= MAC=(\S{17}):(\S{17}):08:00 SRC=(\S+) DST=(\S+) LEN=(\d+) TOS=0x00 PREC=0x00 TTL=(\d+) ID=(\d+) (DF )?PROTO=(TCP|UDP) SPT=(\d+) DPT=(\d+) (?:WINDOW=(\d+) RES=0x00 ([A-Z ]+) URGP=0 |LEN=\d+ )$/;
  let checked = 0;
  const flags = new Set<string>();
  for (const line of lines('real', 'ufw-vps-kernel.log')) {
    const m = UFW.exec(line);
    if (!m) continue;
    const packet: BlockedPacket = {
      inInterface: m[2] ?? '',
      ownMac: m[3] ?? '',
      gatewayMac: m[4] ?? '',
      source: m[5] ?? '',
      destination: m[6] ?? '',
      protocol: m[11] as 'TCP' | 'UDP',
      sourcePort: Number(m[12]),
      destinationPort: Number(m[13]),
      length: Number(m[7]),
      ttl: Number(m[8]),
      id: Number(m[9]),
      dontFragment: m[10] !== undefined,
      window: Number(m[14] ?? 0),
      flowLabel: 0,
      uptimeSeconds: Number(m[1]),
      ...(m[15] ? { tcpFlags: m[15] } : {}),
    };
    if (m[15]) flags.add(m[15]);
    t.equal(`kernel: ${ufwBlock(packet)}`, line.slice(line.indexOf('kernel: ')));
    checked++;
  }
  t.ok(checked > 30_000, `${checked} lines rebuilt`);
  t.ok(flags.size >= 3, `flags ${[...flags].join(', ')}`);
});

t.test('PAM-only sshd: a valid account shows no Failed line until the fourth failure, an unknown one at once', async (t) => {
  const dialect = pamKeyboardInteractive();
  t.same(dialect.failedAttempt(1, 'root', true, '198.51.100.7', 4000), ['error: PAM: Authentication failure for root from 198.51.100.7']);
  t.same(dialect.failedAttempt(3, 'root', true, '198.51.100.7', 4000), ['error: PAM: Authentication failure for root from 198.51.100.7']);
  t.same(dialect.failedAttempt(4, 'root', true, '198.51.100.7', 4000), [
    'error: PAM: Authentication failure for root from 198.51.100.7',
    'Failed keyboard-interactive/pam for root from 198.51.100.7 port 4000 ssh2',
  ]);
  t.same(dialect.failedAttempt(1, 'admin', false, '198.51.100.7', 4000), [
    'error: PAM: Authentication failure for illegal user admin from 198.51.100.7',
    'Failed keyboard-interactive/pam for invalid user admin from 198.51.100.7 port 4000 ssh2',
  ]);
  t.equal(dialect.passwordMethod, 'keyboard-interactive/pam');
});

t.test(
  "RHEL 7's UseDNS: a client's reverse name is stable, warned about when it does not map back, PAM's rhost when it does",
  async (t) => {
    const dialect = rhel7();
    const kinds = new Map<string, string>();
    for (let i = 1; i < 200; i++) {
      const ip = `198.51.100.${i}`;
      const dns = reverseDns(ip);
      kinds.set(dns.kind, ip);
      t.same(reverseDns(ip), dns, 'the same answer every time');
      t.equal(dialect.greeting(ip).length, dns.kind === 'mismatch' ? 1 : 0);
      t.equal(dialect.rhost(ip), dns.kind === 'verified' ? dns.name : ip);
    }
    t.same([...kinds.keys()].sort(), ['mismatch', 'none', 'verified']);
    t.same(dialect.invalidUserFollowUp('oracle'), ['input_userauth_request: invalid user oracle [preauth]']);
  },
);

t.test(
  'package maintainer scripts: groupadd, useradd with from=none (none at all on shadow 4.6), chage, chfn, systemd-sysusers',
  async (t) => {
    t.equal(groupAddedToGroupFile('redis', 121), 'group added to /etc/group: name=redis, GID=121');
    t.equal(groupAddedToGshadow('redis'), 'group added to /etc/gshadow: name=redis');
    t.equal(
      newUser({ name: 'redis', uid: 114, gid: 121, home: '/var/lib/redis', shell: '/usr/sbin/nologin', from: 'none' }),
      'new user: name=redis, UID=114, GID=121, home=/var/lib/redis, shell=/usr/sbin/nologin, from=none',
    );
    t.equal(
      newUser({ name: 'nginx', uid: 996, gid: 994, home: '/var/lib/nginx', shell: '/sbin/nologin' }),
      'new user: name=nginx, UID=996, GID=994, home=/var/lib/nginx, shell=/sbin/nologin',
    );
    t.equal(passwordExpiryChanged('mysql'), 'changed password expiry for mysql');
    t.equal(userInformationChanged('mysql'), "changed user 'mysql' information");
    t.equal(sysusersGroupCreated('systemd-coredump', 997), "Creating group 'systemd-coredump' with GID 997.");
    t.equal(
      sysusersUserCreated('systemd-coredump', 'systemd Core Dumper', 997, 997),
      "Creating user 'systemd-coredump' (systemd Core Dumper) with UID 997 and GID 997.",
    );
    t.equal(sshd.subsystemRequest('sftp', 'meera'), 'subsystem request for sftp by user meera');
    t.equal(sshd.clientTimeout(), 'Timeout, client not responding.');
  },
);
