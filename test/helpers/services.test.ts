import t from 'tap';
import { requireBinary, requireService, ServiceUnavailableError, type TestLike } from './services.js';

/** Records what requireService does to a test, so the CI and local outcomes can be compared. */
function recordingTest() {
  const calls: string[] = [];
  const test: TestLike = {
    fail: (message) => calls.push(`fail: ${message}`),
    plan: (count, comment) => calls.push(`plan ${count}: ${comment}`),
  };
  return { test, calls };
}

const unavailable = () => Promise.reject(new ServiceUnavailableError('redis-server not found'));

t.test('a missing service fails the test under CI=true', async (t) => {
  const saved = process.env.CI;
  t.teardown(() => {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  });
  process.env.CI = 'true';
  const { test, calls } = recordingTest();
  t.equal(await requireService(test, 'redis', unavailable), undefined);
  t.same(calls, ['fail: redis unavailable: redis-server not found (CI=true: a missing service is a failure)']);
});

t.test('a missing service skips the test with the reason outside CI', async (t) => {
  const saved = process.env.CI;
  t.teardown(() => {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  });
  delete process.env.CI;
  const { test, calls } = recordingTest();
  t.equal(await requireService(test, 'redis', unavailable), undefined);
  t.same(calls, ['plan 0: redis unavailable: redis-server not found']);
});

t.test('an available service is returned and the test is left alone', async (t) => {
  const { test, calls } = recordingTest();
  t.equal(await requireService(test, 'answer', async () => 42), 42);
  t.same(calls, []);
});

t.test('requireBinary finds programs in sbin folders and names a missing one', async (t) => {
  t.match(requireBinary('sh'), /\/sh$/);
  t.throws(() => requireBinary('siemad-no-such-program'), ServiceUnavailableError);
  t.throws(() => requireBinary('siemad-no-such-program'), /siemad-no-such-program not found/);
});
