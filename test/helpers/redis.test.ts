import t from 'tap';
import { Redis } from 'ioredis';
import { pingRedis, startRedis } from './redis.js';
import { requireService } from './services.js';

t.test('startRedis runs a private memory-only server that answers commands and is gone after stop', async (t) => {
  const redis = await requireService(t, 'redis-server', () => startRedis());
  if (!redis) return;
  t.match(redis.url, /^redis:\/\/127\.0\.0\.1:163\d\d$/, 'listens on loopback in the reserved port range');

  const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await client.connect();
  await client.set('siemad:test', 'value');
  t.equal(await client.get('siemad:test'), 'value', 'stores and reads a key');
  t.equal(await client.config('GET', 'save').then((pair) => (pair as string[])[1]), '', 'persistence is off');
  await client.quit();

  await redis.stop();
  t.notOk(await pingRedis(redis.port), 'no longer answers after stop');
  t.throws(() => process.kill(redis.pid, 0), 'the process is gone');
});

t.test('two servers started at once get different ports', async (t) => {
  const pair = await requireService(t, 'redis-server', () => Promise.all([startRedis(), startRedis()]));
  if (!pair) return;
  const [first, second] = pair;
  t.not(first.port, second.port);
  t.ok(await pingRedis(first.port));
  t.ok(await pingRedis(second.port));
  await Promise.all([first.stop(), second.stop()]);
});
