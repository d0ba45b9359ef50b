import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { runCases, type Case } from './helpers.js';

const cases: Case[] = [
  {
    name: "gdm-binary Couldn't authenticate user",
    app: 'gdm-binary',
    body: "Couldn't authenticate user",
    expected: { event: { action: ACTIONS.displayManagerLogin, outcome: 'failure' } },
  },
];

runCases(t, cases);
