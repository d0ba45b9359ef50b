import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { runCases, type Case } from './helpers.js';

const cases: Case[] = [
  {
    name: 'klogind authentication failure from IP with reason',
    app: 'klogind',
    body: 'Authentication failed from 163.27.187.39 (163.27.187.39): Permission denied in replay cache code',
    expected: {
      event: {
        action: ACTIONS.kerberosLogin,
        category: ['authentication'],
        outcome: 'failure',
        reason: 'Permission denied in replay cache code',
      },
      source: { ip: '163.27.187.39' },
    },
  },
  {
    name: 'klogind Kerberos authentication failed',
    app: 'klogind',
    body: 'Kerberos authentication failed',
    expected: { event: { action: ACTIONS.kerberosLogin, outcome: 'failure' } },
  },
];

runCases(t, cases);
