import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { runCases, type Case } from './helpers.js';

const cases: Case[] = [
  {
    name: 'login FAILED LOGIN for UNKNOWN sets no user name',
    app: 'login',
    body: "FAILED LOGIN (1) on '/dev/tty1' FOR 'UNKNOWN', Authentication failure",
    expected: {
      event: {
        dataset: 'system.auth',
        action: ACTIONS.login,
        category: ['authentication'],
        outcome: 'failure',
        reason: 'Authentication failure',
      },
    },
  },
  {
    name: 'login FAILED LOGIN for a named user from a remote host',
    app: 'login',
    body: "FAILED LOGIN (2) on '/dev/pts/3' from '192.0.2.8' FOR 'alice', Authentication failure",
    expected: { event: { action: ACTIONS.login, outcome: 'failure' }, user: { name: 'alice' }, source: { ip: '192.0.2.8' } },
  },
  {
    name: 'login ROOT LOGIN ON tty',
    app: 'login',
    body: 'ROOT LOGIN ON tty1',
    expected: { event: { action: ACTIONS.login, type: ['start'], outcome: 'success' }, user: { name: 'root' } },
  },
  {
    name: 'login ROOT LOGIN on a quoted tty (util-linux)',
    app: 'login',
    body: "ROOT LOGIN  on '/dev/tty1'",
    expected: { event: { action: ACTIONS.login, outcome: 'success' }, user: { name: 'root' } },
  },
  {
    name: 'login LOGIN ON tty BY user',
    app: 'login',
    body: 'LOGIN ON tty2 BY bob',
    expected: { event: { action: ACTIONS.login, outcome: 'success' }, user: { name: 'bob' } },
  },
  {
    name: 'login TOO MANY LOGIN TRIES',
    app: 'login',
    body: "TOO MANY LOGIN TRIES (5) on '/dev/tty1' FOR 'carol'",
    expected: { event: { action: ACTIONS.loginTooManyTries }, user: { name: 'carol' } },
  },
];

runCases(t, cases);
