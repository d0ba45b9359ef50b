import t, { type Test } from 'tap';
import type { Database } from '../../postgres/database.js';
import { FEATURES } from '../../scorer/features/definitions.js';
import { featureRow, onBothDatabases, seedAlert, startApi } from '../helpers/api.js';

async function suite(t: Test, db: Database): Promise<void> {
  const api = await startApi(db);
  t.teardown(() => api.close());
  const write = { token: api.tokens.readWrite };
  const brute = await seedAlert(db, {
    entity: 'source.ip=203.0.113.9',
    kind: 'brute_force',
    firstSeen: '2026-05-01T10:00:00Z',
    lastSeen: '2026-05-01T10:30:00Z',
    events: [
      { id: 'ev-a', at: '2026-05-01T10:00:00Z' },
      { id: 'ev-b', at: '2026-05-01T10:30:00Z', modelVersion: 'test-model-2' },
    ],
  });
  const scan = await seedAlert(db, {
    entity: 'source.ip=198.51.100.20',
    kind: 'web_scan',
    firstSeen: '2026-05-01T11:00:00Z',
    lastSeen: '2026-05-01T11:00:00Z',
    events: [{ id: 'ev-c', at: '2026-05-01T11:00:00Z' }],
  });
  const post = (body: unknown, token = api.tokens.readWrite) => api.call('POST', '/api/v1/feedback', { token, body });

  t.test('a verdict on an alert copies its entity and kind and names the token', async (t) => {
    const res = await post({ alert_id: brute, verdict: 'true_positive', comment: 'confirmed with the host owner' });
    t.equal(res.status, 201, res.text);
    t.match(res.json, {
      feedback: {
        alert_id: brute,
        event_id: null,
        verdict: 'true_positive',
        comment: 'confirmed with the host owner',
        entity: 'source.ip=203.0.113.9',
        kind: 'brute_force',
        created_by: api.names.readWrite,
      },
      suppression: null,
    });
    const detail = await api.call('GET', `/api/v1/alerts/${brute}`, write);
    t.match(detail.json.feedback, [{ id: res.json.feedback.id, verdict: 'true_positive' }], 'the alert shows it');
  });

  t.test('a verdict on an anomaly finds its alert', async (t) => {
    const res = await post({ event_id: 'ev-c', verdict: 'benign' });
    t.equal(res.status, 201);
    t.match(res.json.feedback, { alert_id: scan, event_id: 'ev-c', entity: 'source.ip=198.51.100.20', kind: 'web_scan' });
    const unknown = await post({ event_id: 'not-in-any-alert', verdict: 'false_positive', comment: 'a low anomaly' });
    t.equal(unknown.status, 201, 'an anomaly below the alert level is known only by its id');
    t.match(unknown.json.feedback, { alert_id: null, event_id: 'not-in-any-alert', entity: null, kind: null });
    const mismatch = await post({ alert_id: brute, event_id: 'ev-c', verdict: 'benign' });
    t.match(mismatch, { status: 400, json: { message: `event ev-c is not an anomaly of alert ${brute}` } });
  });

  t.test("a false positive creates a suppression: the alert's entity and kind, or its own match", async (t) => {
    const res = await post({
      alert_id: scan,
      verdict: 'false_positive',
      comment: 'our vulnerability scanner',
      suppression: { effect: 'mute', expires_at: '2099-01-01T00:00:00Z' },
    });
    t.equal(res.status, 201, res.text);
    t.match(res.json.suppression, {
      entity: 'source.ip=198.51.100.20',
      kind: 'web_scan',
      reason_contains: null,
      effect: 'mute',
      comment: 'our vulnerability scanner',
      feedback_id: res.json.feedback.id,
      created_by: api.names.readWrite,
      expires_at: '2099-01-01T00:00:00.000Z',
      active: true,
    });
    const own = await post({
      event_id: 'ev-a',
      verdict: 'benign',
      suppression: { reason_contains: 'failed logins', effect: 'lower', comment: 'password rotation day' },
    });
    t.match(own.json.suppression, {
      entity: null,
      kind: null,
      reason_contains: 'failed logins',
      effect: 'lower',
      comment: 'password rotation day',
    });
    const listed = await api.call('GET', '/api/v1/suppressions', write);
    t.same(
      listed.json.suppressions.map((s: { id: number }) => s.id).sort(),
      [res.json.suppression.id, own.json.suppression.id].sort(),
      'both active',
    );
  });

  t.test('refuses bad feedback with a clear message, and writes nothing then', async (t) => {
    const before = await db.query<{ n: unknown }>('SELECT count(*) AS n FROM feedback');
    const cases: [unknown, number, RegExp][] = [
      [{ verdict: 'benign' }, 400, /body must have alert_id or event_id/],
      [{ alert_id: brute }, 400, /body must have the property "verdict"/],
      [{ alert_id: brute, verdict: 'maybe' }, 400, /body\.verdict must be one of true_positive, false_positive, benign/],
      [{ alert_id: 'seven', verdict: 'benign' }, 400, /body\.alert_id must be integer/],
      [{ alert_id: String(brute), verdict: 'benign' }, 400, /body\.alert_id must be integer/],
      [{ alert_id: 999999, verdict: 'benign' }, 404, /alert 999999 not found/],
      [{ alert_id: brute, verdict: 'benign', extra: 1 }, 400, /body has an unknown property "extra"/],
      [{ event_id: '', verdict: 'benign' }, 400, /body\.event_id must NOT have fewer than 1 characters/],
      [
        { alert_id: brute, verdict: 'true_positive', suppression: { effect: 'mute' } },
        400,
        /only a false_positive or benign verdict may create a suppression/,
      ],
      [
        { alert_id: brute, verdict: 'false_positive', suppression: { effect: 'silence' } },
        400,
        /body\.suppression\.effect must be one of mute, lower/,
      ],
      [{ alert_id: brute, verdict: 'false_positive', suppression: { kind: 'brute-force' } }, 400, /body\.suppression\.kind must be one of/],
      [
        { alert_id: brute, verdict: 'false_positive', suppression: { expires_at: '2020-01-01T00:00:00Z' } },
        400,
        /body\.suppression\.expires_at is in the past/,
      ],
      [
        { alert_id: brute, verdict: 'false_positive', suppression: { expires_at: 'tomorrow' } },
        400,
        /body\.suppression\.expires_at must be an RFC 3339 date-time/,
      ],
      [
        { event_id: 'nowhere', verdict: 'false_positive', suppression: { effect: 'mute' } },
        400,
        /must name entity, kind or reason_contains: event nowhere is in no alert/,
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await post(body);
      const label = JSON.stringify(body).slice(0, 80);
      t.equal(res.status, status, label);
      t.match(res.json.message, message, label);
    }
    const after = await db.query<{ n: unknown }>('SELECT count(*) AS n FROM feedback');
    t.equal(Number(after.rows[0]!.n), Number(before.rows[0]!.n), 'a refused suppression rolls its feedback back too');
  });

  t.test('lists feedback newest first, filtered and paged', async (t) => {
    const all = await api.call('GET', '/api/v1/feedback', write);
    t.equal(all.status, 200);
    const ids = all.json.feedback.map((f: { id: number }) => f.id);
    t.equal(ids.length, 5);
    t.same(
      ids,
      [...ids].sort((a: number, b: number) => b - a),
      'newest first',
    );
    const fp = await api.call('GET', '/api/v1/feedback?verdict=false_positive', write);
    t.ok(fp.json.feedback.length === 2 && fp.json.feedback.every((f: { verdict: string }) => f.verdict === 'false_positive'));
    const two = await api.call('GET', '/api/v1/feedback?verdict=false_positive&verdict=benign', write);
    t.equal(two.json.feedback.length, 4);
    t.equal((await api.call('GET', `/api/v1/feedback?alert_id=${scan}`, write)).json.feedback.length, 2);
    t.equal((await api.call('GET', '/api/v1/feedback?kind=brute_force', write)).json.feedback.length, 2);
    t.equal((await api.call('GET', '/api/v1/feedback?entity=source.ip%3D203.0.113.9', write)).json.feedback.length, 2);
    t.equal((await api.call('GET', '/api/v1/feedback?event_id=ev-c', write)).json.feedback.length, 1);
    t.equal((await api.call('GET', `/api/v1/feedback?created_by=${api.names.readWrite}&since=1h`, write)).json.feedback.length, 5);
    t.equal((await api.call('GET', '/api/v1/feedback?until=2020-01-01T00:00:00Z', write)).json.feedback.length, 0);
    const paged: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await api.call('GET', `/api/v1/feedback?limit=4${cursor !== null ? `&cursor=${cursor}` : ''}`, write);
      paged.push(...res.json.feedback.map((f: { id: number }) => f.id));
      cursor = res.json.next_cursor;
    } while (cursor !== null);
    t.same(paged, ids, 'pages');
    for (const [query, message] of [
      ['?verdict=wrong', /querystring\.verdict\.0 must be one of/],
      ['?limit=501', /querystring\.limit must be <= 500 with format=json/],
      ['?limit=100001&format=ndjson', /querystring\.limit must be <= 100000/],
      ['?format=xml', /querystring\.format must be one of json, ndjson, csv/],
      ['?created_by=a%20b', /querystring\.created_by must match pattern/],
      ['?format=csv&cursor=abc', /querystring\.cursor pages format=json/],
    ] as const) {
      const res = await api.call('GET', `/api/v1/feedback${query}`, write);
      t.equal(res.status, 400, query);
      t.match(res.json.message, message, query);
    }
  });

  t.test('exports NDJSON: one line per verdict with its anomalies, model version and features by name', async (t) => {
    const res = await api.call('GET', '/api/v1/feedback?format=ndjson', write);
    t.equal(res.status, 200);
    t.match(res.headers['content-type'], /^application\/x-ndjson/);
    t.match(res.headers['content-disposition'], /attachment; filename="siemad-feedback-.*\.ndjson"/);
    const lines = res.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    t.equal(lines.length, 5);
    const onAlert = lines.find((l) => l.alert_id === brute && l.event_id === null);
    t.match(onAlert, {
      verdict: 'true_positive',
      comment: 'confirmed with the host owner',
      created_by: api.names.readWrite,
      entity: 'source.ip=203.0.113.9',
      kind: 'brute_force',
    });
    t.ok(typeof onAlert.created_at === 'string' && typeof onAlert.id === 'number');
    t.same(
      onAlert.events.map((e: { event_id: string }) => e.event_id),
      ['ev-a', 'ev-b'],
      'a verdict on an alert: all its anomalies',
    );
    t.same(
      onAlert.events.map((e: { model_version: string }) => e.model_version),
      ['test-model-1', 'test-model-2'],
    );
    const features = onAlert.events[1].features;
    t.same(
      Object.keys(features),
      FEATURES.map((f) => f.name),
    );
    t.ok(
      FEATURES.every((f, i) => Math.abs(features[f.name] - featureRow(1)[i]!) < 1e-5),
      'the values of the kept row, by name',
    );
    const onEvent = lines.find((l) => l.event_id === 'ev-c' && l.verdict === 'benign');
    t.same(
      onEvent.events.map((e: { event_id: string }) => e.event_id),
      ['ev-c'],
      'a verdict on an anomaly: that one',
    );
    const unknown = lines.find((l) => l.event_id === 'not-in-any-alert');
    t.same(unknown.events, [], 'an anomaly the database does not hold: no features');
    const bounded = await api.call('GET', '/api/v1/feedback?format=ndjson&limit=2&verdict=false_positive', write);
    t.equal(bounded.text.trim().split('\n').length, 2, 'limit bounds the export');
  });

  t.test('exports CSV: one row per verdict and anomaly, one column per feature, formulas defused', async (t) => {
    await post({ alert_id: brute, verdict: 'benign', comment: '=HYPERLINK("http://example.invalid"), "quoted"\nsecond line' });
    const res = await api.call('GET', `/api/v1/feedback?format=csv&alert_id=${brute}`, write);
    t.equal(res.status, 200);
    t.match(res.headers['content-type'], /^text\/csv/);
    const rows = res.text.split('\r\n');
    t.equal(rows.pop(), '', 'CRLF after every row');
    t.same(rows[0]!.split(','), [
      'id',
      'verdict',
      'comment',
      'created_at',
      'created_by',
      'alert_id',
      'event_id',
      'entity',
      'kind',
      'anomaly_event_id',
      'anomaly_timestamp',
      'anomaly_level',
      'anomaly_score',
      'model_version',
      ...FEATURES.map((f) => f.name),
    ]);
    t.match(
      res.text,
      /,"'=HYPERLINK\(""http:\/\/example\.invalid""\), ""quoted""\nsecond line",/,
      'quoted, doubled quotes, formula prefixed',
    );
    const dataRows = res.text.split('\r\n').slice(1, -1);
    // The alert's two verdicts on the alert cover both anomalies each; the one on ev-a covers ev-a.
    t.equal(dataRows.length, 5);
    const evB = dataRows.find((row) => row.includes(',ev-b,'))!;
    t.match(evB, /,test-model-2,/);
    const values = evB.split(',').slice(-FEATURES.length).map(Number);
    t.ok(
      values.every((v, i) => Math.abs(v - featureRow(1)[i]!) < 1e-5),
      'the feature values, in FEATURES order, last',
    );
  });
}

onBothDatabases(t, suite);
