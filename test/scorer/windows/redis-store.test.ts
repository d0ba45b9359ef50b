import t from 'tap';
import { RedisWindowStore } from '../../../scorer/windows/redis-store.js';
import { startRedis } from '../../helpers/redis.js';
import { requireService } from '../../helpers/services.js';
import { storeSuite } from './store-suite.js';

const redis = await requireService(t, 'redis-server', () => startRedis());
if (redis !== undefined) {
  t.teardown(() => redis.stop());
  let stores = 0;
  storeSuite(t, () => RedisWindowStore.connect({ url: redis.url, keyPrefix: `suite${stores++}:` }));
}
