/**
 * fail2ban through every route it takes: its own log file (parsed by collector/syslog/fail2ban.ts),
 * syslog with the module as tag, the journal (`fail2ban`), and stdout under `fail2ban-server`.
 */
import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { defaultObserver, normalize } from '../../../collector/normalize.js';
import type { RawMessage } from '../../../collector/raw-message.js';
import { decode, runCases, type Case } from './helpers.js';

const F2B = { dataset: 'fail2ban.log', module: 'fail2ban' } as const;

const cases: Case[] = [
  {
    name: 'Found is a failed authentication seen by a jail, with source, jail and level',
    app: 'fail2ban.filter',
    body: 'INFO    [wordpress] Found 192.0.2.7 - 2026-08-16 03:28:36',
    expected: {
      event: {
        ...F2B,
        action: ACTIONS.fail2banMatch,
        category: ['authentication', 'intrusion_detection'],
        type: ['info'],
        outcome: 'failure',
      },
      source: { ip: '192.0.2.7' },
      rule: { name: 'wordpress' },
      log: { level: 'info', logger: 'fail2ban.filter' },
      related: { ip: ['192.0.2.7'] },
    },
  },
  {
    name: 'Found by the recidive jail is an earlier ban, not a failed login',
    app: 'fail2ban.filter',
    body: 'INFO    [recidive] Found 192.0.2.7 - 2026-08-16 03:28:36',
    expected: {
      event: { action: ACTIONS.fail2banMatch, category: ['intrusion_detection'], type: ['info'] },
      rule: { name: 'recidive' },
      source: { ip: '192.0.2.7' },
    },
  },
  {
    name: 'Ban denies the source',
    app: 'fail2ban.actions',
    body: 'NOTICE  [sshd] Ban 2001:db8::7',
    expected: {
      event: { ...F2B, action: ACTIONS.fail2banBan, category: ['intrusion_detection', 'network'], type: ['denied'], outcome: 'success' },
      source: { ip: '2001:db8::7' },
      rule: { name: 'sshd' },
      log: { level: 'notice' },
    },
  },
  {
    name: 'Unban allows the source again',
    app: 'fail2ban.actions',
    body: 'NOTICE  [sshd] Unban 192.0.2.7',
    expected: {
      event: { action: ACTIONS.fail2banUnban, category: ['intrusion_detection', 'network'], type: ['allowed'], outcome: 'success' },
      source: { ip: '192.0.2.7' },
    },
  },
  {
    name: 'Restore Ban (after a restart) is a restored ban, not a new one',
    app: 'fail2ban.actions',
    body: 'NOTICE  [sshd] Restore Ban 192.0.2.7',
    expected: { event: { action: ACTIONS.fail2banBanRestored, type: ['denied'] }, source: { ip: '192.0.2.7' } },
  },
  {
    name: 'Reban with the action name',
    app: 'fail2ban.actions',
    body: "NOTICE  [sshd] Reban 192.0.2.7, action 'iptables-multiport'",
    expected: { event: { action: ACTIONS.fail2banBanRestored }, source: { ip: '192.0.2.7' } },
  },
  {
    name: 'Increase Ban (bantime.increment) is a ban',
    app: 'fail2ban.observer',
    body: 'NOTICE  [sshd] Increase Ban 192.0.2.7 (2 # 2:00:00 -> 2026-08-16 05:28:37)',
    expected: { event: { action: ACTIONS.fail2banBan }, source: { ip: '192.0.2.7' } },
  },
  {
    name: 'already banned',
    app: 'fail2ban.actions',
    body: 'NOTICE  [sshd] 192.0.2.7 already banned',
    expected: {
      event: { action: ACTIONS.fail2banAlreadyBanned, category: ['intrusion_detection'], type: ['info'] },
      source: { ip: '192.0.2.7' },
    },
  },
  {
    name: 'Ignore by ignoreip',
    app: 'fail2ban.filter',
    body: 'INFO    [sshd] Ignore 198.51.100.1 by ip',
    expected: { event: { action: ACTIONS.fail2banIgnored, type: ['allowed'] }, source: { ip: '198.51.100.1' } },
  },
  {
    name: 'journal: tag fail2ban, no level in the message',
    app: 'fail2ban',
    body: '[sshd] Found 192.0.2.7 - 2026-08-16 03:28:36',
    expected: { event: { ...F2B, action: ACTIONS.fail2banMatch, outcome: 'failure' }, source: { ip: '192.0.2.7' }, rule: { name: 'sshd' } },
  },
  {
    name: 'stdout under fail2ban-server: the padded module prefix is read',
    app: 'fail2ban-server',
    body: 'fail2ban.actions        [812]: NOTICE  [sshd] Ban 192.0.2.7',
    expected: {
      event: { ...F2B, action: ACTIONS.fail2banBan },
      source: { ip: '192.0.2.7' },
      log: { logger: 'fail2ban.actions', level: 'notice' },
      process: { name: 'fail2ban-server' },
    },
  },
  {
    name: 'old padded syslog format that no tag reader takes: sniffed, process from the prefix',
    app: undefined,
    body: 'fail2ban.actions        [812]: NOTICE  [sshd] Ban 192.0.2.7',
    expected: {
      event: { ...F2B, action: ACTIONS.fail2banBan },
      source: { ip: '192.0.2.7' },
      process: { name: 'fail2ban.actions', pid: 812 },
    },
  },
];

runCases(t, cases);

t.test('other fail2ban lines land in its dataset without an action', async (t) => {
  const event = decode('fail2ban.server', 'INFO    rollover performed on /var/log/fail2ban.log');
  t.equal(event.event.dataset, 'fail2ban.log');
  t.equal(event.event.action, undefined);
  t.equal(event.log.level, 'info');
  t.equal(event.tags, undefined, 'a known format is not _no_decoder');
});

t.test('a jail name with spaces or a non-address is not taken', async (t) => {
  t.equal(decode('fail2ban.filter', 'INFO    [a b] Found 192.0.2.7').event.action, undefined);
  const event = decode('fail2ban.filter', 'INFO    [sshd] Found not-an-ip!');
  t.equal(event.event.action, ACTIONS.fail2banMatch);
  t.equal(event.source, undefined);
});

t.test('a line of the log file decodes end to end with its own time, module and PID', async (t) => {
  const text = '2026-08-16 03:28:37,986 fail2ban.actions        [28143]: NOTICE  [sshd] Ban 192.0.2.7';
  const raw: RawMessage = {
    text,
    transport: 'file',
    peerAddress: '/var/log/fail2ban.log',
    peerPort: 0,
    receivedAt: 0,
    connectionId: 1,
    seq: 0,
    truncated: false,
    size: text.length,
  };
  const event = normalize(raw, { timeZone: 'Europe/Berlin', observer: defaultObserver('test') });
  t.equal(event.event.action, ACTIONS.fail2banBan);
  t.equal(event['@timestamp'], '2026-08-16T01:28:37.986Z', 'local time in the configured zone');
  t.strictSame(event.process, { name: 'fail2ban.actions', pid: 28143 });
  t.equal(event.log.logger, 'fail2ban.actions');
  t.equal(event.message, 'NOTICE  [sshd] Ban 192.0.2.7');
});
