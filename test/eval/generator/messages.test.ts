import t from 'tap';
import { readFileSync } from 'node:fs';
import * as sshd from '../../../eval/generator/messages/sshd.js';
import {
  pamAuthFailure,
  pamCheckPassUserUnknown,
  pamIgnoringMaxRetries,
  pamMoreFailures,
  pamSessionOpened,
} from '../../../eval/generator/messages/pam.js';
import { sudoCommand, sudoNotInSudoers } from '../../../eval/generator/messages/sudo.js';
import { newUser } from '../../../eval/generator/messages/accounts.js';
import { ufwBlock } from '../../../eval/generator/messages/ufw.js';
import { accessLogLine } from '../../../eval/generator/messages/nginx.js';
import { requireCorpus } from '../../helpers/corpus.js';

function corpusMessages(file: string): string[] {
  // loghub lines: `Mon DD HH:MM:SS host sshd[pid]: message`, CRLF endings.
  return readFileSync(requireCorpus(file), 'utf8')
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .map((line) => /^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ sshd\[\d+\]: (.*)$/.exec(line)?.[1])
    .filter((message): message is string => message !== undefined);
}

const openssh = corpusMessages('loghub/OpenSSH_2k.log');

t.test('rebuilds every Failed password and Accepted password line of the OpenSSH corpus exactly', async (t) => {
  let checked = 0;
  for (const message of openssh) {
    const failed = /^Failed password for (invalid user )?(\S+) from (\S+) port (\d+) ssh2$/.exec(message);
    if (failed) {
      t.equal(sshd.failedPassword(failed[2] ?? '', failed[1] === undefined, failed[3] ?? '', Number(failed[4])), message);
      checked++;
    }
    const accepted = /^Accepted password for (\S+) from (\S+) port (\d+) ssh2$/.exec(message);
    if (accepted) {
      t.equal(sshd.accepted('password', accepted[1] ?? '', accepted[2] ?? '', Number(accepted[3])), message);
      checked++;
    }
  }
  t.ok(checked > 500, `${checked} corpus lines rebuilt`);
});

t.test("rebuilds pam_unix's sshd lines of the corpus, spacing and trailing space included", async (t) => {
  let checked = 0;
  for (const message of openssh) {
    const failure =
      /^pam_unix\(sshd:auth\): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=(\S+) (?: user=(\S+))?$/.exec(message);
    if (failure) {
      const user = failure[2];
      t.equal(
        pamAuthFailure({ service: 'sshd', logname: '', uid: 0, tty: 'ssh', ruser: '', rhost: failure[1] ?? '', ...(user ? { user } : {}) }),
        message,
      );
      checked++;
    }
    const more = /^PAM (\d+) more authentication failures?; logname= uid=0 euid=0 tty=ssh ruser= rhost=(\S+) (?: user=(\S+))?$/.exec(
      message,
    );
    if (more) {
      t.equal(pamMoreFailures(Number(more[1]), more[2] ?? '', more[3]), message);
      checked++;
    }
    if (message.startsWith('PAM service(sshd) ignoring max retries; 6 > 3')) t.equal(pamIgnoringMaxRetries('sshd', 6), message);
    if (message.startsWith('pam_unix(sshd:auth): check pass')) t.equal(pamCheckPassUserUnknown('sshd'), message);
  }
  t.ok(checked > 450, `${checked} corpus lines rebuilt`);
});

t.test('writes the modern OpenSSH forms, with the port, that fail2ban and decoders expect', async (t) => {
  t.equal(sshd.invalidUser('admin', '198.51.100.7', 40022), 'Invalid user admin from 198.51.100.7 port 40022');
  t.equal(
    sshd.receivedDisconnect('198.51.100.7', 40022, 'Bye Bye', true),
    'Received disconnect from 198.51.100.7 port 40022:11: Bye Bye [preauth]',
  );
  t.equal(
    sshd.disconnectedFrom({ kind: 'invalid', name: 'admin' }, '198.51.100.7', 40022, true),
    'Disconnected from invalid user admin 198.51.100.7 port 40022 [preauth]',
  );
  t.equal(
    sshd.connectionClosed({ kind: 'authenticating', name: 'root' }, '2001:db8::7', 5555, true),
    'Connection closed by authenticating user root 2001:db8::7 port 5555 [preauth]',
  );
  t.equal(
    sshd.accepted('publickey', 'alice', '10.0.4.17', 51234, { type: 'RSA', fingerprint: 'SHA256:abc' }),
    'Accepted publickey for alice from 10.0.4.17 port 51234 ssh2: RSA SHA256:abc',
  );
  t.equal(
    pamSessionOpened('sshd', 'alice', 1001, { uid: 0 }),
    'pam_unix(sshd:session): session opened for user alice(uid=1001) by (uid=0)',
  );
  t.equal(
    pamSessionOpened('sudo', 'root', 0, { name: 'alice', uid: 1001 }),
    'pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1001)',
  );
});

t.test('sudo right-aligns the user name to eight columns, as its own %8s does', async (t) => {
  const invocation = { user: 'root', tty: 'pts/0', pwd: '/root', runAs: 'root', command: '/usr/bin/id' };
  t.equal(sudoCommand(invocation), '    root : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/usr/bin/id');
  t.equal(
    sudoNotInSudoers({ ...invocation, user: 'longusername' }),
    'longusername : user NOT in sudoers ; TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/usr/bin/id',
  );
});

t.test('useradd logs a UID 0 account the way shadow-utils does', async (t) => {
  t.equal(
    newUser({ name: 'backup2', uid: 0, gid: 0, home: '/root', shell: '/bin/bash', from: '/dev/pts/1' }),
    'new user: name=backup2, UID=0, GID=0, home=/root, shell=/bin/bash, from=/dev/pts/1',
  );
});

t.test('UFW lines follow the kernel packet logger: trailing space, expanded IPv6, UDP length', async (t) => {
  const packet = {
    inInterface: 'eth0',
    ownMac: '52:54:00:12:34:56',
    gatewayMac: '00:1c:73:ab:cd:ef',
    source: '198.51.100.7',
    destination: '203.0.113.10',
    protocol: 'TCP' as const,
    sourcePort: 51515,
    destinationPort: 3389,
    length: 60,
    ttl: 50,
    id: 4242,
    dontFragment: true,
    window: 29200,
    flowLabel: 0,
  };
  t.equal(
    ufwBlock(packet),
    '[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:1c:73:ab:cd:ef:08:00 SRC=198.51.100.7 DST=203.0.113.10 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=4242 DF PROTO=TCP SPT=51515 DPT=3389 WINDOW=29200 RES=0x00 SYN URGP=0 ',
  );
  t.equal(
    ufwBlock({
      ...packet,
      source: '2a01:4f8::1',
      destination: '2001:db8:100::10',
      protocol: 'UDP',
      destinationPort: 5060,
      length: 140,
      ttl: 52,
      flowLabel: 7,
    }),
    '[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:1c:73:ab:cd:ef:86:dd SRC=2a01:04f8:0000:0000:0000:0000:0000:0001 DST=2001:0db8:0100:0000:0000:0000:0000:0010 LEN=140 TC=0 HOPLIMIT=52 FLOWLBL=7 PROTO=UDP SPT=51515 DPT=5060 LEN=100 ',
  );
});

t.test('rebuilds the combined-format lines of the public Apache access log exactly', async (t) => {
  const COMBINED = /^(\S+) - - \[(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d) \+0000\] "([^"]*)" (\d{3}) (\d+) "([^"]*)" "([^"]*)"$/;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  let checked = 0;
  let differing = 0;
  for (const line of readFileSync(requireCorpus('web/apache_combined_10k.log'), 'utf8').split('\n')) {
    const m = COMBINED.exec(line);
    // Apache escapes quotes and backslashes its own way; nginx writes \xHH.
    if (!m || line.includes('\\')) continue;
    const time = Date.UTC(Number(m[4]), months.indexOf(m[3] ?? ''), Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7])) / 1000;
    const rebuilt = accessLogLine({
      clientIp: m[1] ?? '',
      time,
      request: m[8] ?? '',
      status: Number(m[9]),
      bytes: Number(m[10]),
      referer: m[11] ?? '',
      userAgent: m[12] ?? '',
    });
    checked++;
    if (rebuilt !== line) differing++;
  }
  t.ok(checked > 9_000, `${checked} lines rebuilt`);
  t.equal(differing, 0, 'every rebuilt line equals the original');
});

t.test('nginx escapes quotes, backslashes and raw bytes as \\xHH', async (t) => {
  const line = accessLogLine({
    clientIp: '198.51.100.9',
    time: 0,
    request: '\x16\x03\x01',
    status: 400,
    bytes: 150,
    referer: '-',
    userAgent: 'a"b\\c',
  });
  t.equal(line, '198.51.100.9 - - [01/Jan/1970:00:00:00 +0000] "\\x16\\x03\\x01" 400 150 "-" "a\\x22b\\x5Cc"');
});
