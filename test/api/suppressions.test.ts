import t, { type Test } from 'tap';
import type { Database } from '../../postgres/database.js';
import { onBothDatabases, startApi } from '../helpers/api.js';

async function suite(t: Test, db: Database): Promise<void> {
  const api = await startApi(db);
  t.teardown(() => api.close());
  const write = { token: api.tokens.readWrite };
  const create = (body: unknown, token = api.tokens.readWrite) => api.call('POST', '/api/v1/suppressions', { token, body });
  const listIds = async (query = ''): Promise<number[]> =>
    (await api.call('GET', `/api/v1/suppressions${query}`, write)).json.suppressions.map((s: { id: number }) => s.id);

  t.test('adds suppressions matching an entity, a kind or a reason, muting or lowering', async (t) => {
    const res = await create({ entity: 'user.name=backup', kind: 'unusual_hour', comment: 'the nightly backup job' });
    t.equal(res.status, 201, res.text);
    t.match(res.json, {
      entity: 'user.name=backup',
      kind: 'unusual_hour',
      reason_contains: null,
      effect: 'mute',
      comment: 'the nightly backup job',
      feedback_id: null,
      created_by: api.names.readWrite,
      expires_at: null,
      deleted_at: null,
      deleted_by: null,
      active: true,
    });
    t.equal(res.json.created_at, res.json.updated_at);
    const lower = await create({ reason_contains: 'rare user agent', effect: 'lower', expires_at: '2099-06-01T00:00:00+02:00' });
    t.match(lower.json, { reason_contains: 'rare user agent', effect: 'lower', expires_at: '2099-05-31T22:00:00.000Z' });
  });

  t.test('refuses a suppression that matches nothing, or is malformed', async (t) => {
    const cases: [unknown, RegExp][] = [
      [{}, /body must have at least one of entity, kind, reason_contains/],
      [{ effect: 'mute' }, /body must have at least one of entity, kind, reason_contains/],
      [{ kind: 'bruteforce' }, /body\.kind must be one of brute_force, password_spraying/],
      [{ entity: '203.0.113.9' }, /body\.entity must match pattern/],
      [{ entity: 'source.ip=' }, /body\.entity must match pattern/],
      [{ reason_contains: '' }, /body\.reason_contains must NOT have fewer than 1 characters/],
      [{ reason_contains: 'x'.repeat(201) }, /body\.reason_contains must NOT have more than 200 characters/],
      [{ kind: 'port_scan', effect: 'drop' }, /body\.effect must be one of mute, lower/],
      [{ kind: 'port_scan', expires_at: '2001-01-01T00:00:00Z' }, /body\.expires_at is in the past/],
      [{ kind: 'port_scan', expires_at: '2099-01-01' }, /body\.expires_at must be an RFC 3339 date-time/],
      [{ kind: 'port_scan', created_by: 'someone-else' }, /body has an unknown property "created_by"/],
      [{ kind: 'port_scan', id: 7 }, /body has an unknown property "id"/],
    ];
    for (const [body, message] of cases) {
      const res = await create(body);
      const label = JSON.stringify(body).slice(0, 60);
      t.equal(res.status, 400, label);
      t.match(res.json, { code: 'SIEMAD_API_BAD_REQUEST', message }, label);
    }
  });

  t.test('lists the active ones by default; expired and deleted on request', async (t) => {
    const active = await listIds();
    t.equal(active.length, 2);
    const { rows } = await db.query<{ id: unknown }>(
      "INSERT INTO suppressions (kind, effect, created_by, created_at, updated_at, expires_at) VALUES ('port_scan', 'mute', 'someone', now() - interval '2 days', now() - interval '2 days', now() - interval '1 day') RETURNING id",
    );
    const expired = Number(rows[0]!.id);
    t.same(await listIds(), active, 'an expired one is not active');
    t.same(await listIds('?state=expired'), [expired]);
    t.same(
      await listIds('?state=all'),
      [expired, ...active].sort((a, b) => b - a),
      'all, newest first',
    );
    t.same(await listIds('?kind=unusual_hour'), [active.at(-1)], 'by kind');
    t.same(await listIds('?entity=user.name%3Dbackup'), [active.at(-1)], 'by entity');
    const firstPage = await api.call('GET', '/api/v1/suppressions?state=all&limit=2', write);
    const secondPage = await api.call('GET', `/api/v1/suppressions?state=all&limit=2&cursor=${firstPage.json.next_cursor}`, write);
    t.same(
      [...firstPage.json.suppressions, ...secondPage.json.suppressions].map((s: { id: number }) => s.id),
      await listIds('?state=all'),
      'pages',
    );
    t.equal(secondPage.json.next_cursor, null);
    const bad = await api.call('GET', '/api/v1/suppressions?state=gone', write);
    t.match(bad, { status: 400, json: { message: 'querystring.state must be one of active, expired, deleted, all' } });
  });

  t.test('DELETE is a soft delete by an admin token: deleted_at, deleted_by, updated_at move', async (t) => {
    const target = (await listIds())[0]!;
    const forbidden = await api.call('DELETE', `/api/v1/suppressions/${target}`, { token: api.tokens.readWrite });
    t.match(forbidden, {
      status: 403,
      json: { code: 'SIEMAD_API_FORBIDDEN', message: `token "${api.names.readWrite}" lacks the admin scope this request needs` },
    });
    const before = (await db.query<{ updated_at: Date }>('SELECT updated_at FROM suppressions WHERE id = $1', [target])).rows[0]!
      .updated_at;
    const res = await api.call('DELETE', `/api/v1/suppressions/${target}`, { token: api.tokens.admin });
    t.equal(res.status, 200, res.text);
    t.match(res.json, { id: target, active: false, deleted_by: api.names.admin });
    t.ok(Date.parse(res.json.deleted_at) >= before.getTime(), 'deleted_at set');
    t.ok(Date.parse(res.json.updated_at) > before.getTime(), 'updated_at moved, so polling collectors notice');
    const row = await db.query('SELECT id FROM suppressions WHERE id = $1', [target]);
    t.equal(row.rows.length, 1, 'the row stays');
    t.notOk((await listIds()).includes(target), 'no longer active');
    t.same(await listIds('?state=deleted'), [target]);
    const again = await api.call('DELETE', `/api/v1/suppressions/${target}`, { token: api.tokens.admin });
    t.equal(again.status, 200, 'removing a removed one is fine');
    t.equal(again.json.updated_at, res.json.updated_at, 'and changes nothing');
    const missing = await api.call('DELETE', '/api/v1/suppressions/999999', { token: api.tokens.admin });
    t.match(missing, { status: 404, json: { message: 'suppression 999999 not found' } });
    const badId = await api.call('DELETE', '/api/v1/suppressions/x', { token: api.tokens.admin });
    t.equal(badId.status, 400);
  });
}

onBothDatabases(t, suite);
