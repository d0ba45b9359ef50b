import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { openEmbeddedPostgres } from '../../postgres/database.js';

t.test('the embedded database on its own thread keeps transactions, PostgreSQL error codes and its data across a reopen', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'siemad-pglite-thread-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const directory = join(root, 'postgres');
  const db = await openEmbeddedPostgres(directory);
  await db.exec('CREATE TABLE items (id int PRIMARY KEY, label text, weights float8[])');

  await db.transaction(async (tx) => {
    await tx.query('INSERT INTO items VALUES ($1, $2, $3)', [1, 'kept', [0.5, 1.25]]);
  });
  await t.rejects(
    db.transaction(async (tx) => {
      await tx.query('INSERT INTO items VALUES ($1, $2, $3)', [2, 'rolled back', null]);
      throw new Error('work failed');
    }),
    { message: 'work failed' },
    'the error of the work comes back',
  );
  await t.rejects(
    db.query('INSERT INTO items VALUES ($1, $2, $3)', [1, 'duplicate', null]),
    { code: '23505' },
    'a unique violation keeps its SQLSTATE',
  );
  await t.rejects(db.query('SELECT * FROM missing_table'), { code: '42P01' }, 'an unknown table keeps its SQLSTATE');
  const { rows } = await db.query<{ id: number; label: string; weights: number[] }>('SELECT id, label, weights FROM items ORDER BY id');
  t.same(
    rows,
    [{ id: 1, label: 'kept', weights: [0.5, 1.25] }],
    'the committed row is there, the rolled-back one is not, arrays come back as arrays',
  );

  // Concurrent callers are served one at a time, in order, and never inside another's transaction.
  const order: string[] = [];
  await Promise.all([
    db.transaction(async (tx) => {
      await tx.query('UPDATE items SET label = $1 WHERE id = 1', ['in transaction']);
      order.push('transaction');
    }),
    db.query<{ label: string }>('SELECT label FROM items WHERE id = 1').then((result) => order.push(`query saw ${result.rows[0]!.label}`)),
  ]);
  t.same(order, ['transaction', 'query saw in transaction']);
  await db.close();

  const reopened = await openEmbeddedPostgres(directory);
  t.teardown(() => reopened.close());
  t.same(
    (await reopened.query('SELECT label FROM items')).rows,
    [{ label: 'in transaction' }],
    'what was committed is on disk after close',
  );
});
