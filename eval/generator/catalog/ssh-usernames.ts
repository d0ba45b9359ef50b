/**
 * User names internet scanners try on SSH, most frequent first (root dominates, as in every
 * honeypot and in the OpenSSH corpus). Some exist on our hosts (root, backup, deploy, ansible),
 * so scanners produce both `Failed password for X` and `Invalid user X` lines.
 */
export const SCANNER_USERNAMES = [
  'root', 'admin', 'ubuntu', 'test', 'user', 'oracle', 'postgres', 'git', 'ftpuser', 'pi', 'guest',
  'support', 'deploy', 'mysql', 'hadoop', 'centos', 'ec2-user', 'debian', 'jenkins', 'minecraft', 'steam',
  'nagios', 'tomcat', 'www', 'web', 'dev', 'developer', 'sysadmin', 'administrator', 'usuario', 'user1',
  'test1', 'ftp', 'student', 'teamspeak', 'es', 'elastic', 'kafka', 'redis', 'docker', 'vagrant',
  'ansible', 'backup', 'odoo', 'zabbix', 'sonar', 'gitlab-runner', 'apache', 'nginx', 'www-data',
  'server', 'ts3', 'vpn', 'sftp', 'default', 'operator', 'mongodb', 'cisco', 'ubnt', 'hive', 'spark',
];

/** Zipf-like weights: `root` about a third of all attempts, a long tail after it. */
export const SCANNER_USERNAME_WEIGHTS = SCANNER_USERNAMES.map((_, rank) => (rank === 0 ? 28 : 6 / (rank + 1) ** 0.7));
