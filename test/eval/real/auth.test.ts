import t from 'tap';
import { groundTruth, type GroundTruth } from '../../../eval/real/ground-truth.js';

/** `Nov  2 10:MM:SS bastion PROGRAM[PID]: MESSAGE`, one second apart per line index. */
function auth(entries: [program: string, pid: number, message: string][]): string[] {
  return entries.map(([program, pid, message], i) => {
    const minute = String(Math.floor(i / 60) % 60).padStart(2, '0');
    const second = String(i % 60).padStart(2, '0');
    return `Nov  2 10:${minute}:${second} bastion ${program}[${pid}]: ${message}`;
  });
}
const why = (truth: GroundTruth, actor: string): string | undefined => truth.actors.get(actor)?.why;
const classOf = (truth: GroundTruth, actor: string): string | undefined => truth.actors.get(actor)?.class;

t.test('counts one attempt once although sshd and PAM each log it', async (t) => {
  const truth = groundTruth(
    auth([
      ['sshd', 10, 'Invalid user oracle from 203.0.113.5 port 4000'],
      ['sshd', 10, 'input_userauth_request: invalid user oracle [preauth]'],
      ['sshd', 10, 'pam_unix(sshd:auth): check pass; user unknown'],
      ['sshd', 10, 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5'],
      ['sshd', 10, 'Failed password for invalid user oracle from 203.0.113.5 port 4000 ssh2'],
      ['sshd', 10, 'Connection closed by invalid user oracle 203.0.113.5 port 4000 [preauth]'],
    ]),
  );
  t.equal(why(truth, 'ip:203.0.113.5'), '1 failed attempts');
  t.equal(classOf(truth, 'ip:203.0.113.5'), 'gray');
  t.same(truth.labels, ['gray', 'gray', 'gray', 'gray', 'gray', 'gray'], 'lines without an address belong to their connection');
});

t.test('counts rsyslog repeats and PAM "N more" as N attempts', async (t) => {
  const truth = groundTruth(
    auth([
      ['sshd', 11, 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.6  user=root'],
      ['sshd', 11, 'Failed password for root from 203.0.113.6 port 4001 ssh2'],
      ['sshd', 11, 'message repeated 5 times: [ Failed password for root from 203.0.113.6 port 4001 ssh2]'],
      ['sshd', 11, 'Disconnecting: Too many authentication failures for root [preauth]'],
      ['sshd', 11, 'PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.6  user=root'],
      ['sshd', 12, 'Failed password for root from 203.0.113.6 port 4002 ssh2'],
      ['sshd', 12, 'message repeated 3 times: [ Failed password for root from 203.0.113.6 port 4002 ssh2]'],
    ]),
  );
  t.equal(why(truth, 'ip:203.0.113.6'), '10 failed authentication attempts');
  t.equal(classOf(truth, 'ip:203.0.113.6'), 'attacker', '10 attempts make a brute-forcer');
  t.same([...(truth.actors.get('ip:203.0.113.6')?.attacks ?? [])], ['brute-forcer']);
  t.ok(truth.labels.every((label) => label === 'attack'));
});

t.test('counts the forms of PAM-only sshd and of RHEL, each attempt once', async (t) => {
  const pamOnly = [
    ['sshd-session', 20, 'error: PAM: Authentication failure for root from 203.0.113.7'],
    ['sshd-session', 20, 'error: PAM: Authentication failure for root from 203.0.113.7'],
    ['sshd-session', 20, 'Disconnected from authenticating user root 203.0.113.7 port 5000 [preauth]'],
  ] as [string, number, string][];
  const rhel = [
    ['sshd', 21, 'reverse mapping checking getaddrinfo for host.invalid [198.51.100.20] failed - POSSIBLE BREAK-IN ATTEMPT!'],
    ['sshd', 21, 'Invalid user test from 198.51.100.20 port 5001'],
    ['sshd', 21, 'input_userauth_request: invalid user test [preauth]'],
    ['sshd', 22, 'error: maximum authentication attempts exceeded for root from 198.51.100.21 port 5002 ssh2 [preauth]'],
    ['sshd', 23, 'User admin from 198.51.100.22 not allowed because not listed in AllowUsers'],
  ] as [string, number, string][];
  const truth = groundTruth(auth([...pamOnly, ...rhel]));
  t.equal(why(truth, 'ip:203.0.113.7'), '2 failed attempts');
  t.equal(why(truth, 'ip:198.51.100.20'), '1 failed attempts');
  t.equal(why(truth, 'ip:198.51.100.21'), '1 failed attempts');
  t.equal(why(truth, 'ip:198.51.100.22'), '1 failed attempts');
});

t.test('nine attempts are gray, not an attacker; a connection without authentication is gray', async (t) => {
  const nine = Array.from({ length: 9 }, (_, i): [string, number, string] => [
    'sshd',
    30 + i,
    `Failed password for invalid user u${i} from 203.0.113.8 port ${6000 + i} ssh2`,
  ]);
  const truth = groundTruth(auth([...nine, ['sshd', 50, 'Did not receive identification string from 203.0.113.9 port 22']]));
  t.equal(classOf(truth, 'ip:203.0.113.8'), 'gray');
  t.equal(classOf(truth, 'ip:203.0.113.9'), 'gray');
  t.equal(why(truth, 'ip:203.0.113.9'), 'connected without authenticating');
});

t.test('owners: logins with at most two failures, their accounts, sudo, cron and system accounts are legitimate', async (t) => {
  const truth = groundTruth(
    auth([
      ['sshd', 60, 'Failed password for dana from 198.51.100.30 port 7000 ssh2'],
      ['sshd', 60, 'Accepted password for dana from 198.51.100.30 port 7000 ssh2'],
      ['sshd', 60, 'pam_unix(sshd:session): session opened for user dana by (uid=0)'],
      ['sshd', 61, 'Failed password for lee from 198.51.100.31 port 7001 ssh2'],
      ['sshd', 61, 'Failed password for lee from 198.51.100.31 port 7001 ssh2'],
      ['sshd', 61, 'Failed password for lee from 198.51.100.31 port 7001 ssh2'],
      ['sshd', 61, 'Accepted password for lee from 198.51.100.31 port 7001 ssh2'],
      ['sudo', 62, '    dana : TTY=pts/0 ; PWD=/home/dana ; USER=root ; COMMAND=/usr/bin/apt update'],
      ['CRON', 63, 'pam_unix(cron:session): session opened for user backup by (uid=0)'],
      ['useradd', 64, 'new user: name=pkgsvc, UID=121, GID=130, home=/nonexistent, shell=/usr/sbin/nologin, from=none'],
      ['useradd', 65, 'new user: name=intruder, UID=1005, GID=1005, home=/home/intruder, shell=/bin/bash, from=/dev/pts/1'],
    ]),
  );
  t.equal(classOf(truth, 'ip:198.51.100.30'), 'legitimate');
  t.equal(classOf(truth, 'ip:198.51.100.31'), 'gray', 'three failures before a login are more than typos');
  t.equal(classOf(truth, 'user:dana'), 'legitimate');
  t.equal(classOf(truth, 'user:lee'), undefined, 'an account logged in from a gray address is not vouched for');
  t.equal(classOf(truth, 'user:root'), 'legitimate', 'sudo target');
  t.equal(classOf(truth, 'user:backup'), 'legitimate');
  t.equal(classOf(truth, 'user:pkgsvc'), 'legitimate');
  t.equal(classOf(truth, 'user:intruder'), undefined, 'a human account created is no verdict of its own');
  t.same(truth.labels, ['benign', 'benign', 'benign', 'gray', 'gray', 'gray', 'gray', 'benign', 'benign', 'benign', 'benign']);
});

t.test('a PID used again after a long pause, or by another address, is another connection', async (t) => {
  const lines = [
    'Nov  2 10:00:00 bastion sshd[70]: Accepted publickey for dana from 198.51.100.40 port 1 ssh2',
    'Nov  2 11:00:00 bastion sshd[70]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=scanner.invalid',
    'Nov  2 11:00:01 bastion sshd[70]: Failed password for root from 203.0.113.50 port 2 ssh2',
  ];
  const truth = groundTruth(lines);
  t.equal(classOf(truth, 'ip:198.51.100.40'), 'legitimate');
  t.equal(why(truth, 'ip:203.0.113.50'), '1 failed attempts');
  t.same(truth.labels, ['benign', 'gray', 'gray']);
});
