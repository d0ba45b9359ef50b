import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { runCases, type Case } from './helpers.js';

const cases: Case[] = [
  {
    name: 'pam_unix authentication failure with rhost and user (sshd)',
    app: 'sshd',
    body: 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9  user=root',
    expected: {
      event: {
        dataset: 'system.auth',
        action: ACTIONS.pamAuthenticationFailure,
        category: ['authentication'],
        type: ['info'],
        outcome: 'failure',
      },
      user: { name: 'root' },
      source: { ip: '203.0.113.9' },
      related: { ip: ['203.0.113.9'], user: ['root'] },
    },
  },
  {
    name: 'pam_unix authentication failure from an IPv6 rhost without a user',
    app: 'sshd',
    body: 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=2001:db8::42 ',
    expected: { event: { action: ACTIONS.pamAuthenticationFailure, outcome: 'failure' }, source: { ip: '2001:db8::42' } },
  },
  {
    name: 'a host name rhost goes to source.domain',
    app: 'sshd',
    body: 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=5.36.59.76.dynamic-dsl-ip.omantel.net.om  user=root',
    expected: { source: { domain: '5.36.59.76.dynamic-dsl-ip.omantel.net.om' }, user: { name: 'root' } },
  },
  {
    name: 'tag with PAM suffix sshd(pam_unix) and a bare body',
    app: 'sshd(pam_unix)',
    body: 'authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4  user=guest',
    expected: {
      event: { action: ACTIONS.pamAuthenticationFailure, outcome: 'failure' },
      user: { name: 'guest' },
      source: { ip: '218.188.2.4' },
    },
  },
  {
    name: 'check pass; user unknown',
    app: 'sshd',
    body: 'pam_unix(sshd:auth): check pass; user unknown',
    expected: { event: { action: ACTIONS.pamUserUnknown, category: ['authentication'] } },
  },
  {
    name: 'PAM N more authentication failures carries the count and the user',
    app: 'sshd',
    body: 'PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.3  user=root',
    expected: {
      event: { action: ACTIONS.pamMoreAuthenticationFailures, outcome: 'failure', count: 5 },
      user: { name: 'root' },
      source: { ip: '198.51.100.3' },
    },
  },
  {
    name: 'PAM 1 more authentication failure (singular)',
    app: 'sshd',
    body: 'PAM 1 more authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=5.188.10.180',
    expected: { event: { action: ACTIONS.pamMoreAuthenticationFailures, count: 1 }, source: { ip: '5.188.10.180' } },
  },
  {
    name: 'PAM service ignoring max retries',
    app: 'sshd',
    body: 'PAM service(sshd) ignoring max retries; 6 > 3',
    expected: { event: { action: ACTIONS.pamMaxRetriesIgnored } },
  },
  {
    name: 'session opened for user by (uid=0)',
    app: 'sshd',
    body: 'pam_unix(sshd:session): session opened for user fztu by (uid=0)',
    expected: {
      event: { action: ACTIONS.pamSessionOpened, category: ['session'], type: ['start'], outcome: 'success' },
      user: { name: 'fztu' },
      related: { user: ['fztu'] },
    },
  },
  {
    name: 'session opened for user(uid) by another user (sudo): both related',
    app: 'sudo',
    body: 'pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)',
    expected: { event: { action: ACTIONS.pamSessionOpened }, user: { name: 'root' }, related: { user: ['root', 'alice'] } },
  },
  {
    name: 'session closed for user',
    app: 'sshd',
    body: 'pam_unix(sshd:session): session closed for user fztu',
    expected: { event: { action: ACTIONS.pamSessionClosed, category: ['session'], type: ['end'] }, user: { name: 'fztu' } },
  },
  {
    name: 'cron sessions through PAM',
    app: 'CRON',
    body: 'pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)',
    expected: { event: { dataset: 'system.auth', action: ACTIONS.pamSessionOpened }, user: { name: 'root' } },
  },
  {
    name: 'login(pam_unix) session opened by LOGIN names no second user',
    app: 'login(pam_unix)',
    body: 'session opened for user root by LOGIN(uid=0)',
    expected: { event: { action: ACTIONS.pamSessionOpened }, user: { name: 'root' }, related: { user: ['root'] } },
  },
  {
    name: 'su(pam_unix) session opened',
    app: 'su(pam_unix)',
    body: 'session opened for user cyrus by (uid=0)',
    expected: { event: { action: ACTIONS.pamSessionOpened }, user: { name: 'cyrus' } },
  },
  {
    name: 'sudo authentication failure names the user whose password failed',
    app: 'sudo',
    body: 'pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=alice',
    expected: { event: { action: ACTIONS.pamAuthenticationFailure, outcome: 'failure' }, user: { name: 'alice' } },
  },
  {
    name: 'su authentication failure: user is the target account, ruser is related',
    app: 'su',
    body: 'pam_unix(su:auth): authentication failure; logname=bob uid=1001 euid=0 tty=pts/1 ruser=bob rhost=  user=root',
    expected: { event: { action: ACTIONS.pamAuthenticationFailure }, user: { name: 'root' }, related: { user: ['root', 'bob'] } },
  },
  {
    name: 'vsftpd authentication failure names the user from ruser',
    app: 'vsftpd',
    body: 'pam_unix(vsftpd:auth): authentication failure; logname= uid=0 euid=0 tty=ftp ruser=carol rhost=::ffff:192.0.2.55',
    expected: { event: { action: ACTIONS.pamAuthenticationFailure }, user: { name: 'carol' }, source: { ip: '::ffff:192.0.2.55' } },
  },
  {
    name: 'passwd password changed through PAM',
    app: 'passwd',
    body: 'pam_unix(passwd:chauthtok): password changed for bob',
    expected: {
      event: { action: ACTIONS.passwordChanged, category: ['iam'], type: ['user', 'change'], outcome: 'success' },
      user: { target: { name: 'bob' } },
    },
  },
  {
    name: 'chpasswd password changed through PAM',
    app: 'chpasswd',
    body: 'pam_unix(chpasswd:chauthtok): password changed for carol',
    expected: { event: { action: ACTIONS.passwordChanged }, user: { target: { name: 'carol' } } },
  },
  {
    name: 'another pam module (pam_sss) with the same wording',
    app: 'sshd',
    body: 'pam_sss(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.77 user=dave',
    expected: { event: { action: ACTIONS.pamAuthenticationFailure }, user: { name: 'dave' }, source: { ip: '192.0.2.77' } },
  },
  {
    name: 'any name(pam_unix) tag is decoded as PAM',
    app: 'gdm(pam_unix)',
    body: 'authentication failure; logname= uid=0 euid=0 tty=:0 ruser= rhost=',
    expected: { event: { dataset: 'system.auth', action: ACTIONS.pamAuthenticationFailure, outcome: 'failure' } },
  },
];

runCases(t, cases);
