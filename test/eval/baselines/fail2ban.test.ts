import t from 'tap';
import { fail2banFlags, findSshdFailures } from '../../../eval/baselines/fail2ban.js';
import { generateStream } from '../../../eval/generator/generate-stream.js';
import { evaluate } from '../../../eval/metrics.js';

const BASE = Date.UTC(2026, 10, 2, 9);
const at = (seconds: number, pid: number, message: string, host = 'web-01'): string =>
  `${new Date(BASE + seconds * 1000).toISOString().replace('Z', '000+00:00')} ${host} sshd[${pid}]: ${message}`;
const failed = (ip: string, port = 40000, user = 'root'): string => `Failed password for ${user} from ${ip} port ${port} ssh2`;
const A = '198.51.100.7';
const B = '203.0.113.99';

t.test('bans at the fifth failure in ten minutes and flags the address’s sshd lines until the ban ends', async (t) => {
  const lines = [
    at(0, 100, failed(A)),
    at(60, 101, failed(A)),
    at(120, 102, failed(A)),
    at(180, 103, failed(A)),
    at(239, 104, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${A}  user=root`),
    at(240, 104, failed(A)),
    at(241, 104, `Connection closed by authenticating user root ${A} port 40000 [preauth]`),
    at(242, 105, failed(B)),
    at(300, 106, `Invalid user test from ${A} port 40001`),
    at(300, 106, 'pam_unix(sshd:auth): check pass; user unknown'),
    at(302, 106, failed(A, 40001, 'invalid user test')),
    at(240 + 600, 107, failed(A)),
    at(241, 109, 'Accepted password for alice from 10.0.4.17 port 5000 ssh2', 'app-01'),
  ];
  t.same(fail2banFlags(lines), [false, false, false, false, false, true, true, false, true, true, true, false, false]);
});

t.test('four failures in ten minutes do not ban', async (t) => {
  const lines = [0, 100, 200, 300].map((second, i) => at(second, 200 + i, failed(A)));
  t.same(fail2banFlags(lines), [false, false, false, false]);
});

t.test('one failure every four minutes never bans, however long it goes on', async (t) => {
  const lines = Array.from({ length: 30 }, (_, i) => at(i * 240, 300 + i, failed(A, 40000 + i, `user${i}`)));
  t.ok(fail2banFlags(lines).every((flag) => !flag));
});

t.test("estimates the rate of failures spread past findtime as fail2ban's FailTicket does", async (t) => {
  // Every 162 s: four failures by 486 s; at 648 s the count is rescaled to round(4 / 648 * 600) = 4, plus this one.
  const lines = [0, 162, 324, 486, 648].map((second, i) => at(second, 400 + i, failed(A)));
  t.same(fail2banFlags(lines), [false, false, false, false, true]);
});

t.test('counts `Invalid user` and `Failed password for invalid user` each, and no pam_unix helper line', async (t) => {
  const connection = (second: number, pid: number): string[] => [
    at(second, pid, `Invalid user admin from ${A} port ${pid}`),
    at(second, pid, 'pam_unix(sshd:auth): check pass; user unknown'),
    at(second, pid, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${A} `),
    at(second + 2, pid, `Failed password for invalid user admin from ${A} port ${pid} ssh2`),
  ];
  const lines = [...connection(0, 500), ...connection(30, 501), ...connection(60, 502)];
  t.same(
    findSshdFailures(lines).map((failure) => failure.index),
    [0, 3, 4, 7, 8, 11],
  );
  t.same(
    fail2banFlags(lines)
      .map((flag, i) => (flag ? i : -1))
      .filter((i) => i >= 0),
    [8, 9, 10, 11],
  );
});

t.test('a failed public key counts only for an invalid user; errors and maximum-tries lines count', async (t) => {
  const lines = [
    at(0, 600, `Failed publickey for alice from ${A} port 1 ssh2: RSA SHA256:abc`),
    at(1, 601, `Failed publickey for invalid user bob from ${A} port 2 ssh2: RSA SHA256:abc`),
    at(2, 602, `error: maximum authentication attempts exceeded for root from ${A} port 3 ssh2 [preauth]`),
    at(3, 603, `Received disconnect from ${A} port 4:11: Bye Bye [preauth]`),
    at(4, 604, `Failed none for invalid user x from 2001:db8::1 port 5 ssh2`),
  ];
  t.same(
    findSshdFailures(lines).map((failure) => [failure.index, failure.ip]),
    [
      [1, A],
      [2, A],
      [4, '2001:db8::1'],
    ],
  );
});

t.test('on generated streams it catches every brute force and misses spraying and distributed brute force', async (t) => {
  const stream = generateStream({
    seed: 21,
    days: 3,
    startTime: '2026-11-02T00:00:00Z',
    episodesPerKind: 4,
    kinds: ['brute_force', 'brute_force_success', 'password_spraying', 'distributed_brute_force'],
  });
  const report = evaluate(stream.labels, fail2banFlags(stream.lines));
  t.equal(report.kinds.brute_force?.recall, 1, 'every brute_force episode detected');
  t.equal(report.kinds.brute_force_success?.recall, 1, 'every brute_force_success episode detected');
  t.equal(report.kinds.password_spraying?.detected, 0, 'no password_spraying episode detected');
  t.equal(report.kinds.distributed_brute_force?.detected, 0, 'no distributed_brute_force episode detected');
  t.ok(report.benign.flaggedPer10k < 5, `${report.benign.flaggedPer10k.toFixed(2)} benign lines flagged per 10k`);
});

t.test("merges a connection's lines as fail2ban does: a second user name turns the closing helper into a failure", async (t) => {
  const lines = [
    at(0, 700, `Invalid user sonar from ${A} port 7000`),
    at(0, 700, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${A} `),
    at(3, 700, `error: PAM: Authentication failure for illegal user sonar from ${A}`),
    at(3, 700, `Failed keyboard-interactive/pam for invalid user sonar from ${A} port 7000 ssh2`),
    at(4, 700, `Received disconnect from ${A} port 7000:11: Bye Bye [preauth]`),
    at(4, 700, `Disconnected from invalid user sonar ${A} port 7000 [preauth]`),
    // A valid user's PAM-only failures name one user: the closing line stays a helper.
    at(10, 701, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${A}  user=root`),
    at(12, 701, `error: PAM: Authentication failure for root from ${A}`),
    at(13, 701, `Connection closed by authenticating user root ${A} port 7001 [preauth]`),
  ];
  t.same(
    findSshdFailures(lines).map((failure) => failure.index),
    [0, 2, 3, 4, 7],
  );
});

t.test(
  "a failure without an address takes its connection's (OpenSSH 7.4's `Disconnecting: Too many authentication failures`)",
  async (t) => {
    const lines = [
      at(0, 800, `Failed password for root from ${A} port 8000 ssh2`),
      at(1, 800, 'Disconnecting: Too many authentication failures [preauth]'),
      at(2, 801, 'Disconnecting: Too many authentication failures [preauth]'),
    ];
    t.same(
      findSshdFailures(lines).map((failure) => [failure.index, failure.ip]),
      [
        [0, A],
        [1, A],
      ],
    );
  },
);
