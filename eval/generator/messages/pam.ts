/**
 * Message texts pam_unix writes (Linux-PAM 1.4+, as on Ubuntu 22.04/24.04 and Debian 12).
 * Note pam_unix's own spacing: `rhost=X  user=Y` has two spaces, and a trailing space stays
 * when no user is named.
 */

export interface PamAuthFailure {
  service: string;
  logname: string;
  uid: number;
  tty: string;
  ruser: string;
  rhost: string;
  user?: string;
}

export function pamAuthFailure(failure: PamAuthFailure): string {
  const { service, logname, uid, tty, ruser, rhost, user } = failure;
  return (
    `pam_unix(${service}:auth): authentication failure; logname=${logname} uid=${uid} euid=0 ` +
    `tty=${tty} ruser=${ruser} rhost=${rhost} ${user ? ` user=${user}` : ''}`
  );
}

/** Logged at the end of a conversation that had more than one failure. */
export function pamMoreFailures(count: number, rhost: string, user?: string): string {
  return (
    `PAM ${count} more authentication failure${count === 1 ? '' : 's'}; logname= uid=0 euid=0 tty=ssh ` +
    `ruser= rhost=${rhost} ${user ? ` user=${user}` : ''}`
  );
}

export function pamIgnoringMaxRetries(service: string, attempts: number): string {
  return `PAM service(${service}) ignoring max retries; ${attempts} > 3`;
}

export const pamCheckPassUserUnknown = (service: string): string => `pam_unix(${service}:auth): check pass; user unknown`;

/** `by` is the invoking login name and uid; sshd and cron sessions show `by (uid=0)`. */
export function pamSessionOpened(service: string, user: string, uid: number, by: { name?: string; uid: number }): string {
  return `pam_unix(${service}:session): session opened for user ${user}(uid=${uid}) by ${by.name ?? ''}(uid=${by.uid})`;
}

/** Linux-PAM before 1.4 (RHEL/CentOS 7) names the user without the uid. */
export function pamSessionOpenedWithoutUid(service: string, user: string, by: { name?: string; uid: number }): string {
  return `pam_unix(${service}:session): session opened for user ${user} by ${by.name ?? ''}(uid=${by.uid})`;
}

export const pamSessionClosed = (service: string, user: string): string => `pam_unix(${service}:session): session closed for user ${user}`;

export const pamPasswordChanged = (user: string): string => `pam_unix(passwd:chauthtok): password changed for ${user}`;
