import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { runCases, type Case } from './helpers.js';

const cases: Case[] = [
  {
    name: 'cron CMD: user and command line (command with parentheses)',
    app: 'CRON',
    body: '(root) CMD (   cd / && run-parts --report /etc/cron.hourly (x))',
    expected: {
      event: { action: ACTIONS.cronCommand, category: ['process'], type: ['start'] },
      user: { name: 'root' },
      process: { command_line: '   cd / && run-parts --report /etc/cron.hourly (x)' },
    },
  },
  {
    name: 'crond (cronie) CMD',
    app: 'crond',
    body: '(backup) CMD (/usr/local/bin/backup.sh)',
    expected: { event: { action: ACTIONS.cronCommand }, user: { name: 'backup' }, process: { command_line: '/usr/local/bin/backup.sh' } },
  },
];

runCases(t, cases);
