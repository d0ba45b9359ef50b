import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { runCases, type Case } from './helpers.js';

const cases: Case[] = [
  {
    name: 'logind new session names the user and session id',
    app: 'systemd-logind',
    body: 'New session 12 of user alice.',
    expected: {
      event: { dataset: 'system.auth', action: ACTIONS.logindNewSession, category: ['session'], type: ['start'], outcome: 'success' },
      user: { name: 'alice' },
      labels: { session_id: '12' },
    },
  },
  {
    name: 'logind removed session',
    app: 'systemd-logind',
    body: 'Removed session 12.',
    expected: { event: { action: ACTIONS.logindSessionRemoved, type: ['end'] }, labels: { session_id: '12' } },
  },
  {
    name: 'logind session logged out',
    app: 'systemd-logind',
    body: 'Session c3 logged out. Waiting for processes to exit.',
    expected: { event: { action: ACTIONS.logindSessionLoggedOut }, labels: { session_id: 'c3' } },
  },
];

runCases(t, cases);
