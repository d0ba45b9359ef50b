import t from 'tap';
import { F, FAMILIES, FEATURE_COUNT } from '../../../scorer/features/definitions.js';
import { FeatureExtractor, NO_FAMILY } from '../../../scorer/features/extract.js';
import {
  foldPath,
  isPathTraversal,
  isScannerUserAgent,
  isTraversalPayload,
  normaliseUrl,
  sqlInjectionScore,
} from '../../../scorer/features/request-content.js';
import { MemoryWindowStore } from '../../../scorer/windows/memory-store.js';
import { decodeLines } from '../../helpers/events.js';

async function features(
  lines: string[],
  extractor = new FeatureExtractor(new MemoryWindowStore({ seenCapacity: 10_000 }), {
    outOfOrderToleranceMs: 300_000,
    profileTimeZone: 'UTC',
  }),
): Promise<{ rows: Float32Array[]; families: Int8Array }> {
  const out = new Float32Array(lines.length * FEATURE_COUNT);
  const families = new Int8Array(lines.length);
  await extractor.extract(decodeLines(lines), out, families);
  return { rows: lines.map((_, i) => out.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT)), families };
}

const at = (minute: number, second = 0): string =>
  new Date(Date.UTC(2026, 10, 2, 9, 0, 0) + minute * 60_000 + second * 1000).toISOString().replace('Z', '+00:00');

t.test('brute force: failures per source IP over 1 min, 10 min and 1 h, then success after failures', async (t) => {
  const lines: string[] = [];
  for (let i = 0; i < 30; i++)
    lines.push(`${at(i % 15, i)} bastion sshd[1${i}]: Failed password for root from 203.0.113.9 port ${40000 + i} ssh2`);
  lines.push(`${at(20)} bastion sshd[99]: Accepted password for root from 203.0.113.9 port 41000 ssh2`);
  const { rows, families } = await features(lines);
  const last = rows[29]!;
  t.equal(last[F.auth_failure], 1);
  t.equal(last[F.auth_fail_ip_1h], 30);
  t.ok(last[F.auth_fail_ip_10m]! >= 20 && last[F.auth_fail_ip_10m]! <= 30, `10 min window: ${last[F.auth_fail_ip_10m]}`);
  t.ok(last[F.auth_fail_ip_1m]! < last[F.auth_fail_ip_10m]!);
  t.equal(last[F.auth_fail_ip_24h], 30);
  t.equal(last[F.users_tried_ip_1h], 1);
  const success = rows[30]!;
  t.equal(success[F.failure_burst_before_success], 28, 'success after 30 failures from the same IP, two of which a typo would explain');
  t.equal(success[F.auth_failure], 0);
  t.equal(success[F.privileged_user], 1, 'root is privileged');
  t.equal(families[0], FAMILIES.indexOf('auth'));
});

t.test('password spraying and distributed brute force: distinct users per IP, distinct IPs per user', async (t) => {
  const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
  const spray = users.map((user, i) => `${at(i * 5)} web sshd[${i}]: Failed password for ${user} from 198.51.100.7 port ${50000 + i} ssh2`);
  const distributed = Array.from(
    { length: 12 },
    (_, i) => `${at(50, i)} web sshd[${100 + i}]: Failed password for alice from 192.0.2.${i + 1} port 2222 ssh2`,
  );
  const { rows } = await features([...spray, ...distributed]);
  t.equal(rows[users.length - 1]![F.users_tried_ip_1h], users.length, 'every sprayed user counted once');
  t.equal(rows[users.length - 1]![F.auth_fail_ip_10m]! <= 2, true, 'low and slow: few failures per 10 min');
  const lastDistributed = rows[rows.length - 1]!;
  t.equal(lastDistributed[F.fail_ips_user_1h], 13, '12 IPs of the distributed attack plus the sprayer');
  t.equal(lastDistributed[F.users_tried_ip_1h], 1);
});

t.test('port scans: distinct denied ports per source IP', async (t) => {
  const lines = Array.from(
    { length: 40 },
    (_, i) =>
      `${at(0, i)} fw kernel: [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:ab:54:65:00:1c:73:21:f3:4f:08:00 SRC=45.33.1.2 DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=4242 PROTO=TCP SPT=51515 DPT=${1000 + i} WINDOW=1024 RES=0x00 SYN URGP=0`,
  );
  const { rows, families } = await features(lines);
  const last = rows[39]!;
  t.equal(last[F.ports_ip_1m], 40);
  t.equal(last[F.ports_ip_30m], 40);
  t.equal(last[F.ports_ip_7d], 40);
  t.equal(last[F.hosts_ip_30m], 0, 'one address is no sweep');
  t.equal(families[0], FAMILIES.indexOf('firewall'));
});

t.test('repeated SYNs of one client to two service ports are not a scan; a sweep of addresses is', async (t) => {
  const ufw = (second: number, src: string, dst: string, port: number): string =>
    `${at(0, second)} fw kernel: [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:ab:54:65:00:1c:73:21:f3:4f:08:00 SRC=${src} DST=${dst} LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=0 DF PROTO=TCP SPT=4${second % 10}000 DPT=${port} WINDOW=65535 RES=0x00 SYN URGP=0`;
  const client = Array.from({ length: 30 }, (_, i) => ufw(i, '198.51.100.20', '203.0.113.10', i % 2 === 0 ? 143 : 80));
  const sweep = Array.from({ length: 25 }, (_, i) => ufw(i, '192.0.2.99', `203.0.113.${i + 1}`, 23));
  const { rows } = await features([...client, ...sweep]);
  t.equal(rows[29]![F.ports_ip_30m], 2, 'two ports however many packets');
  t.equal(rows[29]![F.hosts_ip_30m], 0);
  t.equal(rows[54]![F.hosts_ip_30m], 22, 'a sweep reaches many addresses (beyond the three a client of the site reaches)');
  t.equal(rows[54]![F.ports_ip_30m], 1);
});

t.test('web: request rate, error share, distinct paths and request content', async (t) => {
  const lines = [
    `${at(0)} web nginx: 45.45.229.33 - - [02/Nov/2026:09:00:00 +0000] "GET /index.html HTTP/1.1" 200 512 "-" "Mozilla/5.0"`,
    `${at(0, 1)} web nginx: 45.45.229.33 - - [02/Nov/2026:09:00:01 +0000] "GET /download?file=../../etc/passwd HTTP/1.1" 404 0 "-" "Mozilla/5.0"`,
    `${at(0, 2)} web nginx: 45.45.229.33 - - [02/Nov/2026:09:00:02 +0000] "GET /item?id=1%27%20UNION%20SELECT%20username,password%20FROM%20users-- HTTP/1.1" 500 0 "-" "sqlmap/1.7.2#stable (https://sqlmap.org)"`,
  ];
  const { rows, families } = await features(lines);
  t.equal(families[0], FAMILIES.indexOf('web'));
  t.equal(rows[1]![F.path_traversal], 1);
  t.equal(rows[2]![F.scanner_user_agent], 1);
  t.ok(rows[2]![F.sqli_score]! >= 2, `sqli score ${rows[2]![F.sqli_score]}`);
  t.equal(rows[2]![F.web_paths_ip_10m], 3);
  t.equal(rows[2]![F.web_error_paths_ip_10m], 2, 'two distinct paths answered with errors');
  t.equal(rows[0]![F.web_error_paths_ip_10m], 0, 'a 200 shows no error paths');
  t.equal(rows[0]![F.sqli_score], 0);
  t.equal(rows[0]![F.path_traversal], 0);
});

t.test('privilege: NOT in sudoers, failed sudo, UID-0 account creation, admin group', async (t) => {
  const lines = [
    `${at(0)} app sudo:    mallory : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/mallory ; USER=root ; COMMAND=/bin/bash`,
    `${at(1)} app sudo:    mallory : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/mallory ; USER=root ; COMMAND=/bin/bash`,
    `${at(2)} app useradd[4242]: new user: name=backup2, UID=0, GID=0, home=/root, shell=/bin/bash, from=/dev/pts/1`,
    `${at(3)} app usermod[4243]: add 'backup2' to group 'sudo'`,
    `${at(4)} app CRON[77]: (root) CMD (run-parts /etc/cron.hourly)`,
    `${at(5)} app useradd[4250]: new user: name=dovecot, UID=112, GID=120, home=/usr/lib/dovecot, shell=/usr/sbin/nologin, from=none`,
    `${at(6)} app useradd[4251]: new user: name=jdoe, UID=1004, GID=1004, home=/home/jdoe, shell=/bin/bash, from=/dev/pts/0`,
  ];
  const { rows, families } = await features(lines);
  t.equal(rows[0]![F.not_in_sudoers], 1);
  t.equal(rows[1]![F.sudo_fail_user_1h], 3, 'attempts counted from the line');
  t.equal(rows[2]![F.account_created], 1);
  t.equal(rows[2]![F.account_created_uid0], 1);
  t.equal(rows[3]![F.admin_group_added], 1);
  t.equal(rows[5]![F.account_created], 0, "a package's system account (UID 112, nologin) is not a login account");
  t.equal(rows[6]![F.account_created], 1, "a person's account is");
  t.equal(families[4], NO_FAMILY, 'a cron job is in no scored family');
  t.same(
    Array.from(rows[4]!).filter((v) => v !== 0),
    [],
    'and has no features',
  );
});

t.test('novelty and working hours need history (cold start), then stand out', async (t) => {
  const lines: string[] = [];
  for (let day = 0; day < 6; day++) {
    lines.push(
      `${new Date(Date.UTC(2026, 10, 2 + day, 9, 5)).toISOString()} bastion sshd[${day}]: Accepted publickey for alice from 10.0.4.17 port 5000${day} ssh2`,
    );
  }
  lines.push(
    `${new Date(Date.UTC(2026, 10, 8, 3, 12)).toISOString()} bastion sshd[77]: Accepted publickey for alice from 198.51.100.99 port 60000 ssh2`,
  );
  const { rows } = await features(lines);
  t.equal(rows[0]![F.new_user_ip_login], 0, 'no history: novelty not claimed');
  t.equal(rows[5]![F.new_user_ip_login], 0, 'usual IP');
  t.equal(rows[5]![F.login_hour_rarity_user], 0, 'usual hour');
  const night = rows[6]!;
  t.equal(night[F.new_user_ip_login], 1, 'first login from this IP after a history of 6');
  t.equal(night[F.new_user_net_login], 1);
  t.ok(night[F.login_hour_rarity_user]! > 1, `03:12 is unusual (rarity ${night[F.login_hour_rarity_user]})`);
  // Six logins are thin evidence for a host; its +1-smoothed profile keeps the rarity modest.
  t.ok(night[F.activity_hour_rarity_host]! > 0, `and somewhat unusual for the host (rarity ${night[F.activity_hour_rarity_host]})`);
  t.equal(night[F.new_ip], 1);
});

t.test('event time drives windows: a replay scores like the live stream; late events are bounded', async (t) => {
  const lines = Array.from({ length: 10 }, (_, i) => `${at(i)} h sshd[${i}]: Failed password for root from 203.0.113.50 port 1 ssh2`);
  const first = await features(lines);
  const second = await features(lines);
  t.same(
    first.rows.map((r) => Array.from(r)),
    second.rows.map((r) => Array.from(r)),
    'same input, same features, whatever the wall clock',
  );
  const late = await features([
    ...lines,
    `${at(-120)} h sshd[9]: Failed password for root from 203.0.113.50 port 1 ssh2`,
    `${at(9, 30)} h sshd[9]: Failed password for root from 203.0.113.50 port 1 ssh2`,
  ]);
  t.equal(late.rows[11]![F.auth_fail_ip_1h], 12, 'a two-hour-late event is counted at the tolerance edge, inside the window');
});

t.test('request content helpers', async (t) => {
  t.equal(normaliseUrl('/a%2527%2520or'), "/a' or", 'double percent-encoding undone');
  t.equal(sqlInjectionScore(normaliseUrl('/search?q=hello+world')), 0);
  t.ok(sqlInjectionScore(normaliseUrl("/x?id=1' or '1'='1")) >= 1);
  t.ok(isPathTraversal('/static/..%2f..%2fetc/passwd'.replace(/%2f/g, '/')));
  t.notOk(isPathTraversal('/docs/readme.html'));
  t.ok(isScannerUserAgent('Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)'));
  t.notOk(isScannerUserAgent('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'));
  t.ok(isTraversalPayload('/static/../../etc/passwd'));
  t.notOk(isTraversalPayload('/.env'), 'a secret probe is no traversal payload');
  t.equal(foldPath('/api/v1/items/8812/notes?page=2'), '/api/v1/items/*/notes', 'ids and the query folded');
  t.equal(foldPath('/users/3f2504e0-4f89-11d3-9a0c-0305e82c3301'), '/users/*');
  t.equal(foldPath('/reset/AbCdEfGhIjKlMnOpQrStUv'), '/reset/*', 'a token folded');
  t.equal(foldPath('/blog/2026/our-roadmap'), '/blog/*/our-roadmap');
  t.equal(foldPath('/wp-login.php'), '/wp-login.php', 'names of resources kept');
  t.equal(foldPath('/.env'), '/.env');
  t.doesNotThrow(() => sqlInjectionScore(normaliseUrl('%'.repeat(100_000))), 'hostile input is bounded');
});

t.test('a network nobody has logged in from stands out once the host has history', async (t) => {
  const lines: string[] = [];
  const users = ['alice', 'bob', 'carol', 'dave'];
  for (let day = 0; day < 6; day++) {
    for (const [k, user] of users.entries()) {
      lines.push(
        `${new Date(Date.UTC(2026, 10, 2 + day, 9, k)).toISOString()} bastion sshd[${day}${k}]: Accepted publickey for ${user} from 10.0.4.${17 + k} port 5000${k} ssh2`,
      );
    }
  }
  lines.push(
    `${new Date(Date.UTC(2026, 10, 8, 9, 30)).toISOString()} bastion sshd[90]: Accepted publickey for alice from 10.0.4.99 port 60000 ssh2`,
  );
  lines.push(
    `${new Date(Date.UTC(2026, 10, 8, 9, 31)).toISOString()} bastion sshd[91]: Accepted publickey for bob from 198.51.100.99 port 60000 ssh2`,
  );
  const { rows } = await features(lines);
  t.equal(rows[0]![F.new_org_net_login], 0, 'no history yet: not claimed');
  t.equal(rows[24]![F.new_org_net_login], 0, 'a new address in the office network is no news');
  t.equal(rows[24]![F.new_user_ip_login], 1, 'though new for alice');
  t.equal(rows[25]![F.new_org_net_login], 1, 'an outside network nobody came from');
});

t.test('one sshd attempt logged in several forms counts once; PAM-only failures count', async (t) => {
  const ip = '203.0.113.77';
  // OpenSSH with UsePAM and keyboard-interactive: each attempt is an `error: PAM` line; PAM's own
  // line comes once per connection; the disconnect closes it.
  const pamOnly: string[] = [];
  for (let connection = 0; connection < 3; connection++) {
    const pid = 3000 + connection;
    pamOnly.push(
      `${at(connection, 0)} vps sshd[${pid}]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=root`,
    );
    for (let attempt = 1; attempt <= 3; attempt++)
      pamOnly.push(`${at(connection, attempt)} vps sshd[${pid}]: error: PAM: Authentication failure for root from ${ip}`);
    pamOnly.push(
      `${at(connection, 5)} vps sshd[${pid}]: Disconnected from authenticating user root ${ip} port 5${connection}000 [preauth]`,
    );
  }
  const { rows } = await features(pamOnly);
  t.equal(rows[pamOnly.length - 1]![F.auth_fail_ip_10m], 9, '3 connections x 3 attempts, whatever the number of lines');
  // Debian with password auth: Failed password + PAM's failure + PAM N more.
  const debian = [
    `${at(0, 0)} srv sshd[4000]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=root`,
    `${at(0, 1)} srv sshd[4000]: Failed password for root from ${ip} port 40000 ssh2`,
    `${at(0, 2)} srv sshd[4000]: message repeated 5 times: [ Failed password for root from ${ip} port 40000 ssh2]`,
    `${at(0, 3)} srv sshd[4000]: error: maximum authentication attempts exceeded for root from ${ip} port 40000 ssh2 [preauth]`,
    `${at(0, 3)} srv sshd[4000]: Disconnecting authenticating user root ${ip} port 40000: Too many authentication failures [preauth]`,
    `${at(0, 4)} srv sshd[4000]: PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=root`,
  ];
  const second = await features(debian);
  t.equal(
    second.rows[debian.length - 1]![F.auth_fail_ip_10m],
    6,
    'six attempts: one Failed line and five repeats; the other forms repeat them',
  );
  // A PID reused later by another client's connection starts afresh.
  const reused = await features([
    `${at(0, 0)} srv sshd[5000]: Failed password for root from ${ip} port 1 ssh2`,
    `${at(30, 0)} srv sshd[5000]: Failed password for admin from 198.51.100.1 port 2 ssh2`,
  ]);
  t.equal(reused.rows[1]![F.auth_fail_ip_10m], 1);
});
