/**
 * The fictional company whose logs are generated: its hosts, employees, service accounts, cron
 * jobs and addresses. Its own public addresses are in documentation ranges (203.0.113.0/24,
 * 2001:db8::/32), which internet sources never use.
 */
import type { HostSpec } from './context.js';
import type { Random } from './random.js';

export type Role = 'admin' | 'developer' | 'analyst';
export type KeyType = 'RSA' | 'ED25519' | 'ECDSA';

export interface SshKey {
  type: KeyType;
  /** `SHA256:` followed by 43 unpadded base64 characters, as sshd logs it. */
  fingerprint: string;
}

export interface Account {
  name: string;
  uid: number;
}

export interface Employee extends Account {
  role: Role;
  /** Desk address in the office LAN (IPv4 or the office IPv6 prefix). */
  officeIp: string;
  /** Static address the VPN hands this user. */
  vpnIp: string;
  authMethod: 'publickey' | 'password';
  key: SshKey;
  /** Hosts this user logs in to. */
  hosts: string[];
  /** Hosts where this user may use sudo. */
  sudoHosts: string[];
}

/** An automation account that logs in by key from one internal machine. */
export interface ServiceAccount extends Account {
  sourceIp: string;
  key: SshKey;
}

export interface CronJob {
  user: string;
  uid: number;
  command: string;
  /** Fires at minutes of the day where `minute % everyMinutes === atMinute`. */
  everyMinutes: number;
  atMinute: number;
  /** How long the job runs (the session stays open that long), in seconds. */
  runSeconds: readonly [number, number];
}

export interface Host extends HostSpec {
  /** Port 22 reachable from the internet (so the internet's scanners knock on it). */
  publicSsh: boolean;
  nginx: boolean;
  /** Logs UFW blocks for the company's public addresses. */
  firewall: boolean;
  cronJobs: CronJob[];
}

export interface Organization {
  hosts: Host[];
  employees: Employee[];
  admins: Employee[];
  serviceAccounts: { deploy: ServiceAccount; ansible: ServiceAccount; backup: ServiceAccount };
  /** Accounts that exist on every host besides employees (for telling valid from invalid users). */
  systemAccounts: Account[];
  /** The company's internet-facing addresses (firewall destinations). */
  publicIpv4: string[];
  publicIpv6: string[];
  /** The firewall's eth0 MAC and its upstream router's, constant on every logged packet. */
  firewallMac: { own: string; gateway: string };
}

const FIRST_NAMES = [
  'james',
  'maria',
  'wei',
  'aisha',
  'lukas',
  'sofia',
  'daniel',
  'priya',
  'oliver',
  'yuki',
  'mateo',
  'emma',
  'ahmed',
  'chloe',
  'ivan',
  'fatima',
  'noah',
  'elena',
  'kenji',
  'grace',
  'samuel',
  'ana',
  'thomas',
  'leila',
  'victor',
  'hannah',
  'rafael',
  'ingrid',
  'omar',
  'julia',
  'peter',
  'mei',
  'carlos',
  'nadia',
  'erik',
  'zoe',
  'arjun',
  'lena',
  'marco',
  'sara',
];
const LAST_NAMES = [
  'smith',
  'garcia',
  'chen',
  'khan',
  'mueller',
  'rossi',
  'kim',
  'patel',
  'brown',
  'tanaka',
  'lopez',
  'martin',
  'hassan',
  'dubois',
  'petrov',
  'ali',
  'wilson',
  'novak',
  'sato',
  'taylor',
  'okafor',
  'silva',
  'becker',
  'nguyen',
  'moreau',
  'weber',
  'costa',
  'larsen',
  'farouk',
  'schmidt',
  'walsh',
  'wang',
  'reyes',
  'ivanova',
  'berg',
  'adams',
  'sharma',
  'fischer',
  'bianchi',
  'cohen',
];

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const EMPLOYEE_COUNT = 36;
const ADMIN_COUNT = 5;
const DEVELOPER_COUNT = 18;

export const SSH_HOSTS = ['bastion-01', 'web-01', 'web-02', 'app-01', 'app-02', 'db-01', 'ci-01', 'fw-01'];
const DEVELOPER_HOSTS = ['bastion-01', 'app-01', 'app-02', 'ci-01', 'web-01'];
const DEVELOPER_SUDO_HOSTS = ['app-01', 'app-02', 'ci-01'];
const ANALYST_HOSTS = ['bastion-01', 'app-01'];

export function sshKey(rng: Random, type?: KeyType): SshKey {
  return {
    type: type ?? rng.weighted<KeyType>(['ED25519', 'RSA', 'ECDSA'], [6, 3, 1]),
    fingerprint: `SHA256:${rng.chars(BASE64, 43)}`,
  };
}

function usernames(rng: Random, count: number): string[] {
  const names = new Set<string>();
  while (names.size < count) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    // Older accounts are bare first names; newer ones follow the first-initial + surname scheme.
    names.add(rng.chance(0.3) ? first : `${first[0]}${last}`);
  }
  return [...names];
}

export function cronJob(
  user: Account,
  command: string,
  everyMinutes: number,
  atMinute: number,
  runSeconds: readonly [number, number],
): CronJob {
  return { user: user.name, uid: user.uid, command, everyMinutes, atMinute, runSeconds };
}

const ROOT: Account = { name: 'root', uid: 0 };
const WWW_DATA: Account = { name: 'www-data', uid: 33 };
const POSTGRES: Account = { name: 'postgres', uid: 114 };
/** Accounts every Debian/Ubuntu system has (base-passwd), so sshd treats them as valid users. */
export const DEBIAN_SYSTEM_ACCOUNTS: Account[] = [
  ROOT,
  ...(
    [
      ['daemon', 1],
      ['bin', 2],
      ['sys', 3],
      ['sync', 4],
      ['games', 5],
      ['man', 6],
      ['lp', 7],
      ['mail', 8],
      ['news', 9],
      ['uucp', 10],
      ['proxy', 13],
      ['list', 38],
      ['irc', 39],
      ['nobody', 65534],
      ['sshd', 105],
    ] as const
  ).map(([name, uid]) => ({ name, uid })),
  WWW_DATA,
];

function standardCronJobs(hostIndex: number): CronJob[] {
  return [
    cronJob(ROOT, 'command -v debian-sa1 > /dev/null && debian-sa1 1 1', 10, 5, [0.05, 0.4]),
    cronJob(ROOT, 'cd / && run-parts --report /etc/cron.hourly', 60, 17, [0.2, 3]),
    cronJob(ROOT, 'test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }', 1440, 6 * 60 + 25, [0.1, 1]),
    cronJob(
      ROOT,
      '[ -x /etc/init.d/anacron ] && if [ ! -d /run/systemd/system ]; then /usr/sbin/invoke-rc.d anacron start >/dev/null; fi',
      1440,
      7 * 60 + 30,
      [0.05, 0.3],
    ),
    // Each host checks its disks at its own minute.
    cronJob(ROOT, '/usr/local/sbin/check-disk-space --threshold 85', 30, (hostIndex * 7) % 30, [0.1, 1.5]),
  ];
}

function hostSpecificCronJobs(name: string, backup: Account, deploy: Account): CronJob[] {
  switch (name) {
    case 'web-01':
    case 'web-02':
      return [
        cronJob(
          ROOT,
          "test -x /usr/bin/certbot -a \\! -d /run/systemd/system && perl -e 'sleep int(rand(43200))' && certbot -q renew",
          720,
          0,
          [0.1, 2],
        ),
        cronJob(WWW_DATA, '/usr/bin/php /var/www/site/bin/console cache:warmup --env=prod >/dev/null 2>&1', 60, 40, [2, 12]),
      ];
    case 'app-01':
    case 'app-02':
      return [cronJob(WWW_DATA, 'cd /srv/app && php artisan schedule:run >> /dev/null 2>&1', 5, 0, [0.3, 4])];
    case 'db-01':
      return [
        cronJob(POSTGRES, '/usr/local/bin/pg_backup.sh >> /var/log/postgresql/backup.log 2>&1', 1440, 90, [120, 900]),
        cronJob(POSTGRES, 'psql -q -c "VACUUM (ANALYZE);" appdb >/dev/null', 1440, 4 * 60 + 15, [60, 400]),
        cronJob(backup, '/opt/backup/bin/verify-latest --quiet', 1440, 5 * 60, [20, 90]),
      ];
    case 'ci-01':
      return [
        cronJob(deploy, '/opt/ci/bin/sync-mirrors >/dev/null 2>&1', 15, 3, [4, 40]),
        cronJob(deploy, '/opt/ci/bin/prune-workspaces --older-than 7d', 1440, 3 * 60 + 10, [10, 120]),
      ];
    case 'bastion-01':
      return [cronJob(ROOT, '/usr/local/sbin/sync-authorized-keys --quiet', 30, 11, [0.5, 3])];
    default:
      return [];
  }
}

export function macAddress(rng: Random, prefix: string): string {
  let mac = prefix;
  for (let i = 0; i < 3; i++) mac += `:${rng.int(0, 255).toString(16).padStart(2, '0')}`;
  return mac;
}

export function buildOrganization(rng: Random): Organization {
  const names = usernames(rng, EMPLOYEE_COUNT);
  const employees: Employee[] = names.map((name, index) => {
    const role: Role = index < ADMIN_COUNT ? 'admin' : index < ADMIN_COUNT + DEVELOPER_COUNT ? 'developer' : 'analyst';
    const officeIp = rng.chance(0.2) ? `2001:db8:4:1::${(0x100 + index).toString(16)}` : `10.0.${4 + (index % 2)}.${20 + index * 3}`;
    return {
      name,
      uid: 1001 + index,
      role,
      officeIp,
      vpnIp: `10.8.0.${10 + index}`,
      // Admins and developers use keys; some analysts type passwords.
      authMethod: role === 'analyst' && rng.chance(0.6) ? 'password' : rng.chance(0.08) ? 'password' : 'publickey',
      key: sshKey(rng),
      hosts: role === 'admin' ? SSH_HOSTS : role === 'developer' ? DEVELOPER_HOSTS : ANALYST_HOSTS,
      sudoHosts: role === 'admin' ? SSH_HOSTS : role === 'developer' ? DEVELOPER_SUDO_HOSTS : [],
    };
  });

  const deploy: ServiceAccount = { name: 'deploy', uid: 998, sourceIp: '10.0.2.20', key: sshKey(rng, 'ED25519') };
  const ansible: ServiceAccount = { name: 'ansible', uid: 997, sourceIp: '10.0.2.21', key: sshKey(rng, 'ED25519') };
  const backup: ServiceAccount = { name: 'backup', uid: 34, sourceIp: '10.0.2.30', key: sshKey(rng, 'RSA') };

  const hosts: Host[] = SSH_HOSTS.map((name, index) => ({
    name,
    publicSsh: name === 'bastion-01' || name === 'web-01' || name === 'web-02',
    nginx: name === 'web-01' || name === 'web-02',
    firewall: name === 'fw-01',
    pidsPerSecond: name.startsWith('web') || name === 'ci-01' ? 1.5 : 0.4,
    cronJobs: [...standardCronJobs(index), ...hostSpecificCronJobs(name, backup, deploy)],
  }));

  return {
    hosts,
    employees,
    admins: employees.filter((employee) => employee.role === 'admin'),
    serviceAccounts: { deploy, ansible, backup },
    systemAccounts: [...DEBIAN_SYSTEM_ACCOUNTS, POSTGRES, { name: 'ubuntu', uid: 1000 }],
    publicIpv4: ['203.0.113.10', '203.0.113.11', '203.0.113.12', '203.0.113.13', '203.0.113.14'],
    publicIpv6: ['2001:db8:100::10', '2001:db8:100::11', '2001:db8:100::12'],
    firewallMac: { own: macAddress(rng, '52:54:00'), gateway: macAddress(rng, '00:1c:73') },
  };
}

/** Whether sshd on our hosts knows this user name (else it logs `Invalid user`). */
export function isKnownUser(org: Organization, name: string): boolean {
  return (
    org.employees.some((employee) => employee.name === name) ||
    org.systemAccounts.some((account) => account.name === name) ||
    Object.values(org.serviceAccounts).some((account) => account.name === name)
  );
}

export function accountNamed(org: Organization, name: string): Account | undefined {
  return (
    org.employees.find((employee) => employee.name === name) ??
    org.systemAccounts.find((account) => account.name === name) ??
    Object.values(org.serviceAccounts).find((account) => account.name === name)
  );
}
