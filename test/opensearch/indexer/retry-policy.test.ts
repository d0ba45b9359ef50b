import t from 'tap';
import { isRetryableStatus, RetryPolicy } from '../../../opensearch/indexer/retry-policy.js';

t.test('waits grow exponentially up to the cap, scaled by the jitter draw', async (t) => {
  const top = new RetryPolicy({ initialDelayMs: 100, maxDelayMs: 5000 }, () => 0.999999);
  t.same(
    [0, 1, 2, 3, 4, 5, 6, 10, 1000].map((attempt) => top.delayMs(attempt)),
    [99, 199, 399, 799, 1599, 3199, 4999, 4999, 4999],
  );
  const half = new RetryPolicy({ initialDelayMs: 100, maxDelayMs: 5000 }, () => 0.5);
  t.same(
    [0, 3, 20].map((attempt) => half.delayMs(attempt)),
    [50, 400, 2500],
  );
  const none = new RetryPolicy({ initialDelayMs: 100, maxDelayMs: 5000 }, () => 0);
  t.equal(none.delayMs(7), 0, 'full jitter: a wait may be zero');
});

t.test('with real randomness every wait lies in [0, ceiling) and they differ', async (t) => {
  const policy = new RetryPolicy({ initialDelayMs: 1000, maxDelayMs: 1000 });
  const waits = Array.from({ length: 200 }, () => policy.delayMs(5));
  t.ok(waits.every((ms) => ms >= 0 && ms < 1000));
  t.ok(new Set(waits).size > 50, 'spread out, not synchronised');
});

t.test('a wait ends early, answering false, when shutdown aborts it', async (t) => {
  const policy = new RetryPolicy({ initialDelayMs: 60_000, maxDelayMs: 60_000 }, () => 1);
  const controller = new AbortController();
  const started = Date.now();
  const waiting = policy.wait(0, controller.signal);
  setTimeout(() => controller.abort(), 20);
  t.equal(await waiting, false);
  t.ok(Date.now() - started < 5000);
  t.equal(await policy.wait(0, controller.signal), false, 'an aborted signal does not wait at all');
  t.equal(await new RetryPolicy({ initialDelayMs: 1, maxDelayMs: 1 }).wait(3, new AbortController().signal), true);
});

t.test('throttling, server errors and operator-fixable refusals are retried; content refusals are not', async (t) => {
  for (const status of [429, 500, 502, 503, 504, 401, 403, 404, 408]) t.ok(isRetryableStatus(status), String(status));
  for (const status of [400, 405, 409, 413, 422]) t.notOk(isRetryableStatus(status), String(status));
});
