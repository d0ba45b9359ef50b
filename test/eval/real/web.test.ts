import t from 'tap';
import { groundTruth, type GroundTruth } from '../../../eval/real/ground-truth.js';

interface Request {
  client: string;
  target: string;
  status?: number;
  method?: string;
  agent?: string;
  referer?: string;
  /** Seconds after 10:00:00. */
  at?: number;
}

function access(requests: Request[]): string[] {
  return requests.map(
    ({ client, target, status = 200, method = 'GET', agent = 'Mozilla/5.0 (X11; Linux x86_64)', referer = '-', at = 0 }, i) => {
      const time = new Date(Date.UTC(2026, 10, 2, 10, 0, at === 0 ? i : at)).toISOString();
      const clf = `${time.slice(8, 10)}/Nov/2026:${time.slice(11, 19)} +0000`;
      return `${client} - - [${clf}] "${method} ${target} HTTP/1.1" ${status} 512 "${referer}" "${agent}"`;
    },
  );
}
const classOf = (truth: GroundTruth, address: string): string | undefined => truth.actors.get(`ip:${address}`)?.class;
const repeat = (n: number, make: (i: number) => Request): Request[] => Array.from({ length: n }, (_, i) => make(i));

t.test('three requests for secret or exploit paths make a scanner; one or two are gray', async (t) => {
  const truth = groundTruth(
    access([
      { client: '203.0.113.10', target: '/.env', status: 404 },
      { client: '203.0.113.10', target: '/.git/config', status: 404 },
      { client: '203.0.113.10', target: '/index.php?id=1%27%20UNION%20SELECT%20password%20FROM%20users', status: 200 },
      { client: '203.0.113.11', target: '/.env', status: 404 },
      { client: '203.0.113.12', target: '/static/../../etc/passwd', status: 400 },
      { client: '203.0.113.13', target: '/phpinfo.php', status: 404 },
      { client: '203.0.113.13', target: '/cgi-bin/luci', status: 404 },
    ]),
  );
  t.equal(classOf(truth, '203.0.113.10'), 'attacker');
  t.same([...(truth.actors.get('ip:203.0.113.10')?.attacks ?? [])], ['scanner']);
  t.equal(classOf(truth, '203.0.113.11'), 'gray');
  t.equal(classOf(truth, '203.0.113.12'), 'gray');
  t.equal(classOf(truth, '203.0.113.13'), 'gray');
  t.same(truth.labels, ['attack', 'attack', 'attack', 'gray', 'gray', 'gray', 'gray']);
});

t.test('20 4xx answers on 10 paths make a scanner; on fewer paths the address is gray', async (t) => {
  const truth = groundTruth(
    access([
      ...repeat(20, (i) => ({ client: '203.0.113.20', target: `/old-page-${i % 10}.html`, status: 404 })),
      ...repeat(20, (i) => ({ client: '203.0.113.21', target: `/old-page-${i % 9}.html`, status: 404 })),
    ]),
  );
  t.equal(classOf(truth, '203.0.113.20'), 'attacker');
  t.equal(classOf(truth, '203.0.113.21'), 'gray');
});

t.test('WordPress paths are attack paths only on a site that is not WordPress; 10 login POSTs are a brute force', async (t) => {
  const probes = repeat(3, (i) => ({
    client: '203.0.113.30',
    target: ['/wp-login.php', '/wp-admin/', '/xmlrpc.php'][i] ?? '/',
    status: 404,
  }));
  t.equal(classOf(groundTruth(access(probes)), '203.0.113.30'), 'attacker');
  const site = { client: '198.51.100.60', target: '/wp-content/themes/blog/style.css', referer: 'https://blog.example/' };
  t.equal(classOf(groundTruth(access([site, ...probes])), '203.0.113.30'), 'background');
  const guesses = repeat(10, () => ({ client: '203.0.113.31', target: '/wp-login.php', method: 'POST' }));
  const truth = groundTruth(access([site, ...guesses]));
  t.equal(classOf(truth, '203.0.113.31'), 'attacker');
  t.same([...(truth.actors.get('ip:203.0.113.31')?.attacks ?? [])], ['brute-forcer']);
});

t.test('monitors (by user agent or by a regular interval), crawlers and application users are legitimate', async (t) => {
  const truth = groundTruth(
    access([
      { client: '198.51.100.70', target: '/', agent: 'Uptime-Kuma/1.23.3' },
      ...repeat(30, (i) => ({ client: '198.51.100.71', target: '/health', agent: 'Go-http-client/1.1', at: 60 * i })),
      {
        client: '198.51.100.72',
        target: '/robots.txt',
        agent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
        status: 404,
      },
      { client: '198.51.100.73', target: '/', status: 200 },
      { client: '198.51.100.73', target: '/static/js/main.js', referer: 'https://app.example/' },
      { client: '198.51.100.73', target: '/api/v1/session', method: 'POST', status: 201 },
      { client: '198.51.100.73', target: '/mail/?_task=mail&_token=Zq8sJr0X4vLk2pQw9e', referer: 'https://app.example/' },
      { client: '198.51.100.74', target: '/', status: 200 },
      { client: '198.51.100.74', target: '/about', status: 200 },
      ...repeat(30, (i) => ({ client: '198.51.100.75', target: '/health', agent: 'Go-http-client/1.1', at: i * i })),
    ]),
  );
  t.equal(classOf(truth, '198.51.100.70'), 'legitimate');
  t.equal(classOf(truth, '198.51.100.71'), 'legitimate');
  t.equal(classOf(truth, '198.51.100.72'), 'legitimate');
  t.equal(classOf(truth, '198.51.100.73'), 'legitimate');
  t.equal(classOf(truth, '198.51.100.74'), 'background', 'an ordinary visitor');
  t.equal(classOf(truth, '198.51.100.75'), 'background', 'irregular polling is no monitor');
});

t.test('a request that is not HTTP, or a GET answered 400, makes a visitor gray; a 408 idle connection does not', async (t) => {
  const lines = [
    '203.0.113.40 - - [02/Nov/2026:10:00:00 +0000] "\\x16\\x03\\x01\\x00\\xEA\\x01" 400 166 "-" "-"',
    ...access([{ client: '203.0.113.41', target: '/', status: 400 }]),
    'app.example:443 198.51.100.80 - - [02/Nov/2026:10:00:00 +0000] "-" 408 0 "-" "-"',
    ...access([{ client: '198.51.100.80', target: '/' }]),
  ];
  const truth = groundTruth(lines);
  t.equal(classOf(truth, '203.0.113.40'), 'gray');
  t.equal(classOf(truth, '203.0.113.41'), 'gray');
  t.equal(classOf(truth, '198.51.100.80'), 'background');
});
