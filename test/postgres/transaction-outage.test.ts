import t from 'tap';
import { connectPostgres } from '../../postgres/database.js';
import { startPostgres } from '../helpers/postgres.js';
import { requireService } from '../helpers/services.js';

t.test('a PostgreSQL server stopping in the middle of a transaction fails the transaction, not the process', async (t) => {
  const server = await requireService(t, 'postgresql', () => startPostgres());
  if (server === undefined) return;
  t.teardown(() => server.destroy());
  const db = await connectPostgres({ url: server.url, maxConnections: 2, connectTimeoutMs: 1_000 });
  t.teardown(() => db.close());
  const uncaught: Error[] = [];
  const record = (err: Error): void => {
    uncaught.push(err);
  };
  process.on('uncaughtException', record);
  t.teardown(() => process.removeListener('uncaughtException', record));
  await t.rejects(
    db.transaction(async (tx) => {
      await tx.query('SELECT 1');
      // The connection dies while the transaction's client is checked out and idle.
      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await tx.query('SELECT 2');
    }),
    'the transaction fails',
  );
  t.same(
    uncaught.map((err) => err.message),
    [],
    'no uncaught error event',
  );
  await server.start();
  const { rows } = await db.query<{ n: number }>('SELECT 3 AS n');
  t.equal(rows[0]?.n, 3, 'the pool works again once the server is back (the broken client was dropped)');
});
