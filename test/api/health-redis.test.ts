/**
 * With the window state in Redis, the readiness check names Redis: a collector whose Redis is gone
 * cannot score, so /api/v1/health answers 503 until Redis is back (a load balancer takes it out).
 */
import t from 'tap';
import { startRedis } from '../helpers/redis.js';
import { requireService } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';
import { serveWithTokens } from './ingest-helpers.js';

t.test('/api/v1/health follows the Redis window store: up while it answers, 503 once it is gone', async (t) => {
  const redis = await requireService(t, 'redis', () => startRedis());
  if (redis === undefined) return;
  t.teardown(() => redis.stop());
  const api = await serveWithTokens({ reader: 'read' }, ['--window-store', 'redis', '--redis-url', redis.url]);
  t.teardown(() => api.serve.stop());
  const health = async () => api.call('GET', '/api/v1/health', { token: api.tokens.reader! });
  const redisCheck = (res: { json: { checks: { name: string; status: string }[] } }) => res.json.checks.find((c) => c.name === 'redis');

  const up = await health();
  t.equal(up.status, 200, 'ready');
  t.match(redisCheck(up), { status: 'up' }, 'Redis is one of the checks');

  await redis.stop();
  await waitFor('the health check to see Redis gone', async () => (await health()).status === 503, { timeoutMs: 15_000 });
  t.match(redisCheck(await health()), { status: 'down' }, 'Redis down: 503');
  t.equal((await api.call('GET', '/api/v1/health/live')).status, 200, 'still alive: a restart would not help');
});
