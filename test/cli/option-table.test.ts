import { Command } from 'commander';
import t from 'tap';
import { addOptionTable, flagsByTarget, optional, settingsOf, withDefault } from '../../cli/option-table.js';
import { parsePositiveInt } from '../../core/config-values.js';

const TABLE = {
  indexShards: optional({
    flag: '--index-shards <n>',
    env: 'T_SHARDS',
    help: 'shards',
    parse: parsePositiveInt,
    target: 'shards',
    shownDefault: '1',
  }),
  logsRolloverAge: optional({ flag: '--logs-rollover-age <age>', env: 'T_AGE', help: 'age', target: 'logs.rolloverAge' }),
  batchSize: withDefault({ flag: '--batch-size <n>', env: 'T_BATCH', help: 'batch', parse: parsePositiveInt, default: 512 }),
} as const;

t.test('one row gives the option, its variable, parser and default', async (t) => {
  const command = addOptionTable(new Command('x').exitOverride(), TABLE);
  command.parse(['--index-shards', '3'], { from: 'user' });
  t.same(command.opts(), { indexShards: 3, batchSize: 512 }, 'parsed, default applied, unset optional left out');
  const fromEnv = addOptionTable(new Command('y').exitOverride(), TABLE);
  process.env.T_AGE = '12h';
  t.teardown(() => delete process.env.T_AGE);
  fromEnv.parse([], { from: 'user' });
  t.equal(fromEnv.opts().logsRolloverAge, '12h', 'the variable sets it');
  const shards = command.options.find((o) => o.long === '--index-shards')!;
  t.equal(shards.defaultValue, undefined, 'a library default stays the library’s');
  t.equal(shards.defaultValueDescription, '1', 'but is shown');
});

t.test('the targets give the library settings and name the flag of each', async (t) => {
  t.same(settingsOf(TABLE, { indexShards: 2, logsRolloverAge: '1d', batchSize: 9 }), { shards: 2, logs: { rolloverAge: '1d' } });
  t.same(settingsOf(TABLE, { batchSize: 9 }), {}, 'unset values are left out');
  t.same(
    [...flagsByTarget(TABLE)],
    [
      ['shards', '--index-shards'],
      ['logs.rolloverAge', '--logs-rollover-age'],
    ],
  );
});

t.test('a key that is not the flag’s attribute name is refused', async (t) => {
  t.throws(() => addOptionTable(new Command('z'), { shards: TABLE.indexShards }), /--index-shards <n> is read as indexShards, not shards/);
});
