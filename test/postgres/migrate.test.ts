import t, { type Test } from 'tap';
import { connectPostgres, type Database } from '../../postgres/database.js';
import { migrate, readMigrations } from '../../postgres/migrate.js';
import { onBothDatabases } from '../helpers/postgres.js';

const TABLES = ['alerts', 'alert_events', 'alert_history', 'feedback', 'suppressions', 'api_tokens', 'notification_deliveries'];

async function suite(t: Test, db: Database): Promise<void> {
  const first = await migrate(db);
  t.same(
    first.applied,
    readMigrations().map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`),
    'every migration applied once',
  );
  const again = await migrate(db);
  t.same(again.applied, [], 'idempotent');
  const { rows } = await db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
  for (const table of TABLES)
    t.ok(
      rows.some((row) => row.table_name === table),
      `table ${table}`,
    );
  const types = await db.query<{ data_type: string }>(
    "SELECT data_type FROM information_schema.columns WHERE table_name = 'alerts' AND column_name = 'first_seen'",
  );
  t.equal(types.rows[0]?.data_type, 'timestamp with time zone', 'timestamps are timestamptz');
  const changed = readMigrations().map((m) => (m.version === 1 ? { ...m, checksum: 'edited' } : m));
  await t.rejects(migrate(db, changed), { code: 'SIEMAD_MIGRATION_FAILED' }, 'an applied migration whose file changed is refused');
  await t.rejects(migrate(db, []), /newer than this siemad knows/, 'a newer schema is refused');
  await t.rejects(
    db.transaction(async (tx) => {
      await tx.query("INSERT INTO suppressions (effect, created_by) VALUES ('mute', 'test')");
    }),
    /check/i,
    'a suppression must match something',
  );
}

onBothDatabases(t, async (t, db, server) => {
  await suite(t, db);
  if (server === undefined) return;
  // Collectors starting together on a fresh database: the advisory lock lets one apply them.
  await db.query('CREATE DATABASE siemad_concurrent');
  const fresh = await connectPostgres({ url: server.url.replace(/\/postgres$/, '/siemad_concurrent'), maxConnections: 4 });
  t.teardown(() => fresh.close());
  const reports = await Promise.all([migrate(fresh), migrate(fresh), migrate(fresh)]);
  t.equal(reports.filter((r) => r.applied.length > 0).length, 1, 'applied by exactly one of three concurrent runs');
});
