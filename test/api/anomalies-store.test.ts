/**
 * GET /api/v1/anomalies reads the OpenSearch anomalies stream when one is configured and the NDJSON
 * files otherwise: the same anomalies give the same pages, filters and cursors from both, on a real
 * OpenSearch with the product's templates.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import type { AnomalyFilter, AnomalyQuery } from '../../api/store/anomalies.js';
import { NdjsonAnomalyQuery } from '../../api/store/anomalies-ndjson.js';
import { OpenSearchAnomalyQuery } from '../../api/store/anomalies-opensearch.js';
import { createOpenSearchClient } from '../../opensearch/client.js';
import { openSearchLayout, resolveLayoutOptions } from '../../opensearch/layout.js';
import { applyOpenSearchSetup } from '../../opensearch/setup.js';
import { sharedOpenSearch } from '../helpers/opensearch.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { requireService } from '../helpers/services.js';

const LEVELS = ['low', 'medium', 'high', 'critical'] as const;
const KINDS = ['brute_force', 'port_scan', 'web_attack'] as const;

/** Anomalous events as the scorer writes them; every field the filters read varies. */
function anomalies(count: number): Record<string, unknown>[] {
  const random = seededRandom(7);
  return Array.from({ length: count }, (_, i) => {
    const level = LEVELS[Math.floor(random() * LEVELS.length)]!;
    const kind = KINDS[i % KINDS.length]!;
    return {
      '@timestamp': new Date(Date.UTC(2026, 11, 1) + i * 60_000).toISOString(),
      ecs: { version: '8.11.0' },
      event: {
        id: `evt-${String(i).padStart(4, '0')}`,
        kind: 'event',
        dataset: 'system.auth',
        created: new Date(Date.UTC(2026, 11, 1)).toISOString(),
      },
      host: { hostname: `gate-0${i % 3}` },
      source: { ip: `198.51.100.${(i % 7) + 1}` },
      user: { name: i % 2 === 0 ? 'alice' : 'bob' },
      anomaly: {
        is_anomaly: true,
        // Distinct scores, so both stores order score ties the same way.
        score: Math.round((0.4 + (i * 0.59) / count) * 1e4) / 1e4,
        level,
        kind,
        reasons: [
          `${kind.replace('_', ' ')} from gate-0${i % 3}`,
          i % 5 === 0 ? 'password spraying across accounts' : 'failed login attempts',
        ],
      },
    };
  });
}

/** Every page of a query, following the cursors; the event ids in order. */
async function allPages(store: AnomalyQuery, filter: Omit<AnomalyFilter, 'after'>): Promise<string[]> {
  const ids: string[] = [];
  let after: [number, string] | undefined;
  for (let page = 0; page < 100; page++) {
    const result = await store.search({ ...filter, ...(after !== undefined ? { after } : {}) });
    ids.push(...result.anomalies.map((a) => (a.event as { id: string }).id));
    if (result.next === undefined) return ids;
    after = result.next;
  }
  throw new Error('more than 100 pages');
}

t.test('the OpenSearch and NDJSON anomaly stores answer every filter, sort and page alike', async (t) => {
  const cluster = await requireService(t, 'opensearch', () => sharedOpenSearch());
  if (!cluster) return;
  const client = createOpenSearchClient({ url: cluster.url });
  t.teardown(() => client.close());
  const input = { namespace: `anomalies${process.pid}`, replicas: 0, refreshInterval: '1s', ism: 'if-available' as const };
  await applyOpenSearchSetup(client, input);
  const stream = openSearchLayout(resolveLayoutOptions(input)).streams.find((s) => s.kind === 'anomalies')!.dataStream;
  t.teardown(async () => {
    await client.indices.deleteDataStream({ name: stream }).catch(() => undefined);
  });

  const docs = anomalies(90);
  const body = docs.flatMap((doc) => [{ create: { _index: stream, _id: (doc.event as { id: string }).id } }, doc]);
  const bulk = await client.bulk({ body, refresh: 'true' } as never);
  t.equal((bulk.body as { errors: boolean }).errors, false, 'indexed');
  const dir = t.testdir();
  await writeFile(join(dir, 'anomalies.ndjson'), docs.map((doc) => JSON.stringify(doc)).join('\n') + '\n');

  const openSearch = new OpenSearchAnomalyQuery(client, stream);
  const ndjson = new NdjsonAnomalyQuery(dir, 5, 64 * 1024 * 1024);
  const filters: [string, Omit<AnomalyFilter, 'after'>][] = [
    ['newest first, pages of 7', { sort: 'time', limit: 7 }],
    ['by score, pages of 10', { sort: 'score', limit: 10 }],
    ['high or worse', { sort: 'time', limit: 8, level: 'high' }],
    ['score at least 0.7', { sort: 'score', limit: 5, minScore: 0.7 }],
    ['one address', { sort: 'time', limit: 4, sourceIp: '198.51.100.3' }],
    ['one user', { sort: 'time', limit: 20, user: 'alice' }],
    ['one host', { sort: 'score', limit: 6, host: 'gate-01' }],
    ['one kind', { sort: 'time', limit: 9, kind: 'port_scan' }],
    ['words of the reasons', { sort: 'time', limit: 3, text: 'password spraying' }],
    ['a time range', { sort: 'time', limit: 5, since: new Date(Date.UTC(2026, 11, 1, 0, 30)), until: new Date(Date.UTC(2026, 11, 1, 1)) }],
  ];
  for (const [name, filter] of filters) {
    const fromOpenSearch = await allPages(openSearch, filter);
    const fromNdjson = await allPages(ndjson, filter);
    t.ok(fromOpenSearch.length > 0, `${name}: ${fromOpenSearch.length} anomalies`);
    t.same(fromOpenSearch, fromNdjson, `${name}: the same anomalies in the same order`);
    t.equal(new Set(fromOpenSearch).size, fromOpenSearch.length, `${name}: no anomaly on two pages`);
  }
  const all = await allPages(openSearch, { sort: 'time', limit: 25 });
  t.equal(all.length, 90, 'every anomaly is reachable through the cursors');
  t.equal(all[0], 'evt-0089', 'newest first');
});
