import t from 'tap';
import { readLogTypes } from '../../../eval/real/log-type.js';

const typesOf = (lines: string[]): string[] => readLogTypes(lines).map((line) => line.type);

t.test('types each line from its content: web, fail2ban, firewall, auth, other', async (t) => {
  const lines = [
    '198.51.100.7 - - [02/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.0"',
    'shop.example:443 198.51.100.7 - - [02/Nov/2026:10:00:00 +0000] "GET /cart HTTP/1.1" 200 90 "-" "Mozilla/5.0"',
    'Nov  2 10:00:00 web1 nginx: 198.51.100.7 - - [02/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "Mozilla/5.0"',
    '2026-11-02 10:00:00,123 fail2ban.actions        [811]: NOTICE  [sshd] Ban 203.0.113.9',
    'Nov  2 10:00:00 gw fail2ban.filter[811]: INFO    [sshd] Found 203.0.113.9 - 2026-11-02 10:00:00',
    'Nov  2 10:00:00 gw kernel: [12.5] [UFW BLOCK] IN=eth0 OUT= MAC=00 SRC=203.0.113.9 DST=192.0.2.1 LEN=40 PROTO=TCP SPT=4 DPT=23 SYN URGP=0',
    '2026-11-02T10:00:00.123456+00:00 gw kernel: IN=eth0 OUT= SRC=203.0.113.9 DST=192.0.2.1 LEN=40 PROTO=UDP SPT=4 DPT=53',
    'Nov  2 10:00:00 bastion sshd[42]: Failed password for root from 203.0.113.9 port 2222 ssh2',
    'Nov  2 10:00:00 bastion sshd-session[42]: Accepted publickey for dana from 198.51.100.7 port 2222 ssh2',
    'Nov  2 10:00:00 bastion sudo:     dana : TTY=pts/0 ; PWD=/home/dana ; USER=root ; COMMAND=/usr/bin/true',
    'Nov  2 10:00:00 bastion systemd[1]: Started Daily apt download activities.',
    'just some text',
  ];
  t.same(typesOf(lines), ['web', 'web', 'web', 'fail2ban', 'fail2ban', 'firewall', 'firewall', 'auth', 'auth', 'auth', 'other', 'other']);
});

t.test('puts RFC 3164 timestamps, which carry no year, in the next year when the month goes back', async (t) => {
  const [december, january] = readLogTypes([
    'Dec 31 23:59:59 bastion sshd[1]: Connection closed by 203.0.113.9 port 1 [preauth]',
    'Jan  1 00:00:01 bastion sshd[2]: Connection closed by 203.0.113.9 port 1 [preauth]',
  ]);
  t.ok(december?.type === 'auth' && january?.type === 'auth');
  if (december?.type !== 'auth' || january?.type !== 'auth') return;
  t.equal(january.record.time - december.record.time, 2);
});
