import t, { type Test } from 'tap';
import type { Database } from '../../postgres/database.js';
import { FEATURES } from '../../scorer/features/definitions.js';
import { featureRow, onBothDatabases, seedAlert, startApi } from '../helpers/api.js';

async function suite(t: Test, db: Database): Promise<void> {
  const api = await startApi(db);
  t.teardown(() => api.close());
  const read = { token: api.tokens.read };
  const ids = {
    brute: await seedAlert(db, {
      entity: 'source.ip=203.0.113.9',
      kind: 'brute_force',
      level: 'critical',
      score: 0.99,
      firstSeen: '2026-05-01T10:00:00Z',
      lastSeen: '2026-05-01T10:30:00Z',
      events: [
        { id: 'ev-1', at: '2026-05-01T10:00:00Z' },
        { id: 'ev-2', at: '2026-05-01T10:30:00Z' },
      ],
    }),
    spray: await seedAlert(db, {
      entity: 'source.ip=198.51.100.7',
      kind: 'password_spraying',
      level: 'high',
      score: 0.8,
      firstSeen: '2026-05-01T11:00:00Z',
      lastSeen: '2026-05-01T12:00:00Z',
    }),
    hour: await seedAlert(db, {
      entity: 'user.name=carol',
      kind: 'unusual_hour',
      level: 'low',
      score: 0.4,
      status: 'resolved',
      firstSeen: '2026-05-02T03:00:00Z',
      lastSeen: '2026-05-02T03:05:00Z',
    }),
    scan: await seedAlert(db, {
      entity: 'source.ip=203.0.113.9',
      kind: 'port_scan',
      level: 'medium',
      score: 0.6,
      status: 'acknowledged',
      firstSeen: '2026-05-02T08:00:00Z',
      lastSeen: '2026-05-02T09:00:00Z',
    }),
    web: await seedAlert(db, {
      entity: 'source.ip=192.0.2.44',
      kind: 'web_scan',
      level: 'high',
      score: 0.85,
      firstSeen: '2026-05-03T00:00:00Z',
      lastSeen: '2026-05-03T00:10:00Z',
    }),
  };
  const listed = async (query: string): Promise<number[]> => {
    const res = await api.call('GET', `/api/v1/alerts${query}`, read);
    t.equal(res.status, 200, `GET /alerts${query}${res.status === 200 ? '' : `: ${res.text.slice(0, 300)}`}`);
    return (res.json.alerts as { id: number }[]).map((alert) => alert.id);
  };

  t.test('lists alerts, newest activity first, filtered by status, level, time, entity and kind', async (t) => {
    t.same(await listed(''), [ids.web, ids.scan, ids.hour, ids.spray, ids.brute]);
    t.same(await listed('?status=open'), [ids.web, ids.spray, ids.brute], 'one status');
    t.same(await listed('?status=open&status=acknowledged'), [ids.web, ids.scan, ids.spray, ids.brute], 'several statuses');
    t.same(await listed('?level=high'), [ids.web, ids.spray, ids.brute], 'high or above');
    t.same(await listed('?level=critical'), [ids.brute]);
    t.same(await listed('?since=2026-05-02T00:00:00Z'), [ids.web, ids.scan, ids.hour], 'seen since');
    t.same(await listed('?until=2026-05-01T11:30:00Z'), [ids.spray, ids.brute], 'first seen before until');
    t.same(await listed('?since=2026-05-01T11:30:00Z&until=2026-05-02T04:00:00Z'), [ids.hour, ids.spray], 'active within the window');
    t.same(await listed('?since=365000d'), [ids.web, ids.scan, ids.hour, ids.spray, ids.brute], 'an age back from now');
    t.same(await listed('?since=1h'), [], 'nothing in the last hour');
    t.same(await listed('?entity=source.ip%3D203.0.113.9'), [ids.scan, ids.brute], 'one entity');
    t.same(await listed('?kind=brute_force'), [ids.brute], 'one kind');
    const res = await api.call('GET', '/api/v1/alerts?kind=brute_force', read);
    const alert = res.json.alerts[0];
    t.match(alert, {
      id: ids.brute,
      entity: 'source.ip=203.0.113.9',
      kind: 'brute_force',
      status: 'open',
      level: 'critical',
      anomaly_count: 2,
      first_seen: '2026-05-01T10:00:00.000Z',
      last_seen: '2026-05-01T10:30:00.000Z',
      top_reasons: ['many failed logins'],
      hosts: ['web-01'],
      assignee: null,
    });
    t.equal(typeof alert.score, 'number');
  });

  t.test('sorts by level, score or first seen, either way', async (t) => {
    t.same(await listed('?sort=level'), [ids.brute, ids.web, ids.spray, ids.scan, ids.hour], 'most severe first, then latest');
    t.same(await listed('?sort=score&order=asc'), [ids.hour, ids.scan, ids.spray, ids.web, ids.brute]);
    t.same(await listed('?sort=first_seen&order=asc'), [ids.brute, ids.spray, ids.hour, ids.scan, ids.web]);
  });

  t.test('pages with a cursor: every alert once, in order, for every sort', async (t) => {
    for (const query of ['', '?sort=level', '?sort=score&order=asc', '?sort=first_seen&status=open']) {
      const all = await listed(query);
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const sep = query === '' ? '?' : '&';
        const res = await api.call('GET', `/api/v1/alerts${query}${sep}limit=2${cursor !== null ? `&cursor=${cursor}` : ''}`, read);
        t.equal(res.status, 200);
        t.ok(res.json.alerts.length <= 2);
        seen.push(...res.json.alerts.map((alert: { id: number }) => alert.id));
        cursor = res.json.next_cursor;
        pages++;
      } while (cursor !== null && pages < 10);
      t.same(seen, all, `pages of ${query || 'the default sort'}`);
      t.equal(pages, Math.max(1, Math.ceil(all.length / 2)), 'the last page says so');
    }
    const first = await api.call('GET', '/api/v1/alerts?limit=2', read);
    const other = await api.call('GET', `/api/v1/alerts?sort=level&cursor=${first.json.next_cursor}`, read);
    t.equal(other.status, 400, 'a cursor of another sort is refused');
    t.match(other.json.message, /cursor/);
    const forged = await api.call(
      'GET',
      `/api/v1/alerts?cursor=${Buffer.from('["last_seen","desc","1; DROP TABLE alerts","1"]').toString('base64url')}`,
      read,
    );
    t.equal(forged.status, 400, 'a forged cursor is refused');
    t.same(await listed(''), [ids.web, ids.scan, ids.hour, ids.spray, ids.brute], 'and changed nothing');
  });

  t.test('refuses bad list parameters with a clear message', async (t) => {
    const cases: [string, RegExp][] = [
      ['?status=opened', /querystring\.status\.0 must be one of open, acknowledged, resolved, false_positive/],
      ['?level=severe', /querystring\.level must be one of low, medium, high, critical/],
      ['?since=yesterday', /querystring\.since must be an RFC 3339 time/],
      ['?until=2026-13-45T00:00:00Z', /querystring\.until/],
      ['?kind=nonsense', /querystring\.kind must be one of brute_force/],
      ['?entity=203.0.113.9', /querystring\.entity must match pattern/],
      ['?limit=0', /querystring\.limit must be >= 1/],
      ['?limit=501', /querystring\.limit must be <= 500/],
      ['?limit=ten', /querystring\.limit must be integer/],
      ['?sort=entity', /querystring\.sort must be one of last_seen, first_seen, level, score/],
      ['?levle=high', /querystring has an unknown property "levle"/],
      ['?cursor=not%20base64', /querystring\.cursor must match pattern/],
    ];
    for (const [query, message] of cases) {
      const res = await api.call('GET', `/api/v1/alerts${query}`, read);
      t.equal(res.status, 400, query);
      t.match(res.json, { statusCode: 400, code: 'SIEMAD_API_BAD_REQUEST', message }, query);
    }
  });

  t.test('one alert with its anomalies (features by name), history and feedback', async (t) => {
    const res = await api.call('GET', `/api/v1/alerts/${ids.brute}`, read);
    t.equal(res.status, 200);
    t.equal(res.json.alert.id, ids.brute);
    t.same(
      res.json.anomalies.map((a: { event_id: string }) => a.event_id),
      ['ev-2', 'ev-1'],
      'newest first',
    );
    const second = res.json.anomalies[0];
    t.equal(second.model_version, 'test-model-1');
    t.equal(Object.keys(second.features).length, FEATURES.length);
    t.same(
      Object.keys(second.features),
      FEATURES.map((f) => f.name),
      'named in FEATURES order',
    );
    const expected = featureRow(1);
    t.ok(
      FEATURES.every((f, i) => Math.abs(second.features[f.name] - expected[i]!) < 1e-5),
      'the values of the kept row',
    );
    t.match(res.json.history, [{ actor: 'siemad', change: 'opened', new_value: 'critical' }]);
    t.same(res.json.feedback, []);
    const missing = await api.call('GET', '/api/v1/alerts/999999', read);
    t.equal(missing.status, 404);
    t.match(missing.json, { code: 'SIEMAD_API_NOT_FOUND', message: 'alert 999999 not found' });
    for (const bad of ['abc', '0', '-1', '1.5', '99999999999999999999']) {
      const res = await api.call('GET', `/api/v1/alerts/${bad}`, read);
      t.equal(res.status, 400, `id ${bad}`);
      t.match(res.json.message, /^params\.id /);
    }
  });

  t.test('a feature row kept for a model with other features is not mislabelled', async (t) => {
    const id = await seedAlert(db, {
      entity: 'user.name=dave',
      kind: 'new_login_source',
      firstSeen: '2026-04-01T00:00:00Z',
      lastSeen: '2026-04-01T00:00:00Z',
      events: [
        { id: 'old-1', at: '2026-04-01T00:00:00Z', features: [1, 2, 3] },
        { id: 'none-1', at: '2026-04-01T00:00:01Z', features: null },
      ],
    });
    const res = await api.call('GET', `/api/v1/alerts/${id}`, read);
    t.same(
      res.json.anomalies.map((a: { features: unknown }) => a.features),
      [null, null],
    );
  });

  t.test('PATCH changes status, assignee and note, each a history row by the token name', async (t) => {
    const write = { token: api.tokens.readWrite };
    const ack = await api.call('PATCH', `/api/v1/alerts/${ids.spray}`, {
      ...write,
      body: { status: 'acknowledged', assignee: 'alice', note: 'looking at it' },
    });
    t.equal(ack.status, 200, ack.text);
    t.match(ack.json, { id: ids.spray, status: 'acknowledged', assignee: 'alice', resolved_at: null });
    t.ok(Date.parse(ack.json.acknowledged_at) > Date.now() - 60_000, 'acknowledged_at set now');
    const acknowledgedAt = ack.json.acknowledged_at;
    const resolved = await api.call('PATCH', `/api/v1/alerts/${ids.spray}`, { ...write, body: { status: 'resolved' } });
    t.equal(resolved.json.status, 'resolved');
    t.ok(resolved.json.resolved_at !== null, 'resolved_at set');
    t.equal(resolved.json.acknowledged_at, acknowledgedAt, 'acknowledged_at keeps the first response');
    const reopened = await api.call('PATCH', `/api/v1/alerts/${ids.spray}`, { ...write, body: { status: 'open', assignee: null } });
    t.match(reopened.json, { status: 'open', resolved_at: null, assignee: null });
    const same = await api.call('PATCH', `/api/v1/alerts/${ids.spray}`, { ...write, body: { status: 'open' } });
    t.equal(same.status, 200, 'setting the same status is fine');
    const detail = await api.call('GET', `/api/v1/alerts/${ids.spray}`, read);
    const changes = detail.json.history.filter((h: { change: string }) => h.change !== 'opened');
    t.match(changes, [
      { actor: api.names.readWrite, change: 'status', old_value: 'open', new_value: 'acknowledged' },
      { actor: api.names.readWrite, change: 'assignee', old_value: null, new_value: 'alice' },
      { actor: api.names.readWrite, change: 'note', note: 'looking at it' },
      { actor: api.names.readWrite, change: 'status', old_value: 'acknowledged', new_value: 'resolved' },
      { actor: api.names.readWrite, change: 'status', old_value: 'resolved', new_value: 'open' },
      { actor: api.names.readWrite, change: 'assignee', old_value: 'alice', new_value: null },
    ]);
    t.equal(changes.length, 6, 'no row for a change that changed nothing');
    const fp = await api.call('PATCH', `/api/v1/alerts/${ids.web}`, { token: api.tokens.write, body: { status: 'false_positive' } });
    t.match(fp.json, { status: 'false_positive' });
    t.ok(fp.json.resolved_at !== null && fp.json.acknowledged_at !== null, 'a false positive is a response and an end');
  });

  t.test('PATCH refuses bad input and unknown alerts', async (t) => {
    const write = { token: api.tokens.write };
    const cases: [unknown, RegExp][] = [
      [{}, /body must NOT have fewer than 1 properties/],
      [{ status: 'closed' }, /body\.status must be one of open, acknowledged, resolved, false_positive/],
      [{ stauts: 'open' }, /body has an unknown property "stauts"/],
      [{ assignee: '' }, /body\.assignee must NOT have fewer than 1 characters/],
      [{ note: 'x'.repeat(4001) }, /body\.note must NOT have more than 4000 characters/],
      [{ assignee: 42 }, /body\.assignee must be string,null/],
      ['{"status":', /the body is not valid JSON/],
      ['[]', /body must be object/],
    ];
    for (const [body, message] of cases) {
      const res = await api.call('PATCH', `/api/v1/alerts/${ids.hour}`, { ...write, body });
      const label = JSON.stringify(body).slice(0, 40);
      t.equal(res.status, 400, label);
      t.match(res.json, { code: 'SIEMAD_API_BAD_REQUEST', message }, label);
    }
    const missing = await api.call('PATCH', '/api/v1/alerts/999999', { ...write, body: { status: 'resolved' } });
    t.equal(missing.status, 404);
    const xml = await api.call('PATCH', `/api/v1/alerts/${ids.hour}`, {
      ...write,
      body: '<status>open</status>',
      headers: { 'content-type': 'application/xml' },
    });
    t.equal(xml.status, 415);
    t.match(xml.json, { code: 'SIEMAD_API_UNSUPPORTED_MEDIA_TYPE' });
    const text = await api.call('PATCH', `/api/v1/alerts/${ids.hour}`, {
      ...write,
      body: 'status=open',
      headers: { 'content-type': 'text/plain' },
    });
    t.match(text, { status: 400, json: { message: 'body must be object' } }, 'text is not an object');
    const detail = await api.call('GET', `/api/v1/alerts/${ids.hour}`, read);
    t.equal(detail.json.alert.status, 'resolved', 'nothing changed');
  });
}

onBothDatabases(t, suite);
