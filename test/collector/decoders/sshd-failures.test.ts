/**
 * Every form in which OpenSSH 6.6 to 9.x (Debian/Ubuntu, RHEL/CentOS; `sshd` and 9.8+'s
 * `sshd-session`) and its PAM stack report a failed authentication: each is category
 * authentication with outcome failure, its own event.action, and the source and user when the
 * line names them; inside rsyslog's `message repeated N times: [ ... ]` it also counts N.
 */
import t, { type Test } from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { decode } from './helpers.js';

interface FailureForm {
  body: string;
  action: string;
  ip?: string;
  domain?: string;
  user?: string;
  count?: number;
}

const FORMS: FailureForm[] = [
  { body: 'Failed password for root from 192.0.2.10 port 40022 ssh2', action: ACTIONS.sshLogin, ip: '192.0.2.10', user: 'root' },
  {
    body: 'Failed password for invalid user oracle from 192.0.2.10 port 40022 ssh2',
    action: ACTIONS.sshLogin,
    ip: '192.0.2.10',
    user: 'oracle',
  },
  {
    body: 'Failed none for invalid user admin from 2001:db8::10 port 40022 ssh2',
    action: ACTIONS.sshLogin,
    ip: '2001:db8::10',
    user: 'admin',
  },
  {
    body: 'Failed keyboard-interactive/pam for root from 192.0.2.10 port 40022 ssh2',
    action: ACTIONS.sshLogin,
    ip: '192.0.2.10',
    user: 'root',
  },
  {
    body: 'Failed publickey for git from 192.0.2.10 port 40022 ssh2: RSA SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    action: ACTIONS.sshLogin,
    ip: '192.0.2.10',
    user: 'git',
  },
  { body: 'Invalid user test from 192.0.2.11', action: ACTIONS.sshInvalidUser, ip: '192.0.2.11', user: 'test' },
  { body: 'Invalid user test from 192.0.2.11 port 50100', action: ACTIONS.sshInvalidUser, ip: '192.0.2.11', user: 'test' },
  { body: 'input_userauth_request: invalid user test [preauth]', action: ACTIONS.sshInvalidUserRequest, user: 'test' },
  {
    body: 'error: PAM: Authentication failure for root from 192.0.2.12',
    action: ACTIONS.sshPamAuthenticationFailure,
    ip: '192.0.2.12',
    user: 'root',
  },
  {
    body: 'error: PAM: Authentication failure for illegal user guest from 192.0.2.12',
    action: ACTIONS.sshPamAuthenticationFailure,
    ip: '192.0.2.12',
    user: 'guest',
  },
  {
    body: 'PAM: Authentication failure for root from dsl-12.example.net',
    action: ACTIONS.sshPamAuthenticationFailure,
    domain: 'dsl-12.example.net',
    user: 'root',
  },
  {
    body: 'error: PAM: User not known to the underlying authentication module for illegal user guest from 192.0.2.12',
    action: ACTIONS.sshPamAuthenticationFailure,
    ip: '192.0.2.12',
    user: 'guest',
  },
  {
    body: 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.13  user=root',
    action: ACTIONS.pamAuthenticationFailure,
    ip: '192.0.2.13',
    user: 'root',
  },
  {
    body: 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=host-13.example.org user=root',
    action: ACTIONS.pamAuthenticationFailure,
    domain: 'host-13.example.org',
    user: 'root',
  },
  {
    body: 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.13',
    action: ACTIONS.pamAuthenticationFailure,
    ip: '192.0.2.13',
  },
  { body: 'pam_unix(sshd:auth): check pass; user unknown', action: ACTIONS.pamUserUnknown },
  {
    body: 'PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.14  user=root',
    action: ACTIONS.pamMoreAuthenticationFailures,
    ip: '192.0.2.14',
    user: 'root',
    count: 2,
  },
  {
    body: 'pam_succeed_if(sshd:auth): requirement "uid >= 1000" not met by user "root"',
    action: ACTIONS.pamRequirementNotMet,
    user: 'root',
  },
  {
    body: 'pam_faillock(sshd:auth): Consecutive login failures for user root account temporarily locked',
    action: ACTIONS.pamAccountLocked,
    user: 'root',
  },
  {
    body: 'error: maximum authentication attempts exceeded for invalid user admin from 192.0.2.15 port 50200 ssh2 [preauth]',
    action: ACTIONS.sshMaxAuthAttemptsExceeded,
    ip: '192.0.2.15',
    user: 'admin',
  },
  {
    body: 'error: maximum authentication attempts exceeded for root from 192.0.2.15 port 50200 ssh2 [preauth]',
    action: ACTIONS.sshMaxAuthAttemptsExceeded,
    ip: '192.0.2.15',
    user: 'root',
  },
  {
    body: 'Connection closed by invalid user admin 192.0.2.16 port 50300 [preauth]',
    action: ACTIONS.sshConnectionClosed,
    ip: '192.0.2.16',
    user: 'admin',
  },
  {
    body: 'Connection closed by authenticating user root 192.0.2.16 port 50300 [preauth]',
    action: ACTIONS.sshConnectionClosed,
    ip: '192.0.2.16',
    user: 'root',
  },
  {
    body: 'Connection reset by authenticating user root 192.0.2.16 port 50300 [preauth]',
    action: ACTIONS.sshConnectionReset,
    ip: '192.0.2.16',
    user: 'root',
  },
  {
    body: 'Disconnected from invalid user admin 192.0.2.17 port 50400 [preauth]',
    action: ACTIONS.sshDisconnected,
    ip: '192.0.2.17',
    user: 'admin',
  },
  {
    body: 'Disconnected from authenticating user root 192.0.2.17 port 50400 [preauth]',
    action: ACTIONS.sshDisconnected,
    ip: '192.0.2.17',
    user: 'root',
  },
  { body: 'Disconnecting: Too many authentication failures [preauth]', action: ACTIONS.sshTooManyAuthFailures },
  { body: 'Disconnecting: Too many authentication failures for root [preauth]', action: ACTIONS.sshTooManyAuthFailures, user: 'root' },
  {
    body: 'Disconnecting authenticating user root 192.0.2.18 port 50500: Too many authentication failures [preauth]',
    action: ACTIONS.sshTooManyAuthFailures,
    ip: '192.0.2.18',
    user: 'root',
  },
  {
    body: 'Disconnecting invalid user admin 192.0.2.18 port 50500: Too many authentication failures [preauth]',
    action: ACTIONS.sshTooManyAuthFailures,
    ip: '192.0.2.18',
    user: 'admin',
  },
  {
    body: 'User root from 192.0.2.19 not allowed because not listed in AllowUsers',
    action: ACTIONS.sshUserNotAllowed,
    ip: '192.0.2.19',
    user: 'root',
  },
  { body: 'ROOT LOGIN REFUSED FROM 192.0.2.19', action: ACTIONS.sshRootLoginRefused, ip: '192.0.2.19', user: 'root' },
];

function check(t: Test, app: string, body: string, form: FailureForm, count: number | undefined): void {
  const event = decode(app, body);
  t.equal(event.event.action, form.action, 'action');
  t.ok(event.event.category?.includes('authentication'), 'category authentication');
  t.equal(event.event.outcome, 'failure', 'outcome failure');
  t.equal(event.source?.ip, form.ip, 'source.ip');
  t.equal(event.source?.domain, form.domain, 'source.domain');
  t.equal(event.user?.name, form.user, 'user.name');
  t.equal(event.event.count, count, 'event.count');
  t.equal(event.event.dataset, 'system.auth');
  t.equal(event.tags, undefined, 'no tags');
}

for (const app of ['sshd', 'sshd-session']) {
  t.test(`${app}: every failure form is an authentication failure with its source and user`, async (t) => {
    for (const form of FORMS) t.test(form.body, async (t) => check(t, app, form.body, form, form.count));
  });
  t.test(`${app}: inside "message repeated N times" every failure form counts N`, async (t) => {
    for (const form of FORMS) {
      const body = `message repeated 3 times: [ ${form.body}]`;
      t.test(body, async (t) => check(t, app, body, form, 3 * (form.count ?? 1)));
    }
  });
}

t.test('closing lines without a failed user are not authentication failures', async (t) => {
  for (const body of [
    'Connection closed by 192.0.2.20 port 50600 [preauth]',
    'Connection closed by 192.0.2.20 [preauth]',
    'Disconnected from 192.0.2.20 port 50600 [preauth]',
    'Disconnected from user alice 192.0.2.20 port 50600',
    'Connection reset by 192.0.2.20 port 50600 [preauth]',
    'Received disconnect from 192.0.2.20 port 50600:11: Bye Bye [preauth]',
    'Timeout before authentication for 192.0.2.20 port 50600',
  ]) {
    const event = decode('sshd', body);
    t.equal(event.event.outcome, undefined, `${body}: no outcome`);
    t.strictSame(event.event.category, ['network'], `${body}: network only`);
    t.equal(event.source?.ip, '192.0.2.20', `${body}: source kept`);
  }
});

t.test('the PAM reason sshd quotes is kept as event.reason', async (t) => {
  const event = decode('sshd', 'error: PAM: User not known to the underlying authentication module for illegal user guest from 192.0.2.12');
  t.equal(event.event.reason, 'User not known to the underlying authentication module');
  t.equal(event.labels?.invalid_user, 'true');
});

t.test('a PAM line whose reason runs on without " for " is not taken for a failure', async (t) => {
  const event = decode('sshd', `error: PAM: ${'x'.repeat(200)} for root from 192.0.2.12`);
  t.equal(event.event.action, undefined);
});

t.test('a missing host key is a configuration notice naming the file', async (t) => {
  const event = decode('sshd', 'error: Could not load host key: /etc/ssh/ssh_host_ed25519_key');
  t.equal(event.event.action, ACTIONS.sshHostKeyUnavailable);
  t.strictSame(event.event.category, ['configuration']);
  t.equal(event.event.outcome, undefined);
  t.equal(event.file?.path, '/etc/ssh/ssh_host_ed25519_key');
});

t.test('ssh_dispatch_run_fatal is a connection error that names the source', async (t) => {
  const event = decode(
    'sshd',
    'ssh_dispatch_run_fatal: Connection from 2001:db8::9 port 51900: message authentication code incorrect [preauth]',
  );
  t.equal(event.event.action, ACTIONS.sshConnectionError);
  t.equal(event.event.outcome, undefined);
  t.equal(event.source?.ip, '2001:db8::9');
  t.equal(event.source?.port, 51900);
});
