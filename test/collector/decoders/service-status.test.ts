import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { runCases, type Case } from './helpers.js';

const cases: Case[] = [
  {
    name: 'init script startup succeeded, from any program',
    app: 'cups',
    body: 'cupsd startup succeeded',
    expected: { event: { action: ACTIONS.serviceStarted, outcome: 'success' } },
  },
  {
    name: 'init script shutdown failed',
    app: 'sshd-init',
    body: 'sshd shutdown failed',
    expected: { event: { action: ACTIONS.serviceStopped, outcome: 'failure' } },
  },
  {
    name: 'logrotate exited abnormally',
    app: 'logrotate',
    body: 'ALERT exited abnormally with [1]',
    expected: { event: { action: ACTIONS.logrotateFailed, outcome: 'failure' } },
  },
];

runCases(t, cases);
