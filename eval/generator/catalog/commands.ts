/** Commands people and automation run through sudo, with the directory they are usually run from. */

export interface SudoCommandTemplate {
  command: string;
  /** `~` stands for the user's home. */
  pwd: string;
  /** Seconds the command runs (its PAM session stays open). */
  runSeconds: readonly [number, number];
}

const c = (command: string, pwd: string, runSeconds: readonly [number, number] = [0.05, 3]): SudoCommandTemplate => ({
  command,
  pwd,
  runSeconds,
});

export const ADMIN_SUDO_COMMANDS: readonly SudoCommandTemplate[] = [
  c('/usr/bin/apt update', '~', [4, 25]),
  c('/usr/bin/apt upgrade -y', '~', [30, 400]),
  c('/usr/bin/apt install -y htop', '~', [5, 30]),
  c('/usr/bin/systemctl restart nginx', '/etc/nginx'),
  c('/usr/bin/systemctl reload nginx', '/etc/nginx'),
  c('/usr/sbin/nginx -t', '/etc/nginx'),
  c('/usr/bin/systemctl status postgresql', '~'),
  c('/usr/bin/journalctl -u nginx --since today', '~', [5, 200]),
  c('/usr/bin/journalctl -xe', '~', [5, 200]),
  c('/usr/bin/tail -f /var/log/nginx/error.log', '/var/log/nginx', [20, 900]),
  c('/usr/bin/less /var/log/syslog', '/var/log', [10, 400]),
  c('/usr/bin/docker ps', '~'),
  c('/usr/bin/docker compose logs --tail 200 app', '/srv/app', [2, 60]),
  c('/usr/bin/vim /etc/nginx/sites-available/default', '/etc/nginx', [30, 600]),
  c('/usr/bin/du -sh /var/lib/postgresql', '~', [1, 20]),
  c('/usr/sbin/ufw status numbered', '~'),
  c('/usr/bin/certbot renew --dry-run', '~', [5, 40]),
  c('/usr/bin/lsof -i :5432', '~'),
  c('/usr/bin/crontab -l -u www-data', '~'),
  c('/usr/bin/systemctl restart app.service', '/srv/app'),
  c('/usr/bin/df -h', '~'),
  c('/usr/bin/ss -tlnp', '~'),
];

export const DEVELOPER_SUDO_COMMANDS: readonly SudoCommandTemplate[] = [
  c('/usr/bin/systemctl restart app.service', '/srv/app'),
  c('/usr/bin/systemctl status app.service', '/srv/app'),
  c('/usr/bin/journalctl -u app.service -n 200', '/srv/app', [3, 120]),
  c('/usr/bin/docker ps', '~'),
  c('/usr/bin/docker compose logs --tail 200 app', '/srv/app', [2, 60]),
  c('/usr/bin/tail -n 500 /var/log/app/app.log', '/srv/app', [1, 30]),
];

/** What a developer tries on a host where they have no sudo rights (refused). */
export const DEVELOPER_REFUSED_COMMANDS = [
  '/usr/bin/systemctl reload nginx',
  '/usr/bin/tail -f /var/log/nginx/error.log',
  '/usr/bin/apt update',
];

/** The deploy pipeline's allowed commands (NOPASSWD). */
export const DEPLOY_COMMANDS = [
  '/usr/bin/systemctl restart app.service',
  '/usr/bin/systemctl reload nginx',
  '/usr/bin/systemctl restart app-worker.service',
];

export const ANSIBLE_MODULES = ['setup', 'apt', 'copy', 'stat', 'file', 'systemd', 'lineinfile', 'template', 'command', 'user'];
