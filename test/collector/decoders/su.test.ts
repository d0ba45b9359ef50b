import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { runCases, type Case } from './helpers.js';

const cases: Case[] = [
  {
    name: 'Successful su: the actor is user.name, the target user.effective.name',
    app: 'su',
    body: 'Successful su for root by alice',
    expected: {
      event: { dataset: 'system.auth', action: ACTIONS.switchUser, category: ['authentication'], type: ['start'], outcome: 'success' },
      user: { name: 'alice', effective: { name: 'root' } },
      related: { user: ['alice', 'root'] },
    },
  },
  {
    name: 'FAILED su is a failed switch-user',
    app: 'su',
    body: 'FAILED su for root by mallory',
    expected: {
      event: { action: ACTIONS.switchUser, type: ['info'], outcome: 'failure' },
      user: { name: 'mallory', effective: { name: 'root' } },
    },
  },
  {
    name: '+ tty actor:target is a successful switch',
    app: 'su',
    body: '+ pts/0 alice:root',
    expected: { event: { action: ACTIONS.switchUser, outcome: 'success' }, user: { name: 'alice', effective: { name: 'root' } } },
  },
  {
    name: '- tty actor:target is a failed switch',
    app: 'su',
    body: '- pts/0 bob:root',
    expected: { event: { action: ACTIONS.switchUser, outcome: 'failure' }, user: { name: 'bob', effective: { name: 'root' } } },
  },
  {
    name: 'util-linux (to target) actor on tty',
    app: 'su',
    body: '(to root) alice on pts/0',
    expected: { event: { action: ACTIONS.switchUser, outcome: 'success' }, user: { name: 'alice', effective: { name: 'root' } } },
  },
  {
    name: 'util-linux FAILED SU (to target) actor on tty',
    app: 'su',
    body: 'FAILED SU (to root) bob on pts/1',
    expected: { event: { action: ACTIONS.switchUser, outcome: 'failure' }, user: { name: 'bob', effective: { name: 'root' } } },
  },
  {
    name: 'su PAM session lines go to PAM',
    app: 'su',
    body: 'pam_unix(su:session): session opened for user root(uid=0) by alice(uid=1000)',
    expected: { event: { action: ACTIONS.pamSessionOpened }, user: { name: 'root' }, related: { user: ['root', 'alice'] } },
  },
];

runCases(t, cases);
