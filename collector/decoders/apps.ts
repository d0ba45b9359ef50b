/**
 * Which decoders a program's messages go through, looked up by the syslog APP-NAME/TAG.
 * Names are matched as sent first (one Map lookup); on a miss, the name is normalised (lower
 * case, `sshd(pam_unix)` -> `sshd`, `/usr/sbin/cron` -> `cron`) and looked up again.
 */
import type { EcsEvent } from '../ecs/event.js';
import type { SyslogMessage } from '../syslog/message.js';
import { decodeAccounts } from './accounts.js';
import { decodeApacheErrorSyslog } from './apache-error.js';
import { decodeCron } from './cron.js';
import type { Decoder } from './decoder.js';
import { decodeDisplayManager, decodeKdm } from './display-manager.js';
import { DATASETS, type Dataset } from './fields.js';
import { decodeFail2ban } from './fail2ban.js';
import { decodeFtpd } from './ftpd.js';
import { decodeKerberosLogin } from './kerberos-login.js';
import { decodeLogin } from './login.js';
import { decodeLogind } from './logind.js';
import { decodeNetfilter } from './netfilter.js';
import { decodeNginxError } from './nginx-error.js';
import { decodePam } from './pam.js';
import { decodeLogrotate } from './service-status.js';
import { decodeSnmpd } from './snmpd.js';
import { decodeSshd } from './sshd.js';
import { decodeSu } from './su.js';
import { decodeSudo } from './sudo.js';
import { decodeAccessLog } from './web-access.js';

export interface AppProfile {
  /** Set before decoding, so even an unrecognised line of the program lands in its dataset. */
  readonly dataset: Dataset | undefined;
  readonly decoders: readonly Decoder[];
}

function decodeNginxAccess(body: string, event: EcsEvent, msg: SyslogMessage): boolean {
  return decodeAccessLog(body, event, msg, DATASETS.nginxAccess);
}

function decodeApacheAccess(body: string, event: EcsEvent, msg: SyslogMessage): boolean {
  return decodeAccessLog(body, event, msg, DATASETS.apacheAccess);
}

function profile(dataset: Dataset | undefined, ...decoders: Decoder[]): AppProfile {
  return { dataset, decoders };
}

const SSHD = profile(DATASETS.systemAuth, decodeSshd, decodePam);
const ACCOUNTS = profile(DATASETS.systemAuth, decodeAccounts, decodePam);
const CRON = profile(undefined, decodeCron, decodePam);
const NETFILTER = profile(undefined, decodeNetfilter);
const NGINX = profile(undefined, decodeNginxAccess, decodeNginxError);
const APACHE = profile(undefined, decodeApacheAccess, decodeApacheErrorSyslog);
const FTPD = profile(DATASETS.systemAuth, decodeFtpd, decodePam);
const DISPLAY_MANAGER = profile(undefined, decodeDisplayManager, decodePam);
/** `fail2ban` (journal), `fail2ban-server` (stdout), `fail2ban.filter` and other modules (syslog, log file). */
const FAIL2BAN = profile(DATASETS.fail2ban, decodeFail2ban);
/** Any other `name(pam_unix)` tag. */
export const PAM_ONLY = profile(DATASETS.systemAuth, decodePam);

const APPS = new Map<string, AppProfile>([
  ['sshd', SSHD],
  ['sshd-session', SSHD],
  ['sshd-auth', SSHD],
  ['sudo', profile(DATASETS.systemAuth, decodeSudo, decodePam)],
  ['su', profile(DATASETS.systemAuth, decodeSu, decodePam)],
  ['login', profile(DATASETS.systemAuth, decodeLogin, decodePam)],
  ['cron', CRON],
  ['crond', CRON],
  ['CRON', CRON],
  ['CROND', CRON],
  ['useradd', ACCOUNTS],
  ['userdel', ACCOUNTS],
  ['usermod', ACCOUNTS],
  ['groupadd', ACCOUNTS],
  ['groupdel', ACCOUNTS],
  ['groupmod', ACCOUNTS],
  ['passwd', ACCOUNTS],
  ['chpasswd', ACCOUNTS],
  ['gpasswd', ACCOUNTS],
  ['chage', ACCOUNTS],
  ['newusers', ACCOUNTS],
  ['systemd-logind', profile(undefined, decodeLogind)],
  ['kernel', NETFILTER],
  ['ufw', NETFILTER],
  ['nginx', NGINX],
  ['apache2', APACHE],
  ['apache', APACHE],
  ['httpd', APACHE],
  ['ftpd', FTPD],
  ['vsftpd', FTPD],
  ['klogind', profile(DATASETS.systemAuth, decodeKerberosLogin)],
  ['gdm', DISPLAY_MANAGER],
  ['gdm-binary', DISPLAY_MANAGER],
  ['gdm-session-worker', DISPLAY_MANAGER],
  ['kdm', profile(undefined, decodeKdm, decodeDisplayManager, decodePam)],
  ['snmpd', profile(undefined, decodeSnmpd)],
  ['logrotate', profile(undefined, decodeLogrotate)],
]);

/** Longest tag worth normalising (the parser caps tags too). */
const MAX_APP_NAME_LENGTH = 256;

function normalisedName(appName: string): string {
  let start = appName.lastIndexOf('/') + 1;
  let end = appName.indexOf('(', start);
  if (end < 0) end = appName.length;
  while (start < end && appName.charCodeAt(start) === 32) start++;
  return appName.slice(start, end).toLowerCase();
}

/** The profile for an APP-NAME, or undefined for programs we have no decoder for. */
export function profileFor(appName: string): AppProfile | undefined {
  const exact = APPS.get(appName);
  if (exact !== undefined || appName.length > MAX_APP_NAME_LENGTH) return exact;
  const name = normalisedName(appName);
  const normalised = APPS.get(name);
  if (normalised !== undefined) return normalised;
  if (name.startsWith('nginx')) return NGINX;
  if (name.startsWith('apache') || name.startsWith('httpd')) return APACHE;
  if (name.startsWith('fail2ban')) return FAIL2BAN;
  if (appName.includes('(pam_')) return PAM_ONLY;
  return undefined;
}
