import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { decode, runCases, type Case } from './helpers.js';

const cases: Case[] = [
  {
    name: 'a sudo command: acting user, run-as user, command line and directory',
    app: 'sudo',
    body: '   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls -la /root',
    expected: {
      event: { dataset: 'system.auth', action: ACTIONS.sudoCommand, category: ['process'], type: ['start'], outcome: 'success' },
      user: { name: 'alice', effective: { name: 'root' } },
      process: { name: 'sudo', pid: 4242, command_line: '/bin/ls -la /root', working_directory: '/home/alice' },
      related: { user: ['alice', 'root'] },
    },
  },
  {
    name: 'a command holding " ; " is kept whole',
    app: 'sudo',
    body: 'alice : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh -c echo a ; echo b',
    expected: { process: { command_line: '/bin/sh -c echo a ; echo b' } },
  },
  {
    name: 'newer sudo with ENV and TSID fields',
    app: 'sudo',
    body: 'alice : TTY=pts/2 ; PWD=/srv ; USER=postgres ; ENV=PGDATA=/x ; TSID=000001 ; COMMAND=/usr/bin/psql',
    expected: {
      event: { action: ACTIONS.sudoCommand },
      user: { name: 'alice', effective: { name: 'postgres' } },
      process: { command_line: '/usr/bin/psql', working_directory: '/srv' },
    },
  },
  {
    name: 'incorrect password attempts are an authentication failure counted N times',
    app: 'sudo',
    body: 'alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id',
    expected: {
      event: { action: ACTIONS.sudoIncorrectPassword, category: ['authentication'], type: ['info'], outcome: 'failure', count: 3 },
      user: { name: 'alice', effective: { name: 'root' } },
      process: { command_line: '/usr/bin/id' },
    },
  },
  {
    name: 'one incorrect password attempt (singular)',
    app: 'sudo',
    body: 'bob : 1 incorrect password attempt ; TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/bin/bash',
    expected: { event: { action: ACTIONS.sudoIncorrectPassword, count: 1 }, user: { name: 'bob' } },
  },
  {
    name: 'user NOT in sudoers is its own action with outcome failure',
    app: 'sudo',
    body: 'mallory : user NOT in sudoers ; TTY=pts/3 ; PWD=/home/mallory ; USER=root ; COMMAND=/bin/cat /etc/shadow',
    expected: {
      event: { action: ACTIONS.sudoNotInSudoers, category: ['process'], outcome: 'failure', reason: 'user NOT in sudoers' },
      user: { name: 'mallory', effective: { name: 'root' } },
      process: { command_line: '/bin/cat /etc/shadow' },
    },
  },
  {
    name: 'command not allowed',
    app: 'sudo',
    body: 'alice : command not allowed ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/sbin/reboot',
    expected: { event: { action: ACTIONS.sudoCommandNotAllowed, outcome: 'failure' } },
  },
  {
    name: 'any other refusal keeps its reason',
    app: 'sudo',
    body: 'alice : a password is required ; TTY=unknown ; PWD=/ ; USER=root ; COMMAND=/bin/true',
    expected: { event: { action: ACTIONS.sudoCommand, outcome: 'failure', reason: 'a password is required' } },
  },
];

runCases(t, cases);

t.test('a sudo line without the field list is not a sudo command', async (t) => {
  const event = decode('sudo', 'alice : unable to resolve host web-1: Name or service not known');
  t.equal(event.event.action, undefined);
});

t.test('the repeated wrapper multiplies sudo attempt counts', async (t) => {
  const event = decode(
    'sudo',
    'message repeated 2 times: [ alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/id]',
  );
  t.equal(event.event.count, 6);
});
