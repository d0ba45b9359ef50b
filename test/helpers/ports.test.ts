import t from 'tap';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { freePort, freePortInRange } from './ports.js';

t.test('freePort returns a port that can then be bound on both TCP and UDP', async (t) => {
  const port = await freePort();
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => socket.once('error', reject).bind(port, '127.0.0.1', resolve));
  t.pass(`bound ${port} on TCP and UDP`);
  socket.close();
  await new Promise((resolve) => server.close(resolve));
});

t.test('freePortInRange skips a port in use and stays within the range', async (t) => {
  const busyPort = await freePortInRange(19390, 19399, 'tcp');
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(busyPort, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => busy.close(resolve)));
  const neighbour = busyPort === 19399 ? 19398 : busyPort + 1;
  const range = [Math.min(busyPort, neighbour), Math.max(busyPort, neighbour)] as const;
  for (let round = 0; round < 10; round++) {
    const port = await freePortInRange(range[0], range[1], 'tcp');
    if (port !== neighbour) return t.fail(`got ${port}, wanted the free neighbour ${neighbour}`);
  }
  t.pass('always the free neighbour');
});

t.test('freePortInRange rejects an empty or invalid range', async (t) => {
  await t.rejects(freePortInRange(20, 10), RangeError);
  await t.rejects(freePortInRange(0, 10), RangeError);
});
