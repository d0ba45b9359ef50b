import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { TAGS } from '../../../collector/ecs/event.js';
import { decode, runCases, type Case } from './helpers.js';

const AUTH = { dataset: 'system.auth', module: 'system' } as const;

const logins: Case[] = [
  {
    name: 'Accepted password is a successful ssh-login with method, user and source',
    app: 'sshd',
    body: 'Accepted password for fztu from 119.137.62.142 port 49116 ssh2',
    expected: {
      event: { ...AUTH, action: ACTIONS.sshLogin, category: ['authentication'], type: ['start'], outcome: 'success' },
      user: { name: 'fztu' },
      source: { ip: '119.137.62.142', port: 49116, address: '119.137.62.142' },
      labels: { auth_method: 'password' },
      related: { ip: ['119.137.62.142'], user: ['fztu'] },
    },
  },
  {
    name: 'Accepted publickey from IPv6 with key details after ssh2',
    app: 'sshd',
    body: 'Accepted publickey for alice from 2001:db8::5 port 22 ssh2: ED25519 SHA256:Xn0ZkOBVSbeS4M9p2mLl0Dd1Gd7x8Q9A/dC6kmUEqDk',
    expected: {
      event: { action: ACTIONS.sshLogin, outcome: 'success' },
      user: { name: 'alice' },
      source: { ip: '2001:db8::5', port: 22 },
      labels: { auth_method: 'publickey' },
    },
  },
  {
    name: 'Failed password for an existing user is a failed ssh-login',
    app: 'sshd',
    body: 'Failed password for root from 5.36.59.76 port 42393 ssh2',
    expected: {
      event: { ...AUTH, action: ACTIONS.sshLogin, category: ['authentication'], type: ['info'], outcome: 'failure' },
      user: { name: 'root' },
      source: { ip: '5.36.59.76', port: 42393 },
      labels: { auth_method: 'password' },
    },
  },
  {
    name: 'Failed password for invalid user keeps the tried name and marks it invalid',
    app: 'sshd',
    body: 'Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2',
    expected: {
      event: { action: ACTIONS.sshLogin, outcome: 'failure' },
      user: { name: 'webmaster' },
      source: { ip: '173.234.31.186', port: 38926 },
      labels: { auth_method: 'password', invalid_user: 'true' },
    },
  },
  {
    name: 'Failed keyboard-interactive/pam from an IPv4-mapped IPv6 address',
    app: 'sshd',
    body: 'Failed keyboard-interactive/pam for invalid user oracle from ::ffff:1.2.3.4 port 50022 ssh2',
    expected: {
      event: { action: ACTIONS.sshLogin, outcome: 'failure' },
      user: { name: 'oracle' },
      source: { ip: '::ffff:1.2.3.4', port: 50022 },
      labels: { auth_method: 'keyboard-interactive/pam', invalid_user: 'true' },
    },
  },
  {
    name: 'Failed none for invalid user 0',
    app: 'sshd',
    body: 'Failed none for invalid user 0 from 5.188.10.180 port 49811 ssh2',
    expected: {
      event: { action: ACTIONS.sshLogin, outcome: 'failure' },
      user: { name: '0' },
      source: { ip: '5.188.10.180' },
      labels: { auth_method: 'none' },
    },
  },
  {
    name: 'Failed publickey with key details',
    app: 'sshd',
    body: 'Failed publickey for git from 203.0.113.7 port 40022 ssh2: RSA SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    expected: {
      event: { action: ACTIONS.sshLogin, outcome: 'failure' },
      user: { name: 'git' },
      source: { ip: '203.0.113.7', port: 40022 },
      labels: { auth_method: 'publickey' },
    },
  },
  {
    name: 'old sshd wording "illegal user" counts as invalid user',
    app: 'sshd',
    body: 'Failed password for illegal user test from ::ffff:61.53.154.93 port 34180 ssh2',
    expected: {
      event: { action: ACTIONS.sshLogin, outcome: 'failure' },
      user: { name: 'test' },
      source: { ip: '::ffff:61.53.154.93' },
      labels: { invalid_user: 'true' },
    },
  },
  {
    name: 'a user name that imitates an address cannot pose as the source',
    app: 'sshd',
    body: 'Failed password for invalid user x from 6.6.6.6 port 1 ssh2 from 198.51.100.23 port 5555 ssh2',
    expected: {
      user: { name: 'x from 6.6.6.6 port 1 ssh2' },
      source: { ip: '198.51.100.23', port: 5555 },
      related: { ip: ['198.51.100.23'] },
    },
  },
  {
    name: 'a host name (UseDNS) goes to source.domain, never to source.ip',
    app: 'sshd',
    body: 'Failed password for root from host-7.example.net port 2222 ssh2',
    expected: { event: { action: ACTIONS.sshLogin }, source: { domain: 'host-7.example.net', address: 'host-7.example.net', port: 2222 } },
  },
  {
    name: 'Postponed publickey is recorded without an outcome',
    app: 'sshd',
    body: 'Postponed publickey for alice from 10.0.0.8 port 51000 ssh2 [preauth]',
    expected: {
      event: { action: ACTIONS.sshLoginPostponed, category: ['authentication'], type: ['info'] },
      user: { name: 'alice' },
      source: { ip: '10.0.0.8' },
    },
  },
  {
    name: 'repeated failed passwords set event.count',
    app: 'sshd',
    body: 'message repeated 5 times: [ Failed password for root from 5.36.59.76 port 42393 ssh2]',
    expected: {
      event: { action: ACTIONS.sshLogin, outcome: 'failure', count: 5 },
      user: { name: 'root' },
      source: { ip: '5.36.59.76', port: 42393 },
    },
  },
];

const notices: Case[] = [
  {
    name: 'Invalid user without port',
    app: 'sshd',
    body: 'Invalid user webmaster from 173.234.31.186',
    expected: {
      event: { ...AUTH, action: ACTIONS.sshInvalidUser, category: ['authentication'], type: ['info'] },
      user: { name: 'webmaster' },
      source: { ip: '173.234.31.186' },
    },
  },
  {
    name: 'Invalid user with port from IPv6',
    app: 'sshd',
    body: 'Invalid user admin from 2001:db8::77 port 40112',
    expected: { event: { action: ACTIONS.sshInvalidUser }, user: { name: 'admin' }, source: { ip: '2001:db8::77', port: 40112 } },
  },
  {
    name: 'Invalid user with an empty name keeps the source and sets no user',
    app: 'sshd',
    body: 'Invalid user  from 192.0.2.9 port 4000',
    expected: { event: { action: ACTIONS.sshInvalidUser }, source: { ip: '192.0.2.9', port: 4000 } },
  },
  {
    name: 'input_userauth_request names the invalid user',
    app: 'sshd',
    body: 'input_userauth_request: invalid user webmaster [preauth]',
    expected: { event: { action: ACTIONS.sshInvalidUserRequest }, user: { name: 'webmaster' }, labels: { invalid_user: 'true' } },
  },
  {
    name: 'maximum authentication attempts exceeded for invalid user',
    app: 'sshd',
    body: 'error: maximum authentication attempts exceeded for invalid user admin from 203.0.113.50 port 53211 ssh2 [preauth]',
    expected: {
      event: { action: ACTIONS.sshMaxAuthAttemptsExceeded, category: ['authentication'] },
      user: { name: 'admin' },
      source: { ip: '203.0.113.50', port: 53211 },
      labels: { invalid_user: 'true' },
    },
  },
  {
    name: 'maximum authentication attempts exceeded for root',
    app: 'sshd',
    body: 'error: maximum authentication attempts exceeded for root from 203.0.113.50 port 53211 ssh2 [preauth]',
    expected: { event: { action: ACTIONS.sshMaxAuthAttemptsExceeded }, user: { name: 'root' }, source: { ip: '203.0.113.50' } },
  },
  {
    name: 'Disconnecting: Too many authentication failures for a user',
    app: 'sshd',
    body: 'Disconnecting: Too many authentication failures for root [preauth]',
    expected: { event: { action: ACTIONS.sshTooManyAuthFailures, category: ['authentication'] }, user: { name: 'root' } },
  },
  {
    name: 'Disconnecting: Too many authentication failures without a user',
    app: 'sshd',
    body: 'Disconnecting: Too many authentication failures [preauth]',
    expected: { event: { action: ACTIONS.sshTooManyAuthFailures } },
  },
  {
    name: 'Disconnecting authenticating user (OpenSSH 7.5+) with address and port',
    app: 'sshd',
    body: 'Disconnecting authenticating user root 198.51.100.4 port 60000: Too many authentication failures [preauth]',
    expected: { event: { action: ACTIONS.sshTooManyAuthFailures }, user: { name: 'root' }, source: { ip: '198.51.100.4', port: 60000 } },
  },
  {
    name: 'reverse mapping failure: IP to source.ip, PTR name to source.domain',
    app: 'sshd',
    body: 'reverse mapping checking getaddrinfo for ns.marryaldkfaczcz.com [173.234.31.186] failed - POSSIBLE BREAK-IN ATTEMPT!',
    expected: {
      event: { action: ACTIONS.sshReverseMappingFailed, category: ['network'] },
      source: { ip: '173.234.31.186', domain: 'ns.marryaldkfaczcz.com' },
    },
  },
  {
    name: 'address maps to a host that does not map back',
    app: 'sshd',
    body: 'Address 192.0.2.44 maps to host-44.example.org, but this does not map back to the address - POSSIBLE BREAK-IN ATTEMPT!',
    expected: { event: { action: ACTIONS.sshReverseMappingMismatch }, source: { ip: '192.0.2.44', domain: 'host-44.example.org' } },
  },
  {
    name: 'User not allowed because not listed in AllowUsers',
    app: 'sshd',
    body: 'User root from 198.51.100.9 not allowed because not listed in AllowUsers',
    expected: { event: { action: ACTIONS.sshUserNotAllowed }, user: { name: 'root' }, source: { ip: '198.51.100.9' } },
  },
  {
    name: 'ROOT LOGIN REFUSED names root and the source',
    app: 'sshd',
    body: 'ROOT LOGIN REFUSED FROM 192.0.2.1',
    expected: { event: { action: ACTIONS.sshRootLoginRefused }, user: { name: 'root' }, source: { ip: '192.0.2.1' } },
  },
  {
    name: 'sshd logging a PAM authentication failure of its own',
    app: 'sshd',
    body: 'error: PAM: Authentication failure for illegal user x from 192.0.2.2',
    expected: { event: { action: ACTIONS.sshPamAuthenticationFailure }, user: { name: 'x' }, source: { ip: '192.0.2.2' } },
  },
];

const connections: Case[] = [
  {
    name: 'Connection closed by an address (old form, no port)',
    app: 'sshd',
    body: 'Connection closed by 173.234.31.186 [preauth]',
    expected: {
      event: { action: ACTIONS.sshConnectionClosed, category: ['network'], type: ['connection', 'end'] },
      source: { ip: '173.234.31.186' },
    },
  },
  {
    name: 'Connection closed by authenticating user with port',
    app: 'sshd',
    body: 'Connection closed by authenticating user root 203.0.113.10 port 41572 [preauth]',
    expected: { event: { action: ACTIONS.sshConnectionClosed }, user: { name: 'root' }, source: { ip: '203.0.113.10', port: 41572 } },
  },
  {
    name: 'Connection closed by invalid user from IPv6',
    app: 'sshd',
    body: 'Connection closed by invalid user pi 2001:db8::1 port 53000 [preauth]',
    expected: {
      event: { action: ACTIONS.sshConnectionClosed },
      user: { name: 'pi' },
      source: { ip: '2001:db8::1', port: 53000 },
      labels: { invalid_user: 'true' },
    },
  },
  {
    name: 'Connection reset by an address and port',
    app: 'sshd',
    body: 'Connection reset by 198.51.100.77 port 33000 [preauth]',
    expected: { event: { action: ACTIONS.sshConnectionReset }, source: { ip: '198.51.100.77', port: 33000 } },
  },
  {
    name: 'Connection reset by authenticating user',
    app: 'sshd',
    body: 'Connection reset by authenticating user admin 198.51.100.77 port 33000 [preauth]',
    expected: { event: { action: ACTIONS.sshConnectionReset }, user: { name: 'admin' }, source: { ip: '198.51.100.77' } },
  },
  {
    name: 'Disconnected from user after a session',
    app: 'sshd',
    body: 'Disconnected from user alice 10.1.2.3 port 50522',
    expected: {
      event: { action: ACTIONS.sshDisconnected, type: ['connection', 'end'] },
      user: { name: 'alice' },
      source: { ip: '10.1.2.3', port: 50522 },
    },
  },
  {
    name: 'Disconnected from invalid user before authentication',
    app: 'sshd',
    body: 'Disconnected from invalid user ubnt 45.227.254.8 port 61000 [preauth]',
    expected: { event: { action: ACTIONS.sshDisconnected }, user: { name: 'ubnt' }, source: { ip: '45.227.254.8', port: 61000 } },
  },
  {
    name: 'Disconnected from an address only',
    app: 'sshd',
    body: 'Disconnected from 45.227.254.8 port 61000 [preauth]',
    expected: { event: { action: ACTIONS.sshDisconnected }, source: { ip: '45.227.254.8', port: 61000 } },
  },
  {
    name: 'Received disconnect, old form, keeps the reason',
    app: 'sshd',
    body: 'Received disconnect from 52.80.34.196: 11: Bye Bye [preauth]',
    expected: { event: { action: ACTIONS.sshDisconnectReceived, reason: 'Bye Bye' }, source: { ip: '52.80.34.196' } },
  },
  {
    name: 'Received disconnect, new form with port, from IPv6',
    app: 'sshd',
    body: 'Received disconnect from 2001:db8::9 port 40000:11: disconnected by user',
    expected: {
      event: { action: ACTIONS.sshDisconnectReceived, reason: 'disconnected by user' },
      source: { ip: '2001:db8::9', port: 40000 },
    },
  },
  {
    name: 'error: Received disconnect with code 14',
    app: 'sshd',
    body: 'error: Received disconnect from 103.99.0.122: 14: No more user authentication methods available. [preauth]',
    expected: {
      event: { action: ACTIONS.sshDisconnectReceived, reason: 'No more user authentication methods available.' },
      source: { ip: '103.99.0.122' },
    },
  },
  {
    name: 'Did not receive identification string',
    app: 'sshd',
    body: 'Did not receive identification string from 123.235.32.19',
    expected: { event: { action: ACTIONS.sshNoIdentification }, source: { ip: '123.235.32.19' } },
  },
  {
    name: 'Did not receive identification string with port',
    app: 'sshd',
    body: 'Did not receive identification string from 2001:db8::3 port 51234',
    expected: { event: { action: ACTIONS.sshNoIdentification }, source: { ip: '2001:db8::3', port: 51234 } },
  },
  {
    name: 'Bad protocol version identification',
    app: 'sshd',
    body: "Bad protocol version identification 'GET / HTTP/1.1' from 192.0.2.80 port 41000",
    expected: { event: { action: ACTIONS.sshBadProtocolVersion }, source: { ip: '192.0.2.80', port: 41000 } },
  },
  {
    name: 'banner exchange with an invalid format',
    app: 'sshd',
    body: 'banner exchange: Connection from 192.0.2.81 port 41001: invalid format',
    expected: { event: { action: ACTIONS.sshBadProtocolVersion }, source: { ip: '192.0.2.81', port: 41001 } },
  },
  {
    name: 'fatal: Read from socket failed is a connection error',
    app: 'sshd',
    body: 'fatal: Read from socket failed: Connection reset by peer [preauth]',
    expected: {
      event: { action: ACTIONS.sshConnectionError, type: ['error'] },
      error: { message: 'Read from socket failed: Connection reset by peer' },
    },
  },
  {
    name: 'fatal: Write failed is a connection error',
    app: 'sshd',
    body: 'fatal: Write failed: Connection reset by peer [preauth]',
    expected: { event: { action: ACTIONS.sshConnectionError } },
  },
  {
    name: 'kex_exchange_identification is a connection error',
    app: 'sshd',
    body: 'error: kex_exchange_identification: Connection closed by remote host',
    expected: { event: { action: ACTIONS.sshConnectionError } },
  },
  {
    name: 'Unable to negotiate names the source',
    app: 'sshd',
    body: 'Unable to negotiate with 192.0.2.90 port 50000: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1 [preauth]',
    expected: { event: { action: ACTIONS.sshNegotiationFailed }, source: { ip: '192.0.2.90', port: 50000 } },
  },
  {
    name: 'Connection from sets source and destination',
    app: 'sshd',
    body: 'Connection from 192.0.2.91 port 50001 on 10.0.0.5 port 22 rdomain ""',
    expected: {
      event: { action: ACTIONS.sshConnectionOpened, type: ['connection', 'start'] },
      source: { ip: '192.0.2.91', port: 50001 },
      destination: { ip: '10.0.0.5', port: 22 },
    },
  },
  {
    name: 'drop connection past MaxStartups',
    app: 'sshd',
    body: 'drop connection #10 from [203.0.113.5]:47000 on [10.0.0.5]:22 past MaxStartups',
    expected: {
      event: { action: ACTIONS.sshConnectionDropped, type: ['connection', 'denied'] },
      source: { ip: '203.0.113.5', port: 47000 },
    },
  },
  {
    name: 'Timeout before authentication',
    app: 'sshd',
    body: 'Timeout before authentication for 203.0.113.6 port 47001',
    expected: { event: { action: ACTIONS.sshAuthTimeout }, source: { ip: '203.0.113.6', port: 47001 } },
  },
  {
    name: 'Server listening is a generic sshd action',
    app: 'sshd',
    body: 'Server listening on 0.0.0.0 port 22.',
    expected: { event: { ...AUTH, action: ACTIONS.sshServerListening } },
  },
  {
    name: 'Received signal 15 is a generic sshd action',
    app: 'sshd',
    body: 'Received signal 15; terminating.',
    expected: { event: { action: ACTIONS.sshServerStopping } },
  },
  {
    name: 'OpenSSH 9.8 sshd-session lines go to the sshd decoder',
    app: 'sshd-session',
    body: 'Failed password for root from 192.0.2.100 port 1000 ssh2',
    expected: { event: { action: ACTIONS.sshLogin, outcome: 'failure' }, source: { ip: '192.0.2.100' } },
  },
];

t.test('sshd logins', async (t) => runCases(t, logins));
t.test('sshd notices', async (t) => runCases(t, notices));
t.test('sshd connections', async (t) => runCases(t, connections));

t.test('an unknown sshd line lands in system.auth with no action, tagged', async (t) => {
  const event = decode('sshd', 'Starting session: shell on pts/0 for alice from 10.0.0.1 port 50000 id 0');
  t.equal(event.event.action, undefined);
  t.equal(event.event.dataset, 'system.auth');
  t.ok(event.tags?.includes(TAGS.decodeUnknown));
});

t.test('free text where an address belongs is not decoded into source', async (t) => {
  const event = decode('sshd', 'Invalid user x from not an address');
  t.equal(event.source, undefined);
  t.equal(event.event.action, undefined);
});
