/**
 * The `event.action` vocabulary: kebab-case verbs analysts can group on. Each value is documented
 * (category, type, outcome, example) in README.md beside this file; downstream code compares with
 * these constants, never with string literals.
 */
export const ACTIONS = {
  // sshd
  sshLogin: 'ssh-login',
  sshLoginPostponed: 'ssh-login-postponed',
  sshInvalidUser: 'ssh-invalid-user',
  sshInvalidUserRequest: 'ssh-invalid-user-request',
  sshUserNotAllowed: 'ssh-user-not-allowed',
  sshRootLoginRefused: 'ssh-root-login-refused',
  sshMaxAuthAttemptsExceeded: 'ssh-max-auth-attempts-exceeded',
  sshTooManyAuthFailures: 'ssh-too-many-auth-failures',
  sshPamAuthenticationFailure: 'ssh-pam-authentication-failure',
  sshConnectionOpened: 'ssh-connection-opened',
  sshConnectionClosed: 'ssh-connection-closed',
  sshConnectionReset: 'ssh-connection-reset',
  sshConnectionDropped: 'ssh-connection-dropped',
  sshConnectionError: 'ssh-connection-error',
  sshDisconnected: 'ssh-disconnected',
  sshDisconnectReceived: 'ssh-disconnect-received',
  sshAuthTimeout: 'ssh-auth-timeout',
  sshNoIdentification: 'ssh-no-identification',
  sshBadProtocolVersion: 'ssh-bad-protocol-version',
  sshNegotiationFailed: 'ssh-negotiation-failed',
  sshReverseMappingFailed: 'ssh-reverse-mapping-failed',
  sshReverseMappingMismatch: 'ssh-reverse-mapping-mismatch',
  sshServerListening: 'ssh-server-listening',
  sshServerStopping: 'ssh-server-stopping',
  // PAM (any service)
  pamAuthenticationFailure: 'pam-authentication-failure',
  pamMoreAuthenticationFailures: 'pam-more-authentication-failures',
  pamUserUnknown: 'pam-user-unknown',
  pamMaxRetriesIgnored: 'pam-max-retries-ignored',
  pamSessionOpened: 'pam-session-opened',
  pamSessionClosed: 'pam-session-closed',
  // privilege changes
  sudoCommand: 'sudo-command',
  sudoIncorrectPassword: 'sudo-incorrect-password',
  sudoNotInSudoers: 'sudo-not-in-sudoers',
  sudoCommandNotAllowed: 'sudo-command-not-allowed',
  switchUser: 'switch-user',
  // accounts and groups
  userCreated: 'user-created',
  userDeleted: 'user-deleted',
  userChanged: 'user-changed',
  userRenamed: 'user-renamed',
  userLocked: 'user-locked',
  userUnlocked: 'user-unlocked',
  passwordChanged: 'password-changed',
  userAddedToGroup: 'user-added-to-group',
  userRemovedFromGroup: 'user-removed-from-group',
  groupCreated: 'group-created',
  groupDeleted: 'group-deleted',
  groupEntryAdded: 'group-entry-added',
  groupEntryRemoved: 'group-entry-removed',
  // sessions, logins, jobs
  logindNewSession: 'logind-new-session',
  logindSessionRemoved: 'logind-session-removed',
  logindSessionLoggedOut: 'logind-session-logged-out',
  cronCommand: 'cron-command',
  login: 'login',
  loginTooManyTries: 'login-too-many-tries',
  kerberosLogin: 'kerberos-login',
  displayManagerLogin: 'display-manager-login',
  // ftp
  ftpConnection: 'ftp-connection',
  ftpLogin: 'ftp-login',
  ftpSessionTimeout: 'ftp-session-timeout',
  ftpConnectionError: 'ftp-connection-error',
  // services
  serviceStarted: 'service-started',
  serviceStopped: 'service-stopped',
  logrotateFailed: 'logrotate-failed',
  snmpPacketReceived: 'snmp-packet-received',
  // web
  httpRequest: 'http-request',
  httpFileNotFound: 'http-file-not-found',
  httpAccessForbidden: 'http-access-forbidden',
  httpAuthFailure: 'http-auth-failure',
  httpInvalidRequest: 'http-invalid-request',
  httpRateLimited: 'http-rate-limited',
  httpUpstreamError: 'http-upstream-error',
  // firewall
  firewallPacket: 'firewall-packet',
} as const;

export type Action = (typeof ACTIONS)[keyof typeof ACTIONS];
