/**
 * Site 2: Kestrel Studio, a six-person remote-first web and design agency in India (IST,
 * UTC+05:30; its servers log in IST), with one contractor in Lisbon and clients in India and New
 * York. Built to differ from site 1 in everything a detector might have learnt: a handful of people
 * instead of 36, no office or fixed VPN addresses (home lines that change every few days, mobile
 * carriers' NAT, a commercial VPN), working hours in UTC's night and morning, Saturdays worked,
 * more mistyped passwords, three servers of three different builds (a Debian mail server whose
 * sshd asks for passwords only through PAM, an Ubuntu application server with OpenSSH 9.9's
 * `sshd-session`, a CentOS 7 legacy CRM), a webmail and a project application with session
 * tokens, an outside monitor checking HTTP and SSH every minute, and packages that create
 * system accounts. Its servers' addresses are in 198.51.100.0/24 and 2001:db8:5a0::/48.
 */
import type { HostSpec } from '../context.js';
import type { Random } from '../random.js';
import { MICROS_PER_DAY } from '../clock.js';
import { DEBIAN_SYSTEM_ACCOUNTS, cronJob, macAddress, sshKey, type Account, type CronJob, type SshKey } from '../organization.js';
import { opensshPassword, pamKeyboardInteractive, rhel7 } from '../sequences/sshd-dialects.js';
import type { CronFlavour } from '../benign/cron.js';
import { HomeLine, buildNetworks, type Isp, type MobileCarrier, type RoamingNetworks } from './networks.js';

/** India Standard Time, the zone of the studio, its servers and their logs. */
export const SITE2_UTC_OFFSET_MINUTES = 330;

export type HostRole = 'mail' | 'apps' | 'crm';

export interface Site2Host extends HostSpec {
  role: HostRole;
  ipv4: string;
  ipv6?: string;
  /** UFW logs blocked packets (with printk times, as these kernels write them). */
  ufw: boolean;
  /** Ports UFW lets through (no block line for them). */
  openPorts: ReadonlySet<number>;
  /** When the host booted (for printk times). */
  bootTime: number;
  mac: { own: string; gateway: string };
  cronJobs: CronJob[];
  cronFlavour: CronFlavour;
  /** Accounts the host has (sshd says `Invalid user` for any other name). */
  accounts: Set<string>;
}

export type StaffRole = 'owner' | 'sysadmin' | 'developer' | 'designer' | 'manager';

export interface SshAccess {
  host: string;
  method: 'publickey' | 'password';
  sudo: boolean;
  /** Logs in only to move files (an `sftp` subsystem request, no shell work). */
  sftp?: boolean;
}

/** How often a typed password is wrong at first: once, or twice, before the right one. */
export interface TypoRate {
  once: number;
  twice: number;
}

export interface StaffMember extends Account {
  role: StaffRole;
  admin: boolean;
  key: SshKey;
  ssh: SshAccess[];
  /** The person's own zone, working day there (start hour, length in hours). */
  utcOffsetMinutes: number;
  dayStart: number;
  dayLength: number;
  /** Chances of working a Saturday, a Sunday, an evening. */
  saturday: number;
  sunday: number;
  evening: number;
  webmail: boolean;
  projectApp: boolean;
  typos: TypoRate;
  home: HomeLine;
  carrier: MobileCarrier;
  /** The phone's mail app: IMAPS (993), or plain IMAP (143), which the mail server's firewall drops. */
  phoneImapPort: 993 | 143;
}

export interface ClientUser {
  /** The login name the application knows (not logged: its log lines carry no user). */
  name: string;
  carrier: MobileCarrier;
}

export interface ClientCompany {
  name: string;
  officeIp: string;
  utcOffsetMinutes: number;
  users: ClientUser[];
}

export interface Site2ServiceAccount extends Account {
  key: SshKey;
}

export interface Agency {
  hosts: Site2Host[];
  staff: StaffMember[];
  admins: StaffMember[];
  clients: ClientCompany[];
  /** The CI service deploys the project app from its runners. */
  deploy: Site2ServiceAccount;
  /** The backup box pulls every host at night. */
  backup: Site2ServiceAccount & { sourceIp: string };
  monitor: { ip: string; userAgent: string };
  networks: RoamingNetworks;
  webmail: { vhost: string; port: number; serverVersion: string };
}

const ROOT: Account = { name: 'root', uid: 0 };
const WWW_DATA: Account = { name: 'www-data', uid: 33 };
const APACHE: Account = { name: 'apache', uid: 48 };
const APP: Account = { name: 'app', uid: 998 };

/** Accounts of a minimal CentOS 7 install plus what the CRM needs. */
const RHEL7_ACCOUNTS = [
  'root',
  'bin',
  'daemon',
  'adm',
  'lp',
  'sync',
  'shutdown',
  'halt',
  'mail',
  'operator',
  'games',
  'ftp',
  'nobody',
  'systemd-network',
  'dbus',
  'polkitd',
  'sshd',
  'postfix',
  'chrony',
  'tss',
  'centos',
  'apache',
  'mysql',
];
const MAIL_ACCOUNTS = ['postfix', 'dovecot', 'dovenull', 'opendkim', 'debian-spamd', '_rspamd', 'vmail'];
const UBUNTU_ACCOUNTS = [
  'ubuntu',
  'lxd',
  'systemd-network',
  'systemd-resolve',
  'messagebus',
  'syslog',
  '_apt',
  'tss',
  'uuidd',
  'tcpdump',
  'landscape',
  'fwupd-refresh',
  'app',
];

/** A shared account created years ago for a scanner's uploads, password only, long forgotten. */
export const FORGOTTEN_ACCOUNT: Account = { name: 'office', uid: 1006 };

const DEBIAN_HOURLY = 'cd / && run-parts --report /etc/cron.hourly';
const DEBIAN_DAILY = 'test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }';

function hostCronJobs(role: HostRole): CronJob[] {
  switch (role) {
    case 'mail':
      return [
        cronJob(ROOT, DEBIAN_HOURLY, 60, 17, [0.2, 3]),
        cronJob(ROOT, DEBIAN_DAILY, 1440, 6 * 60 + 25, [0.1, 1]),
        cronJob(
          ROOT,
          '[ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then /usr/lib/php/sessionclean; fi',
          30,
          9,
          [0.1, 2],
        ),
        cronJob(WWW_DATA, '/usr/share/roundcube/bin/cleandb.sh > /dev/null', 1440, 3 * 60 + 5, [0.5, 6]),
        cronJob(ROOT, '/usr/sbin/dovecot-expunge-trash --older-than 30d >/dev/null 2>&1', 1440, 4 * 60 + 40, [2, 40]),
      ];
    case 'apps':
      return [
        cronJob(ROOT, DEBIAN_HOURLY, 60, 17, [0.2, 3]),
        cronJob(ROOT, DEBIAN_DAILY, 1440, 6 * 60 + 25, [0.1, 1]),
        cronJob(APP, 'cd /srv/app && node scripts/sync-feeds.js >> /var/log/app/cron.log 2>&1', 15, 4, [1, 20]),
        cronJob(APP, 'cd /srv/app && node scripts/purge-sessions.js --idle 30m >/dev/null 2>&1', 60, 45, [0.5, 4]),
      ];
    case 'crm':
      return [
        cronJob(ROOT, 'run-parts /etc/cron.hourly', 60, 1, [0.3, 4]),
        cronJob(ROOT, '/usr/lib64/sa/sa1 1 1', 10, 0, [0.05, 0.4]),
        cronJob(ROOT, '/usr/lib64/sa/sa2 -A', 1440, 23 * 60 + 53, [1, 10]),
        cronJob(APACHE, 'php -q /var/www/crm/cron.php >/dev/null 2>&1', 5, 2, [0.5, 12]),
      ];
  }
}

function site2Hosts(rng: Random, start: number, staff: readonly StaffMember[], serviceAccounts: readonly Account[]): Site2Host[] {
  const gateway = macAddress(rng, 'fe:00:00');
  const staffOn = (host: string): string[] =>
    staff.filter((member) => member.ssh.some((access) => access.host === host)).map((member) => member.name);
  const common = [...serviceAccounts.map((account) => account.name)];
  const debianBase = DEBIAN_SYSTEM_ACCOUNTS.map((account) => account.name);
  const host = (
    name: string,
    role: HostRole,
    fields: Omit<Site2Host, 'name' | 'role' | 'cronJobs' | 'mac' | 'bootTime' | 'accounts'>,
    accounts: string[],
  ): Site2Host => ({
    name,
    role,
    ...fields,
    bootTime: start - Math.round(rng.between(3, 60) * MICROS_PER_DAY),
    mac: { own: macAddress(rng, '52:54:00'), gateway },
    cronJobs: hostCronJobs(role),
    accounts: new Set([...accounts, ...staffOn(name), ...common]),
  });
  return [
    host(
      'mx1',
      'mail',
      {
        ipv4: '198.51.100.40',
        ipv6: '2001:db8:5a0::40',
        pidsPerSecond: 0.9,
        sshd: pamKeyboardInteractive(),
        ufw: true,
        openPorts: new Set([22, 25, 443, 465, 587, 993]),
        cronFlavour: 'debian',
      },
      [...debianBase, ...MAIL_ACCOUNTS, FORGOTTEN_ACCOUNT.name],
    ),
    host(
      'app1',
      'apps',
      {
        ipv4: '198.51.100.41',
        ipv6: '2001:db8:5a0::41',
        pidsPerSecond: 1.4,
        sshd: opensshPassword('sshd-session'),
        ufw: true,
        openPorts: new Set([22, 80, 443]),
        cronFlavour: 'debian',
      },
      [...debianBase, ...UBUNTU_ACCOUNTS],
    ),
    host(
      'crm-old',
      'crm',
      {
        ipv4: '198.51.100.42',
        pidsPerSecond: 0.5,
        sshd: rhel7(),
        legacyShadow: true,
        ufw: false,
        openPorts: new Set([22, 80, 443]),
        cronFlavour: 'rhel7',
      },
      RHEL7_ACCOUNTS,
    ),
  ];
}

interface StaffPlan extends Omit<StaffMember, 'key' | 'home' | 'carrier'> {
  isp: 'india' | 'portugal';
}

const ALL_HOSTS_AS_ADMIN: SshAccess[] = ['mx1', 'app1', 'crm-old'].map((host) => ({ host, method: 'publickey', sudo: true }));

const STAFF: readonly StaffPlan[] = [
  {
    name: 'arjun',
    uid: 1000,
    role: 'owner',
    admin: true,
    ssh: ALL_HOSTS_AS_ADMIN,
    utcOffsetMinutes: 330,
    dayStart: 10.5,
    dayLength: 9,
    saturday: 0.5,
    sunday: 0.1,
    evening: 0.45,
    webmail: true,
    projectApp: true,
    typos: { once: 0.1, twice: 0.03 },
    phoneImapPort: 993,
    isp: 'india',
  },
  {
    name: 'nisha',
    uid: 1001,
    role: 'sysadmin',
    admin: true,
    ssh: ALL_HOSTS_AS_ADMIN,
    utcOffsetMinutes: 330,
    dayStart: 9.5,
    dayLength: 8.5,
    saturday: 0.3,
    sunday: 0.05,
    evening: 0.3,
    webmail: true,
    projectApp: true,
    typos: { once: 0.08, twice: 0.02 },
    phoneImapPort: 993,
    isp: 'india',
  },
  {
    name: 'kabir',
    uid: 1002,
    role: 'developer',
    admin: false,
    ssh: [
      { host: 'app1', method: 'publickey', sudo: true },
      { host: 'crm-old', method: 'password', sudo: false },
    ],
    utcOffsetMinutes: 330,
    dayStart: 11.5,
    dayLength: 9,
    saturday: 0.2,
    sunday: 0.05,
    evening: 0.35,
    webmail: true,
    projectApp: true,
    typos: { once: 0.15, twice: 0.05 },
    phoneImapPort: 993,
    isp: 'india',
  },
  {
    name: 'tara',
    uid: 1003,
    role: 'developer',
    admin: false,
    ssh: [{ host: 'app1', method: 'publickey', sudo: false }],
    utcOffsetMinutes: 0,
    dayStart: 9,
    dayLength: 8,
    saturday: 0.05,
    sunday: 0,
    evening: 0.15,
    webmail: true,
    projectApp: true,
    typos: { once: 0.1, twice: 0.02 },
    phoneImapPort: 993,
    isp: 'portugal',
  },
  {
    name: 'meera',
    uid: 1004,
    role: 'designer',
    admin: false,
    ssh: [{ host: 'app1', method: 'password', sudo: false, sftp: true }],
    utcOffsetMinutes: 330,
    dayStart: 10,
    dayLength: 8.5,
    saturday: 0.35,
    sunday: 0.1,
    evening: 0.2,
    webmail: true,
    projectApp: true,
    typos: { once: 0.18, twice: 0.06 },
    phoneImapPort: 143,
    isp: 'india',
  },
  {
    name: 'rohan',
    uid: 1005,
    role: 'manager',
    admin: false,
    ssh: [],
    utcOffsetMinutes: 330,
    dayStart: 9.5,
    dayLength: 8.5,
    saturday: 0.4,
    sunday: 0.05,
    evening: 0.25,
    webmail: true,
    projectApp: true,
    typos: { once: 0.2, twice: 0.06 },
    phoneImapPort: 993,
    isp: 'india',
  },
];

const CLIENTS: readonly { name: string; utcOffsetMinutes: number; users: string[] }[] = [
  { name: 'riverbank-foods', utcOffsetMinutes: 330, users: ['anand.k', 'priya.s', 'ops'] },
  { name: 'lotus-clinics', utcOffsetMinutes: 330, users: ['dr.rao', 'frontdesk'] },
  { name: 'harbor-books', utcOffsetMinutes: -300, users: ['jmiller', 'sgreen', 'marketing', 'ap'] },
  { name: 'sunline-travel', utcOffsetMinutes: 330, users: ['vikram', 'ritu'] },
];

export function buildAgency(rng: Random, start: number, end: number, internetVisitor: (rng: Random) => string): Agency {
  const networks = buildNetworks(rng.fork('networks'));
  const staff: StaffMember[] = STAFF.map((plan, index) => {
    const personal = rng.fork(`staff/${plan.name}`);
    const isp: Isp = plan.isp === 'portugal' ? networks.portugueseIsp : (networks.indianIsps[index % networks.indianIsps.length] as Isp);
    const { isp: _ignored, ...member } = plan;
    return {
      ...member,
      key: sshKey(personal),
      home: new HomeLine(personal, isp, start, end),
      carrier: networks.carriers[index % networks.carriers.length] as MobileCarrier,
    };
  });
  const deploy: Site2ServiceAccount = { name: 'deploy', uid: 1010, key: sshKey(rng.fork('deploy'), 'ED25519') };
  const backup = { name: 'backup', uid: 34, key: sshKey(rng.fork('backup'), 'RSA'), sourceIp: '192.0.2.60' };
  const clientRng = rng.fork('clients');
  const clients: ClientCompany[] = CLIENTS.map((client, index) => ({
    name: client.name,
    officeIp: internetVisitor(clientRng),
    utcOffsetMinutes: client.utcOffsetMinutes,
    users: client.users.map((name) => ({
      name,
      carrier: networks.carriers[(index + name.length) % networks.carriers.length] as MobileCarrier,
    })),
  }));
  return {
    hosts: site2Hosts(rng.fork('hosts'), start, staff, [deploy, backup]),
    staff,
    admins: staff.filter((member) => member.admin),
    clients,
    deploy,
    backup,
    monitor: { ip: '192.0.2.80', userAgent: 'Uptime-Kuma/1.23.16' },
    networks,
    webmail: { vhost: 'mail.kestrel.example', port: 443, serverVersion: 'Apache/2.4.62 (Debian)' },
  };
}

/** Share of internet sources on IPv6: none for a host without an IPv6 address. */
export const ipv6ShareFor = (host: Site2Host, share = 0.05): number => (host.ipv6 ? share : 0);

/** Whether `host` has an account of that name. */
export function hostKnows(host: Site2Host, user: string): boolean {
  return host.accounts.has(user);
}
