import t from 'tap';
import { groundTruth, type GroundTruth } from '../../../eval/real/ground-truth.js';

const line = (level: string, jail: string, verb: string, address: string): string =>
  `2026-11-02 10:00:00,001 fail2ban.${verb === 'Found' ? 'filter' : 'actions'}         [811]: ${level.padEnd(7)} [${jail}] ${verb} ${address}${verb === 'Found' ? ' - 2026-11-02 10:00:00' : ''}`;
const classOf = (truth: GroundTruth, address: string): string | undefined => truth.actors.get(`ip:${address}`)?.class;

t.test('an address fail2ban banned, or found 10 times, is an attacker; found fewer times it is gray', async (t) => {
  const truth = groundTruth([
    line('INFO', 'sshd', 'Found', '203.0.113.70'),
    line('NOTICE', 'sshd', 'Ban', '203.0.113.70'),
    ...Array.from({ length: 10 }, () => line('INFO', 'wordpress', 'Found', '203.0.113.71')),
    ...Array.from({ length: 9 }, () => line('INFO', 'wordpress', 'Found', '203.0.113.72')),
    line('NOTICE', 'nginx-botsearch', 'Ban', '203.0.113.73'),
    line('INFO', 'sshd', 'Ignore', '198.51.100.99'),
    '2026-11-02 10:00:00,002 fail2ban.server         [811]: INFO    rollover performed on /var/log/fail2ban.log',
  ]);
  t.equal(classOf(truth, '203.0.113.70'), 'attacker');
  t.same([...(truth.actors.get('ip:203.0.113.70')?.attacks ?? [])], ['brute-forcer']);
  t.equal(classOf(truth, '203.0.113.71'), 'attacker');
  t.equal(classOf(truth, '203.0.113.72'), 'gray');
  t.same([...(truth.actors.get('ip:203.0.113.73')?.attacks ?? [])], ['scanner'], 'a scan jail bans scanners');
  t.equal(classOf(truth, '198.51.100.99'), 'legitimate', 'on ignoreip');
  t.equal(truth.labels.at(-1), 'benign', "fail2ban's own messages are background");
});

t.test('reads fail2ban lines forwarded through syslog', async (t) => {
  const truth = groundTruth(['Nov  2 10:00:00 gw fail2ban.actions[811]: NOTICE  [sshd] Ban 203.0.113.74']);
  t.equal(classOf(truth, '203.0.113.74'), 'attacker');
});
