/**
 * Free local ports for tests that run in parallel. A port is free when this process could bind it
 * on 127.0.0.1 just now; the caller binds it right after, so the window for a clash is small.
 */
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

export type PortProtocol = 'tcp' | 'udp' | 'both';

const LOOPBACK = '127.0.0.1';
const MAX_ATTEMPTS = 50;

function bindTcp(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host: LOOPBACK, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

function bindUdp(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.unref();
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind({ port, address: LOOPBACK, exclusive: true }, () => {
      const bound = socket.address().port;
      socket.close(() => resolve(bound));
    });
  });
}

/** Binds `port` (0 = let the kernel choose) for each protocol asked; the port if all succeeded. */
async function tryPort(port: number, protocol: PortProtocol): Promise<number | undefined> {
  if (protocol === 'udp') return bindUdp(port);
  const tcpPort = await bindTcp(port);
  if (tcpPort === undefined || protocol === 'tcp') return tcpPort;
  return (await bindUdp(tcpPort)) === tcpPort ? tcpPort : undefined;
}

/** A port from the kernel's ephemeral range, free for `protocol` (default: both TCP and UDP). */
export async function freePort(protocol: PortProtocol = 'both'): Promise<number> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const port = await tryPort(0, protocol);
    if (port !== undefined) return port;
  }
  throw new Error(`no free ${protocol} port on ${LOOPBACK} after ${MAX_ATTEMPTS} attempts`);
}

/**
 * A free port within [first, last] (inclusive). The scan starts at a random offset so that test
 * processes started together do not all race for the first port of the range.
 */
export async function freePortInRange(first: number, last: number, protocol: PortProtocol = 'tcp'): Promise<number> {
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 1 || last > 65535 || first > last) {
    throw new RangeError(`invalid port range ${first}-${last}`);
  }
  const size = last - first + 1;
  const offset = Math.floor(Math.random() * size);
  for (let index = 0; index < size; index++) {
    const candidate = first + ((offset + index) % size);
    if ((await tryPort(candidate, protocol)) === candidate) return candidate;
  }
  throw new Error(`no free ${protocol} port in ${first}-${last}`);
}
