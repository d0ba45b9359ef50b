/** What site 2's people run through sudo, by the role of the server. */
import type { SudoCommandTemplate } from '../../catalog/commands.js';
import type { HostRole } from '../organization.js';

const c = (command: string, pwd: string, runSeconds: readonly [number, number] = [0.05, 3]): SudoCommandTemplate => ({
  command,
  pwd,
  runSeconds,
});

export const SUDO_COMMANDS: Record<HostRole, readonly SudoCommandTemplate[]> = {
  mail: [
    c('/usr/bin/tail -n 200 /var/log/mail.log', '~', [0.05, 1]),
    c('/usr/sbin/postqueue -p', '~'),
    c('/usr/sbin/postsuper -d ALL deferred', '~'),
    c('/usr/bin/doveadm who', '~'),
    c('/usr/bin/systemctl restart dovecot', '/etc/dovecot'),
    c('/usr/bin/systemctl reload postfix', '/etc/postfix'),
    c('/usr/bin/vim /etc/postfix/main.cf', '/etc/postfix', [30, 500]),
    c('/usr/bin/certbot certificates', '~', [1, 6]),
    c('/usr/bin/apt update', '~', [4, 25]),
    c('/usr/bin/apt upgrade -y', '~', [30, 300]),
    c('/usr/sbin/ufw status verbose', '~'),
    c('/usr/bin/journalctl -u apache2 --since -1h', '~', [5, 120]),
  ],
  apps: [
    c('/usr/bin/systemctl restart app.service', '/srv/app'),
    c('/usr/bin/systemctl status app.service', '/srv/app'),
    c('/usr/bin/journalctl -u app.service -n 300', '/srv/app', [3, 200]),
    c('/usr/bin/docker ps', '~'),
    c('/usr/bin/docker compose -f /srv/app/compose.yml logs --tail 100', '/srv/app', [2, 60]),
    c('/usr/sbin/nginx -t', '/etc/nginx'),
    c('/usr/bin/systemctl reload nginx', '/etc/nginx'),
    c('/usr/bin/du -sh /srv/app/storage', '/srv/app', [1, 20]),
    c('/usr/bin/apt list --upgradable', '~', [1, 4]),
  ],
  crm: [
    c('/bin/yum check-update', '~', [5, 40]),
    c('/bin/systemctl status httpd', '~'),
    c('/bin/tail -n 100 /var/log/httpd/error_log', '/var/log/httpd'),
    c('/bin/systemctl restart httpd', '~'),
    c('/bin/mysqldump --single-transaction crm -r /root/crm.sql', '~', [20, 200]),
  ],
};
