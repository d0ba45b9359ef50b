/**
 * Bodies from unknown programs and plain file lines: guess the format from cheap signs (the first
 * character, a fixed position, a substring) before running the decoder that would know.
 */
import type { EcsEvent } from '../ecs/event.js';
import type { SyslogMessage } from '../syslog/message.js';
import { decodeApacheErrorFile } from './apache-error.js';
import type { DecodeOptions } from './decoder.js';
import { DATASETS } from './fields.js';
import { decodeFail2banPrefixed } from './fail2ban.js';
import { decodeLogin } from './login.js';
import { decodeNetfilter } from './netfilter.js';
import { decodeNginxError } from './nginx-error.js';
import { decodePam } from './pam.js';
import { decodeServiceStatus } from './service-status.js';
import { decodeAccessLog } from './web-access.js';

/** Which access-log dataset a plain line belongs to: nginx when its file path says so. */
function accessDataset(event: EcsEvent, msg: SyslogMessage): typeof DATASETS.nginxAccess | typeof DATASETS.apacheAccess {
  const path = event.log.file?.path;
  if (path?.includes('nginx')) return DATASETS.nginxAccess;
  if (msg.appName?.startsWith('nginx')) return DATASETS.nginxAccess;
  // Common/Combined Log Format is Apache's; without a sign of nginx it is read as Apache's.
  return DATASETS.apacheAccess;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** `-- root[2421]: ROOT LOGIN ON tty2`: old login(1) set its process title as the syslog tag. */
function loginWithTitleTag(body: string, event: EcsEvent): boolean {
  const colon = body.indexOf(': ', 3);
  return colon > 0 && colon < 64 && decodeLogin(body.slice(colon + 2), event);
}

export function sniffBody(body: string, event: EcsEvent, msg: SyslogMessage, options: DecodeOptions): boolean {
  const first = body.charCodeAt(0);
  if (first === 91 /* [ */) {
    return decodeApacheErrorFile(body, event, msg, options) || decodeNetfilter(body, event);
  }
  if (isDigit(first) && body.charCodeAt(4) === 47 /* / */ && decodeNginxError(body, event, msg, options)) return true;
  if (first === 45 /* - */ && body.startsWith('-- ')) return loginWithTitleTag(body, event);
  if (first === 102 /* f */ && decodeFail2banPrefixed(body, event)) return true;
  // `pam_unix(systemd-user:session): ...` from `(systemd)` and other programs without a profile.
  if (first === 112 /* p */ && body.startsWith('pam_') && decodePam(body, event)) return true;
  if (first === 73 /* I */ || body.includes(' IN=')) {
    if (decodeNetfilter(body, event)) return true;
  }
  if (decodeAccessLog(body, event, msg, accessDataset(event, msg))) return true;
  if ((first === 82 /* R */ || first === 70) /* F */ && decodeLogin(body, event)) return true;
  return decodeServiceStatus(body, event);
}
