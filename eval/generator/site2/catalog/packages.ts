/**
 * Packages whose maintainer scripts create system accounts: on Debian/Ubuntu through `adduser
 * --system` (groupadd, then useradd), `useradd --system --user-group` (useradd names the group
 * itself) or systemd-sysusers; on RHEL 7 through `groupadd -r` and `useradd -r` in the %pre
 * scriptlet. A group, a user with a system UID, a home that is often not a home, a shell that
 * lets nobody in (postgres's bash is the exception), sometimes adduser's chage/chfn and a
 * supplementary group.
 */

/** Which tool the maintainer script creates the account with (default: adduser, or groupadd+useradd on RHEL). */
export type AccountTool = 'adduser' | 'useradd' | 'sysusers';

export interface PackageAccount {
  package: string;
  group: string;
  tool?: AccountTool;
  /** GECOS, which systemd-sysusers prints. */
  description?: string;
  user?: { name: string; home: string; shell: string };
  /** adduser's follow-ups: `chage` (password expiry) and `chfn` (GECOS). */
  adduserFollowUps?: boolean;
  /** Groups the new user joins (`usermod -a -G`). */
  joins?: string[];
  /** Existing accounts an admin adds to the new group afterwards. */
  members?: string[];
}

const user = (name: string, home: string, shell: string): { name: string; home: string; shell: string } => ({ name, home, shell });

export const DEBIAN_PACKAGES: readonly PackageAccount[] = [
  {
    package: 'redis-server',
    group: 'redis',
    user: user('redis', '/var/lib/redis', '/usr/sbin/nologin'),
    adduserFollowUps: true,
    members: ['app'],
  },
  { package: 'mariadb-server', group: 'mysql', user: user('mysql', '/nonexistent', '/bin/false'), adduserFollowUps: true },
  { package: 'prometheus-node-exporter', group: 'prometheus', user: user('prometheus', '/var/lib/prometheus', '/usr/sbin/nologin') },
  { package: 'memcached', group: 'memcache', user: user('memcache', '/nonexistent', '/usr/sbin/nologin'), tool: 'useradd' },
  { package: 'docker.io', group: 'docker', members: ['deploy'] },
  {
    package: 'postgresql-16',
    group: 'postgres',
    user: user('postgres', '/var/lib/postgresql', '/bin/bash'),
    adduserFollowUps: true,
    joins: ['ssl-cert'],
  },
  { package: 'clamav-daemon', group: 'clamav', user: user('clamav', '/var/lib/clamav', '/bin/false'), adduserFollowUps: true },
  { package: 'tor', group: 'debian-tor', user: user('debian-tor', '/var/lib/tor', '/bin/false') },
  {
    package: 'systemd-coredump',
    group: 'systemd-coredump',
    user: user('systemd-coredump', '/', '/usr/sbin/nologin'),
    tool: 'sysusers',
    description: 'systemd Core Dumper',
  },
  { package: 'uuid-runtime', group: 'uuidd', user: user('uuidd', '/run/uuidd', '/usr/sbin/nologin'), tool: 'useradd' },
  { package: 'geoipupdate', group: 'geoip', user: user('geoip', '/var/lib/GeoIP', '/usr/sbin/nologin'), tool: 'useradd' },
  {
    package: 'systemd-resolved',
    group: 'systemd-resolve',
    user: user('systemd-resolve', '/', '/usr/sbin/nologin'),
    tool: 'sysusers',
    description: 'systemd Resolver',
  },
];

export const RHEL7_PACKAGES: readonly PackageAccount[] = [
  { package: 'redis', group: 'redis', user: user('redis', '/var/lib/redis', '/sbin/nologin') },
  { package: 'nginx', group: 'nginx', user: user('nginx', '/var/lib/nginx', '/sbin/nologin') },
  { package: 'memcached', group: 'memcached', user: user('memcached', '/run/memcached', '/sbin/nologin') },
  { package: 'zabbix-agent', group: 'zabbix', user: user('zabbix', '/var/lib/zabbix', '/sbin/nologin') },
  { package: 'clamav-update', group: 'clamupdate', user: user('clamupdate', '/var/lib/clamav', '/sbin/nologin') },
];
