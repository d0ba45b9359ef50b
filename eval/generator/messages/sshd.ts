/**
 * Message texts OpenSSH's sshd writes (8.9–9.6, LogLevel INFO), each as it appears after the
 * `sshd[pid]: ` tag.
 */

export type SshAuthMethod = 'publickey' | 'password' | 'keyboard-interactive/pam';

/** How sshd names the user in preauth disconnect lines. */
export type PreauthUser = { kind: 'invalid' | 'authenticating'; name: string } | undefined;

function preauthUser(user: PreauthUser): string {
  return user ? `${user.kind} user ${user.name} ` : '';
}

export function accepted(
  method: SshAuthMethod,
  user: string,
  ip: string,
  port: number,
  key?: { type: string; fingerprint: string },
): string {
  const keySuffix = method === 'publickey' && key ? `: ${key.type} ${key.fingerprint}` : '';
  return `Accepted ${method} for ${user} from ${ip} port ${port} ssh2${keySuffix}`;
}

/** `Failed password for ...`, `Failed keyboard-interactive/pam for ...`. */
export function failedAuthentication(method: SshAuthMethod, user: string, validUser: boolean, ip: string, port: number): string {
  return `Failed ${method} for ${validUser ? '' : 'invalid user '}${user} from ${ip} port ${port} ssh2`;
}

export const failedPassword = (user: string, validUser: boolean, ip: string, port: number): string =>
  failedAuthentication('password', user, validUser, ip, port);

export function failedPublickey(user: string, ip: string, port: number, key: { type: string; fingerprint: string }): string {
  return `Failed publickey for ${user} from ${ip} port ${port} ssh2: ${key.type} ${key.fingerprint}`;
}

export const invalidUser = (user: string, ip: string, port: number): string => `Invalid user ${user} from ${ip} port ${port}`;

export function maxAuthTriesExceeded(user: string, validUser: boolean, ip: string, port: number): string {
  return `error: maximum authentication attempts exceeded for ${validUser ? '' : 'invalid user '}${user} from ${ip} port ${port} ssh2 [preauth]`;
}

export function disconnectingTooManyFailures(user: string, validUser: boolean, ip: string, port: number): string {
  return `Disconnecting ${validUser ? 'authenticating' : 'invalid'} user ${user} ${ip} port ${port}: Too many authentication failures [preauth]`;
}

/** OpenSSH before 7.6 says no more than this. */
export const disconnectingTooManyFailuresUnnamed = (): string => 'Disconnecting: Too many authentication failures [preauth]';

/** ClientAliveCountMax reached: OpenSSH 8.x+ names the user and client, older releases do not. */
export function clientTimeout(who?: { name: string; ip: string; port: number }): string {
  return who ? `Timeout, client not responding from user ${who.name} ${who.ip} port ${who.port}` : 'Timeout, client not responding.';
}

export function receivedDisconnect(ip: string, port: number, reason: string, preauth: boolean): string {
  return `Received disconnect from ${ip} port ${port}:11: ${reason}${preauth ? ' [preauth]' : ''}`;
}

export function disconnectedFrom(user: PreauthUser, ip: string, port: number, preauth: boolean): string {
  return `Disconnected from ${preauthUser(user)}${ip} port ${port}${preauth ? ' [preauth]' : ''}`;
}

/** After authentication sshd says `Disconnected from user NAME`. */
export const disconnectedFromUser = (user: string, ip: string, port: number): string => `Disconnected from user ${user} ${ip} port ${port}`;

export function connectionClosed(user: PreauthUser, ip: string, port: number, preauth: boolean): string {
  return `Connection closed by ${preauthUser(user)}${ip} port ${port}${preauth ? ' [preauth]' : ''}`;
}

export function connectionReset(user: PreauthUser, ip: string, port: number): string {
  return `Connection reset by ${preauthUser(user)}${ip} port ${port} [preauth]`;
}

export const noIdentificationString = (ip: string, port: number): string => `Did not receive identification string from ${ip} port ${port}`;

export const kexIdentificationClosed = (): string => 'error: kex_exchange_identification: Connection closed by remote host';

export const kexIdentificationReset = (): string => 'error: kex_exchange_identification: read: Connection reset by peer';

export const bannerInvalidFormat = (ip: string, port: number): string =>
  `banner exchange: Connection from ${ip} port ${port}: invalid format`;

export function unableToNegotiate(ip: string, port: number, what: string, offer: string): string {
  return `Unable to negotiate with ${ip} port ${port}: no matching ${what} found. Their offer: ${offer} [preauth]`;
}

/**
 * sshd's own report of a failed PAM conversation (keyboard-interactive, or password with
 * UsePAM): the only line many Debian hosts with `KbdInteractiveAuthentication yes` write for a
 * valid account's wrong password at LogLevel INFO. For an unknown account pam_unix's "user
 * unknown" is ignored by Debian's common-auth and pam_deny answers, so the text is the same with
 * `illegal user`.
 */
export function pamAuthenticationError(user: string, validUser: boolean, ip: string): string {
  return `error: PAM: Authentication failure for ${validUser ? '' : 'illegal user '}${user} from ${ip}`;
}

/** OpenSSH up to 7.x (RHEL/CentOS 7) repeats an unknown account's name at the first request. */
export const invalidUserRequest = (user: string): string => `input_userauth_request: invalid user ${user} [preauth]`;

/** With `UseDNS yes` (RHEL's default), for a client whose reverse DNS name does not resolve back. */
export const reverseMappingFailed = (name: string, ip: string): string =>
  `reverse mapping checking getaddrinfo for ${name} [${ip}] failed - POSSIBLE BREAK-IN ATTEMPT!`;

export const subsystemRequest = (subsystem: string, user: string): string => `subsystem request for ${subsystem} by user ${user}`;
