import { Redis } from 'ioredis';
import t, { type Test } from 'tap';
import { startRedis } from '../helpers/redis.js';
import { requireService } from '../helpers/services.js';
import { serveWithTokens, sprayLines, type ServedApi } from './ingest-helpers.js';

const SCOPES = { ingester: 'ingest', reader: 'read', both: 'ingest,read', admin: 'admin' };

function noInternals(t: Test, text: string, label: string): void {
  t.notMatch(text, /127\.0\.0\.1|pglite|\/tmp\/|listeners|\n\s+at /, `${label}: no addresses, paths or stack traces`);
}

t.test('analysis, query and status routes of a real siemad serve', async (t) => {
  const api: ServedApi = await serveWithTokens(SCOPES);
  t.teardown(() => api.serve.stop());
  const { tokens } = api;
  const analyze = (body: unknown, token = tokens.ingester) => api.call('POST', '/api/v1/logs/analyze', { token, body });
  const batch = (body: unknown, token = tokens.ingester, headers?: Record<string, string>, query = '') =>
    api.call('POST', `/api/v1/logs/batch${query}`, { token, body, ...(headers !== undefined ? { headers } : {}) });

  await t.test(
    'analyze: a verdict with the ECS event; metadata supplies fields; the source hint gives a bare line its program',
    async (t) => {
      const res = await analyze({
        log_line: 'Failed password for root from 198.51.100.7 port 5022 ssh2',
        source: 'auth',
        metadata: { hostname: 'bastion-1', timestamp: '2026-03-01T10:00:00Z' },
      });
      t.equal(res.status, 200, res.status === 200 ? 'ok' : res.text);
      t.match(res.json, {
        is_anomaly: Boolean,
        risk_score: Number,
        risk_level: /^(none|low|medium|high|critical)$/,
        reasons: Array,
        model_scores: Object,
        processing_time_ms: Number,
        dry_run: false,
        dataset: 'system.auth',
        action: 'ssh-login',
        event: {
          '@timestamp': '2026-03-01T10:00:00.000Z',
          host: { hostname: 'bastion-1' },
          source: { ip: '198.51.100.7' },
          user: { name: 'root' },
          process: { name: 'sshd' },
        },
      });
      t.ok(Object.keys(res.json.model_scores).length > 0, 'the models scored it');
      const web = await analyze({
        log_line: '198.51.100.8 - - [01/Mar/2026:10:00:00 +0000] "GET /index.html HTTP/1.1" 200 512 "-" "Mozilla/5.0"',
        source: 'nginx',
        metadata: { status_code: 404, source_ip: '2001:db8::5' },
      });
      t.match(
        web.json,
        { dataset: 'nginx.access', event: { http: { response: { status_code: 404 } }, source: { ip: '2001:db8::5' } } },
        'nginx hint, metadata over decoded fields',
      );
      const auto = await analyze({
        log_line: '<38>1 2026-03-01T10:00:01Z bastion-1 sshd 77 - - Accepted publickey for deploy from 198.51.100.9 port 5023 ssh2',
      });
      t.match(
        auto.json,
        { dataset: 'system.auth', event: { host: { hostname: 'bastion-1' }, user: { name: 'deploy' } } },
        'auto: read as the syslog receivers read it',
      );
    },
  );

  await t.test('analyze: clear 400s for bad input, 415 for another media type', async (t) => {
    for (const [body, pattern] of [
      [{}, /body must have the property "log_line"/],
      [{ log_line: '' }, /body\.log_line must NOT have fewer than 1 characters/],
      [{ log_line: 'x', source: 'windows' }, /body\.source must be one of auto, syslog, auth, nginx, apache, firewall/],
      [{ log_line: 'x', metadata: { source_ip: 'not-an-ip' } }, /body\.metadata\.source_ip/],
      [{ log_line: 'x', metadata: { status_code: 999 } }, /body\.metadata\.status_code must be <= 599/],
      [{ log_line: 'x', metadata: { timestamp: 'yesterday' } }, /body\.metadata\.timestamp must be an RFC 3339 date-time/],
      [{ log_line: 'x', colour: 'red' }, /body has an unknown property "colour"/],
      ['{"log_line": ', /the body is not valid JSON/],
    ] as const) {
      const res = await analyze(body);
      t.equal(res.status, 400, JSON.stringify(body));
      t.match(res.json, { code: 'SIEMAD_API_BAD_REQUEST', message: pattern });
    }
    const xml = await api.call('POST', '/api/v1/logs/analyze', {
      token: tokens.ingester,
      body: '<log/>',
      headers: { 'content-type': 'application/xml' },
    });
    t.match(xml, { status: 415, json: { code: 'SIEMAD_API_UNSUPPORTED_MEDIA_TYPE' } });
  });

  await t.test('tokens: 401 without or with a wrong one, 403 without the scope each route needs', async (t) => {
    const forged = `siemad_${'B'.repeat(43)}`;
    for (const [method, path, body, scope] of [
      ['POST', '/api/v1/logs/analyze', { log_line: 'x' }, 'ingest'],
      ['POST', '/api/v1/logs/batch', { logs: ['x'] }, 'ingest'],
      ['GET', '/api/v1/anomalies', undefined, 'read'],
      ['GET', '/api/v1/stats', undefined, 'read'],
      ['GET', '/api/v1/sources', undefined, 'read'],
    ] as const) {
      const options = body !== undefined ? { body } : {};
      t.equal((await api.call(method, path, options)).status, 401, `${path} without a token`);
      t.equal((await api.call(method, path, { ...options, token: forged })).status, 401, `${path} with a wrong token`);
      const other = scope === 'ingest' ? tokens.reader : tokens.ingester;
      const refused = await api.call(method, path, { ...options, token: other });
      t.equal(refused.status, 403, `${path} with a token lacking ${scope}`);
      t.match(refused.json.message, `lacks the ${scope} scope`);
      for (const name of ['both', 'admin'])
        t.equal((await api.call(method, path, { ...options, token: tokens[name] })).status, 200, `${path} with ${name}`);
    }
  });

  await t.test('dry_run scores against the current state and leaves it, and stores nothing', async (t) => {
    const lines = sprayLines('203.0.113.40', 12);
    const stored = await batch({ logs: lines, source: 'auth' });
    t.equal(stored.status, 200);
    const before = (await api.serve.waitForEvents(1)).length;
    const probe = {
      log_line: 'sshd[4999]: Failed password for invalid user probe from 203.0.113.40 port 41000 ssh2',
      source: 'auth',
      dry_run: true,
    };
    const first = await analyze(probe);
    const second = await analyze(probe);
    t.equal(first.json.dry_run, true);
    t.equal(first.json.risk_score, second.json.risk_score, 'the same score twice: the first changed nothing');
    t.same(first.json.reasons, second.json.reasons);
    t.match(first.json.reasons.join(' '), /13 different user names tried from 203\.0\.113\.40/, 'counts the stored lines and itself');
    const batchProbe = await batch({ logs: [probe.log_line, probe.log_line], source: 'auth', dry_run: true });
    t.same(
      batchProbe.json.results.map((r: { risk_score: number }) => r.risk_score),
      [first.json.risk_score, first.json.risk_score],
      'lines of a dry-run batch are each scored alone',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    t.equal((await api.serve.events()).length, before, 'no dry-run event stored');
    const real = await analyze({ ...probe, dry_run: false });
    t.match(real.json.reasons.join(' '), /13 different user names/, 'the real submission scores as the dry run said');
    const after = await analyze(probe);
    t.match(after.json.reasons.join(' '), /14 failed login attempts from 203\.0\.113\.40/, 'and then counts it');
  });

  await t.test('batch: one verdict per line in order, JSON and NDJSON; NDJSON errors name the line', async (t) => {
    const lines = sprayLines('203.0.113.41', 5, 5000);
    const json = await batch({
      logs: [lines[0], { log_line: lines[1], metadata: { hostname: 'jump-2' } }, ...lines.slice(2)],
      source: 'auth',
      include_events: true,
    });
    t.equal(json.status, 200);
    t.equal(json.json.count, 5);
    t.same(
      json.json.results.map((r: { event: { process: { pid: number } } }) => r.event.process.pid),
      [5000, 5001, 5002, 5003, 5004],
      'in order',
    );
    t.equal(json.json.results[1].event.host.hostname, 'jump-2');
    const ndjson = await batch(
      lines.map((line) => JSON.stringify({ log_line: line })).join('\n') + '\n',
      tokens.ingester,
      { 'content-type': 'application/x-ndjson' },
      '?source=auth&dry_run=true',
    );
    t.equal(ndjson.status, 200, ndjson.text);
    t.equal(ndjson.json.count, 5);
    t.equal(ndjson.json.dry_run, true);
    t.notOk('event' in ndjson.json.results[0], 'events only with include_events');
    const broken = await batch(`${JSON.stringify({ log_line: 'a' })}\n{oops\n`, tokens.ingester, {
      'content-type': 'application/x-ndjson',
    });
    t.match(broken, { status: 400, json: { code: 'SIEMAD_API_BAD_REQUEST', message: 'line 2 of the NDJSON body is not valid JSON' } });
    t.match(await batch({ logs: [] }), { status: 400, json: { message: /body\.logs must NOT have fewer than 1 items/ } });
    t.match(await batch({ logs: [42] }), { status: 400 });
  });

  await t.test('anomalies: filters, sort by score, pages that follow next_cursor, 400 for a bad cursor', async (t) => {
    await batch({ logs: sprayLines('203.0.113.42', 30, 6000), source: 'auth', metadata: undefined });
    const all = await api.call('GET', '/api/v1/anomalies?source_ip=203.0.113.42&limit=500', { token: tokens.reader });
    t.equal(all.status, 200);
    t.equal(all.json.store, 'ndjson');
    t.equal(all.json.scan.truncated, false);
    const found = all.json.anomalies as {
      source: { ip: string };
      anomaly: { score: number; level: string; kind: string; reasons: string[] };
      '@timestamp': string;
      event: { id: string };
    }[];
    t.ok(found.length >= 10, `${found.length} anomalies of the spray`);
    t.ok(found.every((a) => a.source.ip === '203.0.113.42'));
    const times = found.map((a) => a['@timestamp']);
    t.same(times, [...times].sort().reverse(), 'newest first');
    const critical = await api.call('GET', '/api/v1/anomalies?source_ip=203.0.113.42&level=critical&min_score=0.9&limit=500', {
      token: tokens.reader,
    });
    t.ok(
      critical.json.anomalies.length > 0 &&
        critical.json.anomalies.every(
          (a: { anomaly: { level: string; score: number } }) => a.anomaly.level === 'critical' && a.anomaly.score >= 0.9,
        ),
    );
    const kind = found[0]!.anomaly.kind;
    const byKind = await api.call('GET', `/api/v1/anomalies?kind=${kind}&q=user+names&since=1h&limit=500`, { token: tokens.reader });
    t.ok(
      byKind.json.anomalies.length > 0 &&
        byKind.json.anomalies.every(
          (a: { anomaly: { kind: string; reasons: string[] } }) =>
            a.anomaly.kind === kind && /user names/.test(a.anomaly.reasons.join(' ')),
        ),
    );
    t.equal((await api.call('GET', '/api/v1/anomalies?q=nothing-says-this', { token: tokens.reader })).json.anomalies.length, 0);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { json: { anomalies: { event: { id: string }; anomaly: { score: number } }[]; next_cursor: string | null } } =
        await api.call('GET', `/api/v1/anomalies?source_ip=203.0.113.42&sort=score&limit=4${cursor !== null ? `&cursor=${cursor}` : ''}`, {
          token: tokens.reader,
        });
      seen.push(...page.json.anomalies.map((a) => a.event.id));
      cursor = page.json.next_cursor;
      pages++;
    } while (cursor !== null && pages < 50);
    t.equal(new Set(seen).size, found.length, 'the pages together hold every anomaly once');
    t.match(await api.call('GET', '/api/v1/anomalies?cursor=AAAA', { token: tokens.reader }), { status: 400, json: { message: /cursor/ } });
    t.match(await api.call('GET', '/api/v1/anomalies?level=severe', { token: tokens.reader }), {
      status: 400,
      json: { message: /querystring\.level must be one of/ },
    });
    t.match(await api.call('GET', '/api/v1/anomalies?since=last-week', { token: tokens.reader }), { status: 400 });
  });

  await t.test('stats: events and anomalies of what was stored (dry runs excluded), alerts by status', async (t) => {
    const stats = await api.call('GET', '/api/v1/stats', { token: tokens.reader });
    t.equal(stats.status, 200);
    const stored = (await api.serve.events()).length;
    t.equal(stats.json.events_total, stored, 'every stored event, no dry run');
    t.equal(stats.json.last_hour.events, stored);
    const anomalies = (await api.serve.events()).filter((e) => e.anomaly?.is_anomaly === true).length;
    t.equal(stats.json.anomalies_total, anomalies);
    t.equal(
      Object.values(stats.json.anomalies_by_level as Record<string, number>).reduce((a, b) => a + b, 0),
      anomalies,
    );
    t.ok(stats.json.top_entities.some((e: { entity: string }) => e.entity === 'source.ip=203.0.113.42'));
    t.match(stats.json.alerts_by_status, { open: Number });
  });

  await t.test('sources: HTTP senders by host and address, new at first, searchable and filterable', async (t) => {
    const res = await api.call('GET', '/api/v1/sources?q=bastion', { token: tokens.reader });
    t.equal(res.status, 200, res.status === 200 ? 'ok' : res.text);
    t.match(res.json.sources, [{ host: 'bastion-1', address: '127.0.0.1', status: 'new', decoded_share: 1, parse_error_share: 0 }]);
    t.equal((await api.call('GET', '/api/v1/sources?status=silent', { token: tokens.reader })).json.total, 0);
    t.equal(res.json.silent_after_seconds, 900);
    t.match(await api.call('GET', '/api/v1/sources?status=dead', { token: tokens.reader }), { status: 400 });
  });

  await t.test('health: public readiness and liveness; details only with a read token', async (t) => {
    const anonymous = await api.call('GET', '/api/v1/health');
    t.equal(anonymous.status, 200);
    t.equal(anonymous.json.status, 'ok');
    t.same(anonymous.json.checks.map((c: { name: string }) => c.name).sort(), ['models', 'ndjson', 'postgresql', 'queue', 'receivers']);
    t.ok(anonymous.json.checks.every((c: object) => !('detail' in c)));
    noInternals(t, anonymous.text, 'anonymous health');
    const wrong = await api.call('GET', '/api/v1/health', { token: `siemad_${'C'.repeat(43)}` });
    noInternals(t, wrong.text, 'health with a wrong token');
    const ingestOnly = await api.call('GET', '/api/v1/health', { token: tokens.ingester });
    noInternals(t, ingestOnly.text, 'health with a token lacking read');
    const detailed = await api.call('GET', '/api/v1/health', { token: tokens.reader });
    t.match(
      detailed.json.checks.find((c: { name: string }) => c.name === 'receivers'),
      { status: 'up', detail: { state: 'running', listeners: Array } },
    );
    t.match(
      detailed.json.checks.find((c: { name: string }) => c.name === 'models'),
      { detail: { windowStore: 'memory' } },
    );
    t.match(await api.call('GET', '/api/v1/health/live'), { status: 200, json: { status: 'alive' } });
  });

  await t.test('sources survive a restart', async (t) => {
    const before = (await api.call('GET', '/api/v1/sources?q=bastion', { token: tokens.reader })).json.sources[0];
    t.equal(await api.serve.stop(), 0);
    const again = await serveWithTokens({}, [], api.serve.dataDir);
    t.teardown(() => again.serve.stop());
    const after = await again.call('GET', '/api/v1/sources?q=bastion', { token: tokens.reader });
    t.match(after.json.sources, [
      { host: 'bastion-1', first_seen: before.first_seen, last_seen: before.last_seen, messages_total: before.messages_total },
    ]);
  });
});

t.test('limits: batch lines and body size (413), request and line rates per token (429 with Retry-After)', async (t) => {
  const api = await serveWithTokens({ a: 'ingest', b: 'ingest', c: 'ingest,read' }, [
    '--scoring',
    'false',
    '--api-batch-max-lines',
    '5',
    '--api-batch-body-limit',
    '2KiB',
    '--api-body-limit',
    '1KiB',
    '--api-rate',
    '3',
    '--api-burst',
    '3',
    '--api-ingest-rate',
    '4',
  ]);
  t.teardown(() => api.serve.stop());
  const six = await api.call('POST', '/api/v1/logs/batch', { token: api.tokens.a, body: { logs: ['1', '2', '3', '4', '5', '6'] } });
  t.match(six, {
    status: 413,
    json: { code: 'SIEMAD_API_PAYLOAD_TOO_LARGE', message: '6 lines: a batch holds at most 5 (--api-batch-max-lines)' },
  });
  const big = await api.call('POST', '/api/v1/logs/batch', { token: api.tokens.a, body: { logs: ['x'.repeat(3000)] } });
  t.match(big, { status: 413, json: { message: 'the body is larger than the 2048 bytes allowed (--api-batch-body-limit)' } });
  const bigLine = await api.call('POST', '/api/v1/logs/analyze', { token: api.tokens.a, body: { log_line: 'x'.repeat(1500) } });
  t.match(bigLine, { status: 413, json: { message: 'the body is larger than the 1024 bytes allowed (--api-body-limit)' } });
  // Token a has used its 3 requests: the fourth is refused, token b is not affected.
  const limited = await api.call('POST', '/api/v1/logs/analyze', { token: api.tokens.a, body: { log_line: 'hello' } });
  t.match(limited, { status: 429, json: { code: 'SIEMAD_API_RATE_LIMITED', message: /over its 3 requests\/s \(--api-rate\)/ } });
  t.match(limited.headers['retry-after'], /^\d+$/);
  const five = await api.call('POST', '/api/v1/logs/batch', { token: api.tokens.b, body: { logs: ['1', '2', '3', '4', '5'] } });
  t.equal(five.status, 200, 'a full batch fits the line burst');
  const more = await api.call('POST', '/api/v1/logs/batch', { token: api.tokens.b, body: { logs: ['1', '2', '3', '4'] } });
  t.match(more, { status: 429, json: { message: /over its 4 lines\/s \(--api-ingest-rate\)/ } });
  t.ok(Number(more.headers['retry-after']) >= 1);
  await new Promise((resolve) => setTimeout(resolve, Number(more.headers['retry-after']) * 1000 + 100));
  t.equal(
    (await api.call('POST', '/api/v1/logs/batch', { token: api.tokens.b, body: { logs: ['1', '2'] } })).status,
    200,
    'allowed again after Retry-After',
  );
  const unscored = await api.call('POST', '/api/v1/logs/analyze', { token: api.tokens.c, body: { log_line: 'hello' } });
  t.match(unscored.json, { is_anomaly: false, risk_level: 'none', risk_score: 0 }, '--scoring false: decoded, not scored');
  const metrics = await fetch(`http://127.0.0.1:${api.serve.port('http')}/metrics`).then((r) => r.text());
  t.match(metrics, /siemad_api_rate_limited_total 2/);
});

t.test('dry_run with the Redis window store: scored against the shared state, which it leaves as it was', async (t) => {
  const redis = await requireService(t, 'redis-server', () => startRedis());
  if (redis === undefined) return;
  t.teardown(() => redis.stop());
  const api = await serveWithTokens({ ingester: 'ingest' }, ['--window-store', 'redis', '--redis-url', redis.url]);
  t.teardown(() => api.serve.stop());
  const call = (path: string, body: unknown) => api.call('POST', path, { token: api.tokens.ingester!, body });
  t.equal((await call('/api/v1/logs/batch', { logs: sprayLines('203.0.113.41', 12), source: 'auth' })).status, 200);
  const admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  t.teardown(() => admin.disconnect());
  const snapshot = async (): Promise<string[]> => {
    const keys = (await admin.keys('*')).filter((key) => !key.endsWith('calibration')).sort();
    return Promise.all(keys.map(async (key) => `${key} ${(await admin.dumpBuffer(key))?.toString('base64')}`));
  };
  const before = await snapshot();
  const probe = {
    log_line: 'sshd[4999]: Failed password for invalid user probe from 203.0.113.41 port 41000 ssh2',
    source: 'auth',
    dry_run: true,
  };
  const first = await call('/api/v1/logs/analyze', probe);
  t.equal(first.status, 200, first.status === 200 ? 'answered (no more 501)' : first.text);
  const second = await call('/api/v1/logs/analyze', probe);
  t.equal(first.json.risk_score, second.json.risk_score, 'the same score twice');
  t.match(first.json.reasons.join(' '), /13 different user names tried from 203\.0\.113\.41/, 'counts the stored lines and itself');
  t.same(await snapshot(), before, 'the windows in Redis are byte for byte what they were');
  const real = await call('/api/v1/logs/analyze', { ...probe, dry_run: false });
  t.match(real.json.reasons.join(' '), /13 different user names/, 'the real submission scores as the dry run said');
  t.notSame(await snapshot(), before, 'and it does change them');
});
