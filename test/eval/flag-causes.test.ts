import t from 'tap';
import type { Label } from '../../eval/labels.js';
import { formatFlagCauses, groupBenignFlagCauses, reasonTemplate } from '../../eval/flag-causes.js';

t.test('blanks numbers and addresses in reasons, leaving their words', async (t) => {
  t.equal(reasonTemplate('20 web requests from 192.0.2.80 in 10 min (normal: ≤ 26)'), '# web requests from <ip> in # min (normal: ≤ #)');
  t.equal(reasonTemplate('entropy 4.77 bits/char from 2001:db8::7'), 'entropy # bits/char from <ip>');
  t.equal(reasonTemplate('account clamav created on mx1'), 'account clamav created on mx#');
});

t.test('groups only benign flagged lines, by action and reason template, largest first, with an example', async (t) => {
  const labels: Label[] = [
    { line: 1, label: 'benign' },
    { line: 2, label: 'benign' },
    { line: 3, label: 'attack', kind: 'brute_force', episode: 'brute_force-1' },
    { line: 4, label: 'benign' },
    { line: 5, label: 'benign' },
  ];
  const causes = new Map([
    [0, { action: 'http-request', reason: '19 web requests from 192.0.2.80 in 10 min' }],
    [1, { action: 'http-request', reason: '20 web requests from 192.0.2.33 in 10 min' }],
    [2, { action: 'ssh-login', reason: '300 failed logins' }],
    [3, { action: 'firewall-packet', reason: '19 web requests from 192.0.2.80 in 10 min' }],
  ]);
  const groups = groupBenignFlagCauses(labels, causes);
  t.same(groups, [
    {
      action: 'http-request',
      reason: '# web requests from <ip> in # min',
      lines: 2,
      example: { reason: '19 web requests from 192.0.2.80 in 10 min', line: 1 },
    },
    {
      action: 'firewall-packet',
      reason: '# web requests from <ip> in # min',
      lines: 1,
      example: { reason: '19 web requests from 192.0.2.80 in 10 min', line: 4 },
    },
  ]);
  const table = formatFlagCauses(groups, 4, 1);
  t.match(table, /3 lines in 2 groups/);
  t.match(table, /\| 2 \| 5000\.0 \| http-request \| # web requests from <ip> in # min \| line 1: 19 web requests/);
  t.match(table, /1 smaller groups, 1 lines, not shown/);
});
