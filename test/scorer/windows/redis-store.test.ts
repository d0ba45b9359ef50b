import t from 'tap';
import { createHash } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { ERROR_CODES, SiemadError } from '../../../core/errors.js';
import { OpBatch, RESULTS_PER_OP, SLOT, SLOTS, WINDOW_LAYOUT } from '../../../scorer/windows/ops.js';
import { EXPIRY_MARGIN_S, keyTtlSeconds, windowScript } from '../../../scorer/windows/redis-script.js';
import { MAX_OPS_PER_CALL, RedisWindowStore } from '../../../scorer/windows/redis-store.js';
import { freePortInRange } from '../../helpers/ports.js';
import { startRedis } from '../../helpers/redis.js';
import { requireService } from '../../helpers/services.js';
import { seededRandom } from '../../helpers/seeded-random.js';
import { storeSuite } from './store-suite.js';

const T0 = Date.UTC(2026, 10, 2, 8, 0, 0);
const DAY = 86_400_000;

type Op = [slot: number, entity: string, member: string, time: number, amount: number];

/** Runs `ops` as one batch; returns each operation's RESULTS_PER_OP results. */
async function run(store: RedisWindowStore, ops: readonly Op[]): Promise<number[][]> {
  const batch = new OpBatch(16);
  for (const [slot, entity, member, time, amount] of ops) batch.add(slot, entity, member, time, amount);
  await store.execute(batch);
  return ops.map((_, i) => Array.from(batch.results.subarray(i * RESULTS_PER_OP, (i + 1) * RESULTS_PER_OP)));
}

/**
 * Batches of one event stream over every slot kind: light entities, and two heavy IPs whose
 * ports and paths go past 64 members (sketch mode), with time moving across many slices.
 */
function streamBatches(seed: number, batches: number, perBatch: number): Op[][] {
  const random = seededRandom(seed);
  const slots = SLOTS.map((_, slot) => slot);
  const result: Op[][] = [];
  let time = T0;
  for (let b = 0; b < batches; b++) {
    const ops: Op[] = [];
    for (let k = 0; k < perBatch; k++) {
      time += Math.floor(random() * 1500);
      const heavy = random() < 0.4;
      const ip = heavy ? `198.51.100.${1 + Math.floor(random() * 2)}` : `192.0.2.${Math.floor(random() * 250)}`;
      const slot = slots[Math.floor(random() * slots.length)]!;
      const member = heavy ? `m${Math.floor(random() * 400)}` : `m${Math.floor(random() * 5)}`;
      const amount =
        slot === SLOT.hour_profile_by_user || slot === SLOT.hour_profile_by_host ? Math.floor(random() * 24) : random() < 0.2 ? 0 : 1;
      ops.push([slot, 'i:' + ip, member, time, amount]);
    }
    result.push(ops);
  }
  return result;
}

async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

t.test('an unreachable Redis gives SIEMAD_REDIS_UNAVAILABLE quickly', async (t) => {
  const port = await freePortInRange(16400, 16499, 'tcp');
  const started = Date.now();
  const error = await RedisWindowStore.connect({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 1000 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(error instanceof SiemadError, 'a SiemadError');
  t.equal((error as SiemadError).code, ERROR_CODES.REDIS_UNAVAILABLE);
  t.match(
    (error as SiemadError).message,
    `Redis at 127.0.0.1:${port} unavailable: connect ECONNREFUSED`,
    'the message names the server and the cause',
  );
  t.ok(Date.now() - started < 3000, `failed after ${Date.now() - started} ms`);
});

t.test('a URL that is not redis:// or rediss:// is a configuration error naming the setting', async (t) => {
  for (const url of ['', 'localhost:6379', 'http://127.0.0.1:6379', 'redis://127.0.0.1:99999']) {
    const error = await RedisWindowStore.connect({ url }).then(
      () => undefined,
      (e: unknown) => e,
    );
    t.equal((error as SiemadError | undefined)?.code, ERROR_CODES.CONFIG_INVALID, JSON.stringify(url));
    t.equal((error as SiemadError | undefined)?.setting, '--redis-url');
  }
});

t.test('a server that accepts but never answers gives SIEMAD_REDIS_UNAVAILABLE after the connect timeout', async (t) => {
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    silent.close();
  });
  const { port } = silent.address() as { port: number };
  const started = Date.now();
  const error = await RedisWindowStore.connect({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 500 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.equal((error as SiemadError | undefined)?.code, ERROR_CODES.REDIS_UNAVAILABLE);
  t.ok(Date.now() - started < 3000, `failed after ${Date.now() - started} ms`);
});

// Everything below needs the real server; the tests above must run without one.
t.test('with a real redis-server', async (t) => {
  const redis = await requireService(t, 'redis-server', () => startRedis());
  if (redis === undefined) return;
  t.teardown(() => redis.stop());
  const admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  t.teardown(() => admin.disconnect());
  let stores = 0;
  const connect = (keyPrefix = `store${stores++}:`) => RedisWindowStore.connect({ url: redis.url, keyPrefix });

  storeSuite(t, () => connect());

  t.test('two collectors applying alternating batches of a stream end with the same windows as one', async (t) => {
    const [first, second, single] = await Promise.all([connect('shared:'), connect('shared:'), connect('single:')]);
    t.teardown(() => Promise.all([first.close(), second.close(), single.close()]));
    const batches = streamBatches(7, 60, 150);
    let differing = 0;
    for (let b = 0; b < batches.length; b++) {
      const shared = await run(b % 2 === 0 ? first : second, batches[b]!);
      const alone = await run(single, batches[b]!);
      if (JSON.stringify(shared) !== JSON.stringify(alone)) differing++;
    }
    t.equal(differing, 0, 'every batch gets the same results either way');
    // The final state: read every count series, look every seen entity up, add to every distinct one.
    const last = batches[batches.length - 1]![149]![3];
    const finalOps: Op[] = batches.flat().map(([slot, entity, member]) => [slot, entity, member, last, 0]);
    t.same(await run(second, finalOps), await run(single, finalOps), 'the final window results agree');
    const heavy = await run(first, [[SLOT.ports_by_ip, 'i:198.51.100.1', 'm0', last, 1]]);
    t.ok(heavy[0]![1]! > 64, `the heavy IP went past the exact limit (${heavy[0]![1]} ports)`);
  });

  t.test('every key gets a TTL of its window or horizon plus the margin', async (t) => {
    const store = await connect('ttl:');
    t.teardown(() => store.close());
    const ops: Op[] = SLOTS.map((_, slot) => [slot, 'i:192.0.2.7', 'm', T0, 1] as Op);
    for (let port = 0; port < 200; port++) ops.push([SLOT.ports_by_ip, 'i:198.51.100.9', String(port), T0 + port * 100, 1]);
    await run(store, ops);
    const keys = await keysUnder(admin, 'ttl:');
    const prefix = `ttl:w${WINDOW_LAYOUT}:`;
    t.ok(
      keys.every((key) => key.startsWith(prefix)),
      'every key carries the window layout',
    );
    const kinds = new Set(keys.map((key) => key.slice(prefix.length, prefix.length + 1)));
    t.same([...kinds].sort(), ['c', 'd', 'h', 'p', 's', 'u'], 'counts, distinct, sketches, profiles, seen, unions');
    const longest = Math.max(...SLOTS.map((_, slot) => keyTtlSeconds(slot)));
    let withoutTtl = 0;
    for (const key of keys) {
      const ttl = await admin.ttl(key);
      if (ttl <= 0 || ttl > longest) withoutTtl++;
    }
    t.equal(withoutTtl, 0, `all ${keys.length} keys expire within ${longest} s`);
    const countTtl = await admin.ttl(`ttl:w${WINDOW_LAYOUT}:c${SLOT.auth_fail_by_ip}:i:192.0.2.7`);
    t.ok(Math.abs(countTtl - (3600 + EXPIRY_MARGIN_S)) <= 5, `a 1 h count series lives 1 h + margin (${countTtl} s)`);
    const seenTtl = await admin.ttl(`ttl:w${WINDOW_LAYOUT}:s${SLOT.seen_ip}:i:192.0.2.7`);
    t.ok(Math.abs(seenTtl - (30 * 86_400 + EXPIRY_MARGIN_S)) <= 5, `a 30 d seen mark lives 30 d + margin (${seenTtl} s)`);
  });

  t.test('seen marks older than the horizon in event time no longer count', async (t) => {
    const store = await connect();
    t.teardown(() => store.close());
    const results = await run(store, [
      [SLOT.seen_ip, '203.0.113.5', '', T0, 1],
      [SLOT.seen_ip, '203.0.113.5', '', T0 + 29 * DAY, 0],
      [SLOT.seen_ip, '203.0.113.5', '', T0 + 31 * DAY, 0],
      [SLOT.seen_ip, '203.0.113.5', '', T0 - DAY, 1],
      [SLOT.seen_ip, '203.0.113.5', '', T0 + 29.5 * DAY, 0],
    ]);
    t.same(
      results.map((r) => r[0]),
      [0, 1, 0, 1, 1],
      'a late, older mark does not move the last mark back',
    );
    const later = await run(store, [
      [SLOT.seen_ip, '203.0.113.5', '', T0 - 2 * DAY, 1],
      [SLOT.seen_ip, '203.0.113.5', '', T0 + 29.5 * DAY, 0],
    ]);
    t.same(
      later.map((r) => r[0]),
      [1, 1],
      'nor when it is the first operation of a batch',
    );
    t.same((await run(store, [[SLOT.seen_ip, '203.0.113.5', '', T0 + 29.5 * DAY, 0]]))[0]![0], 1, 'nor in Redis afterwards');
  });

  t.test('a batch larger than one script call is split and still applied in order', async (t) => {
    const [whole, inParts] = await Promise.all([connect(), connect()]);
    t.teardown(() => Promise.all([whole.close(), inParts.close()]));
    const random = seededRandom(3);
    const ops: Op[] = [];
    for (let i = 0; i < 2 * MAX_OPS_PER_CALL + 123; i++) {
      const slot = random() < 0.5 ? SLOT.auth_fail_by_ip : SLOT.users_tried_by_ip;
      ops.push([slot, `i:10.0.0.${Math.floor(random() * 20)}`, `u${Math.floor(random() * 30)}`, T0 + i * 250, 1]);
    }
    const big = await run(whole, ops);
    const small: number[][] = [];
    for (let i = 0; i < ops.length; i += 500) small.push(...(await run(inParts, ops.slice(i, i + 500))));
    t.same(big, small);
  });

  t.test('after the server drops its scripts, the store sends the script again', async (t) => {
    const store = await connect();
    t.teardown(() => store.close());
    await run(store, [[SLOT.auth_fail_by_ip, 'i:192.0.2.1', '', T0, 2]]);
    await admin.script('FLUSH');
    const results = await run(store, [[SLOT.auth_fail_by_ip, 'i:192.0.2.1', '', T0 + 1000, 1]]);
    t.same(results[0]!.slice(0, 2), [3, 3]);
    const sha = createHash('sha1').update(windowScript()).digest('hex');
    t.same(await admin.script('EXISTS', sha), [1], 'the script is cached again');
  });

  t.test('hostile input neither throws nor corrupts other results', async (t) => {
    const store = await connect();
    t.teardown(() => store.close());
    const batch = new OpBatch(4);
    batch.add(SLOT.auth_fail_by_ip, 'i:192.0.2.1', '', NaN, 1);
    batch.add(SLOT.auth_fail_by_ip, 'i:192.0.2.1', '', -5e15, Infinity);
    batch.add(SLOT.auth_fail_by_ip, 'i:192.0.2.1', '', 1e20, NaN);
    batch.add(SLOT.users_tried_by_ip, 'x'.repeat(100_000), '\u{1F600}\uD800 lone surrogate', T0, 1);
    batch.add(SLOT.users_tried_by_ip, '', '', T0, 1);
    batch.add(SLOT.hour_profile_by_user, 'alice', '', T0, -7);
    batch.add(SLOT.hour_profile_by_user, 'alice', '', T0, 99);
    batch.add(SLOT.hour_profile_by_user, 'alice', '', T0, NaN);
    batch.add(SLOT.seen_ip, 'é\u0000\r\n', '', T0, NaN);
    const unknownSlot = batch.add(SLOT.seen_ip, '192.0.2.2', '', T0, 1);
    batch.slots[unknownSlot] = 250;
    batch.add(SLOT.auth_fail_by_ip, 'i:192.0.2.3', '', T0, 4);
    await store.execute(batch);
    const results = Array.from(batch.results.subarray(0, batch.size * RESULTS_PER_OP));
    t.ok(results.every(Number.isFinite), 'every result is a number');
    t.same(results.slice(3 * RESULTS_PER_OP, 3 * RESULTS_PER_OP + 2), [1, 1], 'an over-long entity and member are cut, not refused');
    t.same(
      results.slice(5 * RESULTS_PER_OP, 8 * RESULTS_PER_OP).filter((_, i) => i % 3 === 1),
      [0, 1, 2],
      'out-of-range bins land in the profile',
    );
    t.same(results.slice(unknownSlot * RESULTS_PER_OP, (unknownSlot + 1) * RESULTS_PER_OP), [0, 0, 0], 'an unknown slot gives zeros');
    t.same(
      results.slice((unknownSlot + 1) * RESULTS_PER_OP, (unknownSlot + 1) * RESULTS_PER_OP + 2),
      [4, 4],
      'the next operation is unaffected',
    );
  });

  t.test('a lost connection fails the batch with SIEMAD_REDIS_UNAVAILABLE and close still works', async (t) => {
    const own = await startRedis();
    const store = await RedisWindowStore.connect({ url: own.url });
    await run(store, [[SLOT.auth_fail_by_ip, 'i:192.0.2.1', '', T0, 1]]);
    await own.stop();
    const error = await run(store, [[SLOT.auth_fail_by_ip, 'i:192.0.2.1', '', T0, 1]]).then(
      () => undefined,
      (e: unknown) => e,
    );
    t.equal((error as SiemadError | undefined)?.code, ERROR_CODES.REDIS_UNAVAILABLE);
    await store.close();
  });
});
