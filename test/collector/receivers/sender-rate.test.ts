import { createSocket } from 'node:dgram';
import net from 'node:net';
import t from 'tap';
import { SenderRateLimiter } from '../../../collector/receivers/sender-rate.js';
import { startServe } from '../../helpers/siemad.js';
import { waitFor } from '../../helpers/wait.js';

t.test('token bucket: a burst, then the rate; per sender; bounded', async (t) => {
  const limiter = new SenderRateLimiter({ rate: 10, burst: 5, maxSenders: 2 });
  const now = 1_000_000;
  t.same(
    [1, 2, 3, 4, 5, 6].map(() => limiter.allow('a', now)),
    [true, true, true, true, true, false],
    'the burst, then nothing',
  );
  t.ok(limiter.allow('b', now), 'another sender has its own bucket');
  t.notOk(limiter.allow('a', now + 50), 'half a token after 50 ms');
  t.ok(limiter.allow('a', now + 100), 'a token every 100 ms');
  t.equal(limiter.take('c', 25, now), 2000, 'a stream sender 20 messages over the burst waits 2 s');
  const one = new SenderRateLimiter({ rate: 10, burst: 2, maxSenders: 1 });
  one.allow('a', now);
  one.allow('a', now);
  t.notOk(one.allow('a', now), "a's bucket is empty");
  t.ok(one.allow('b', now), 'b takes the only place (bounded)');
  t.ok(one.allow('a', now), 'a was forgotten and starts with a full bucket');
  t.ok(new SenderRateLimiter({ rate: 0, burst: 0 }).allow('x', now), 'rate 0: no limit');
});

t.test('serve: UDP excess of one sender is dropped and counted, TCP is paused not dropped, garbage capped', async (t) => {
  const serve = await startServe(['--scoring', 'false', '--sender-rate', '200', '--sender-burst', '200', '--parse-failure-rate', '5']);
  t.teardown(() => serve.stop());
  const metrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${serve.port('http')}/metrics`)).text();
  const value = (text: string, series: string): number =>
    Number(new RegExp(`^${series.replace(/[{}"=]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);

  const udp = createSocket('udp4');
  for (let i = 0; i < 1000; i++) udp.send(`<13>Dec  4 10:00:00 h app: datagram ${i}`, serve.port('udp'), '127.0.0.1');
  await waitFor('the UDP drops', async () => value(await metrics(), 'siemad_dropped_total{reason="sender_rate"}') >= 500, {
    timeoutMs: 10_000,
  });
  udp.close();
  t.pass('most of a 1000-datagram flood over a 200/s rate dropped as sender_rate');

  const started = Date.now();
  const socket = net.connect(serve.port('tcp'), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  // Ten writes of 100 lines 50 ms apart: what arrives while the sender is over its rate waits.
  for (let batch = 0; batch < 10; batch++) {
    socket.write(Array.from({ length: 100 }, (_, i) => `<13>Dec  4 10:00:00 h app: line ${batch * 100 + i}\n`).join(''));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  socket.end();
  const events = await serve.waitForEvents(1, 30_000);
  await waitFor('every TCP line', async () => (await serve.events()).filter((e) => String(e.message).startsWith('line ')).length === 1000, {
    timeoutMs: 30_000,
  });
  t.ok(
    Date.now() - started >= 2_000,
    `1000 lines at 200/s with a burst of 200 take seconds (${Date.now() - started} ms): the sender was paused, none dropped`,
  );
  t.ok(value(await metrics(), 'siemad_sender_throttled_total{transport="tcp"}') > 0, 'and the pauses are counted');
  t.ok(events.length > 0);

  const garbage = net.connect(serve.port('tcp'), '127.0.0.1');
  await new Promise((resolve) => garbage.once('connect', resolve));
  for (let i = 0; i < 200; i++) garbage.write(`<999>garbage ${i}\n`);
  garbage.end();
  await waitFor('the garbage cap', async () => value(await metrics(), 'siemad_dropped_total{reason="parse_failure_cap"}') >= 100, {
    timeoutMs: 20_000,
  });
  const kept = (await serve.events()).filter((e) => String(e.message ?? e.event?.original).includes('garbage')).length;
  t.ok(kept <= 60, `at most the burst (50) and a little more of 200 unparseable lines kept (${kept})`);
});
