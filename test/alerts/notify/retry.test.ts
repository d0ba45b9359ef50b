import t from 'tap';
import { parseRetryAfter, retryDelayMs } from '../../../alerts/notify/retry.js';

const policy = { maxAttempts: 10, initialDelayMs: 1_000, maxDelayMs: 60_000 };

t.test('the delay doubles per failure within [half, whole] of its step, up to the cap', async (t) => {
  for (const [failures, step] of [
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [6, 32_000],
    [7, 60_000],
    [30, 60_000],
  ] as const) {
    t.equal(
      retryDelayMs(policy, failures, undefined, () => 0),
      step / 2,
      `after ${failures}: at least ${step / 2}`,
    );
    t.equal(
      retryDelayMs(policy, failures, undefined, () => 0.999999),
      Math.round(step / 2 + 0.999999 * (step / 2)),
      `after ${failures}: at most ${step}`,
    );
  }
});

t.test('jitter spreads retries of one step apart', async (t) => {
  const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(policy, 4)));
  t.ok(delays.size > 10, `${delays.size} different delays out of 50`);
});

t.test("a receiver's Retry-After lengthens the delay, never beyond the cap", async (t) => {
  t.equal(
    retryDelayMs(policy, 1, 30_000, () => 0),
    30_000,
  );
  t.equal(
    retryDelayMs(policy, 1, 600_000, () => 0),
    60_000,
  );
  t.equal(
    retryDelayMs(policy, 5, 1_000, () => 0),
    8_000,
    'a shorter Retry-After does not shorten the backoff',
  );
});

t.test('Retry-After is read as seconds or as an HTTP date', async (t) => {
  t.equal(parseRetryAfter('120'), 120_000);
  const now = Date.parse('2026-11-02T10:00:00Z');
  t.equal(parseRetryAfter('Mon, 02 Nov 2026 10:00:30 GMT', now), 30_000);
  t.equal(parseRetryAfter(null), undefined);
  t.equal(parseRetryAfter('soon'), undefined);
});
