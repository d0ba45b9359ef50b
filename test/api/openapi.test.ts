import SwaggerParser from '@apidevtools/swagger-parser';
import t from 'tap';
import { request, startApi } from '../helpers/api.js';
import { startPglite } from '../helpers/postgres.js';

/** Every route of the API and the scope its description names. */
const ROUTES = [
  ['get', '/api/v1/alerts', 'read'],
  ['get', '/api/v1/alerts/{id}', 'read'],
  ['patch', '/api/v1/alerts/{id}', 'write'],
  ['post', '/api/v1/feedback', 'write'],
  ['get', '/api/v1/feedback', 'read'],
  ['get', '/api/v1/suppressions', 'read'],
  ['post', '/api/v1/suppressions', 'write'],
  ['delete', '/api/v1/suppressions/{id}', 'admin'],
] as const;

t.test('the OpenAPI document is valid and lists every route with its scope, bearer auth and errors', async (t) => {
  const pglite = await startPglite();
  t.teardown(() => pglite.destroy());
  const api = await startApi(pglite.db);
  t.teardown(() => api.close());
  const res = await api.call('GET', '/openapi.json');
  t.equal(res.status, 200);
  const doc = res.json;
  t.equal(doc.openapi, '3.1.0');
  await t.resolves(SwaggerParser.validate(structuredClone(doc)), 'valid OpenAPI 3.1');
  const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method} ${path}`),
  );
  t.same(listed.sort(), ROUTES.map(([method, path]) => `${method} ${path}`).sort(), 'exactly the API routes (not the docs)');
  for (const [method, path, scope] of ROUTES) {
    const operation = doc.paths[path][method];
    t.match(operation.description, new RegExp(`^Scope: ${scope}\\.`), `${method} ${path}: scope ${scope}`);
    t.same(operation.security, [{ bearer: [] }], `${method} ${path}: bearer`);
    for (const status of ['401', '403', '503']) t.ok(operation.responses[status], `${method} ${path} documents ${status}`);
    t.ok(operation.responses['200'] ?? operation.responses['201'], `${method} ${path} documents its success`);
  }
  t.same(Object.keys(doc.components.schemas).sort(), ['Alert', 'Anomaly', 'Error', 'Features', 'Feedback', 'HistoryEntry', 'Suppression']);
  t.same(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer', description: 'a token from siemad token create' });
});

t.test('/docs serves Swagger UI from the package itself, no CDN', async (t) => {
  const pglite = await startPglite();
  t.teardown(() => pglite.destroy());
  const api = await startApi(pglite.db);
  t.teardown(() => api.close());
  const page = await api.call('GET', '/docs/');
  t.equal(page.status, 200);
  t.match(page.headers['content-type'], /text\/html/);
  t.match(page.text, /swagger-ui/i);
  t.notMatch(page.text, /(src|href)="(https?:)?\/\//, 'no asset from another host');
  const assets = [...page.text.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1]!);
  t.ok(
    assets.some((asset) => asset.includes('swagger-ui-bundle.js')),
    'the bundle is local',
  );
  for (const asset of assets) {
    const res = await request(api.base, 'GET', `/docs/${asset}`);
    t.equal(res.status, 200, `/docs/${asset}`);
  }
  const spec = await request(api.base, 'GET', '/docs/json');
  t.equal(spec.status, 200, 'the document the UI loads');
  t.same(Object.keys(spec.json.paths).sort(), Object.keys((await api.call('GET', '/openapi.json')).json.paths).sort());
});
