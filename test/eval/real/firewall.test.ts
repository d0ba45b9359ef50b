import t from 'tap';
import { groundTruth, type GroundTruth } from '../../../eval/real/ground-truth.js';

/** A UFW block line; `len` 40 is a bare SYN (a scanner's), 60 a SYN with options (an OS's). */
function block(source: string, port: number | string, { destination = '192.0.2.1', len = 40, flags = 'SYN' } = {}): string {
  return `Nov  2 10:00:00 gw kernel: [99.1] [UFW BLOCK] IN=eth0 OUT= MAC=00:00 SRC=${source} DST=${destination} LEN=${len} TOS=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=${port} WINDOW=1024 RES=0x00 ${flags} URGP=0`;
}
const classOf = (truth: GroundTruth, address: string): string | undefined => truth.actors.get(`ip:${address}`)?.class;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

t.test('20 distinct destination ports, or hosts, make a scanner; 19 are gray', async (t) => {
  const truth = groundTruth([
    ...range(20).map((i) => block('203.0.113.60', 1000 + i)),
    ...range(19).map((i) => block('203.0.113.61', 1000 + i)),
    ...range(20).map((i) => block('203.0.113.62', 22, { destination: `192.0.2.${10 + i}` })),
  ]);
  t.equal(classOf(truth, '203.0.113.60'), 'attacker');
  t.same([...(truth.actors.get('ip:203.0.113.60')?.attacks ?? [])], ['scanner']);
  t.equal(classOf(truth, '203.0.113.61'), 'gray');
  t.equal(classOf(truth, '203.0.113.62'), 'attacker');
});

t.test("an OS's repeated packets to one or two service ports are the host's own users; a scanner's bare SYNs are not", async (t) => {
  const truth = groundTruth([
    ...range(5).map(() => block('198.51.100.90', 443, { len: 60 })),
    ...range(5).map((i) => block('198.51.100.91', i % 2 === 0 ? 80 : 143, { len: 52, flags: i % 2 === 0 ? 'SYN' : 'ACK FIN' })),
    ...range(5).map(() => block('203.0.113.63', 80)),
    ...range(5).map(() => block('203.0.113.64', 22, { len: 60 })),
    block('198.51.100.92', 443, { len: 60 }),
  ]);
  t.equal(classOf(truth, '198.51.100.90'), 'legitimate');
  t.equal(classOf(truth, '198.51.100.91'), 'legitimate');
  t.equal(classOf(truth, '203.0.113.63'), 'gray', 'bare SYNs: a scanner');
  t.equal(classOf(truth, '203.0.113.64'), 'gray', 'SSH is no service port here');
  t.equal(classOf(truth, '198.51.100.92'), 'gray', 'a single packet is not repeated');
});

t.test('outbound packets belong to no actor', async (t) => {
  const truth = groundTruth([
    'Nov  2 10:00:00 gw kernel: [UFW BLOCK] IN= OUT=eth0 SRC=192.0.2.1 DST=203.0.113.65 LEN=60 PROTO=TCP SPT=1 DPT=25 SYN',
  ]);
  t.equal(truth.actors.size, 0);
  t.same(truth.labels, ['benign']);
});
