import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { HEADER_TIME, decode, decodePlain, expectEvent } from './helpers.js';

const COMBINED =
  '83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /presentations/logstash-monitorama-2013/images/kibana-search.png?x=1&y=2 HTTP/1.1" 200 203023 "http://semicomplete.com/presentations/logstash-monitorama-2013/" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1)"';

t.test('a plain combined-format line: every field, @timestamp from the body', async (t) => {
  expectEvent(t, decodePlain(COMBINED), {
    '@timestamp': '2015-05-17T10:05:03.000Z',
    event: {
      dataset: 'apache.access',
      module: 'apache',
      action: ACTIONS.httpRequest,
      category: ['web'],
      type: ['access'],
      outcome: 'success',
    },
    source: { ip: '83.149.9.216' },
    http: {
      version: '1.1',
      request: { method: 'GET', referrer: 'http://semicomplete.com/presentations/logstash-monitorama-2013/' },
      response: { status_code: 200, body: { bytes: 203023 } },
    },
    url: {
      original: '/presentations/logstash-monitorama-2013/images/kibana-search.png?x=1&y=2',
      path: '/presentations/logstash-monitorama-2013/images/kibana-search.png',
      query: 'x=1&y=2',
    },
    user_agent: { original: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1)' },
    related: { ip: ['83.149.9.216'] },
  });
});

t.test('common format (no referrer or agent), authenticated user, zone offset applied', async (t) => {
  const event = decodePlain('192.0.2.10 - alice [10/Oct/2000:13:55:36 -0700] "POST /login HTTP/1.0" 401 2326');
  expectEvent(t, event, {
    '@timestamp': '2000-10-10T20:55:36.000Z',
    event: { action: ACTIONS.httpRequest, outcome: 'failure' },
    user: { name: 'alice' },
    http: { request: { method: 'POST' }, response: { status_code: 401, body: { bytes: 2326 } }, version: '1.0' },
    url: { path: '/login' },
  });
  t.equal(event.user_agent, undefined);
});

t.test('IPv6 clients: ::1 and IPv4-mapped', async (t) => {
  t.equal(decodePlain('::1 - - [22/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.5.0"').source?.ip, '::1');
  t.equal(
    decodePlain('::ffff:1.2.3.4 - - [22/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.5.0"').source?.ip,
    '::ffff:1.2.3.4',
  );
});

t.test('a vhost prefix (vhost_combined) becomes url.domain', async (t) => {
  const event = decodePlain('www.example.com:443 198.51.100.2 - - [22/Nov/2026:10:00:00 +0100] "GET /a HTTP/2.0" 304 - "-" "Mozilla/5.0"');
  expectEvent(t, event, {
    url: { domain: 'www.example.com', path: '/a' },
    source: { ip: '198.51.100.2' },
    http: { response: { status_code: 304 }, version: '2.0' },
  });
  t.equal(event.http?.response?.body, undefined, 'bytes "-" sets no body.bytes');
});

t.test('nginx access line via syslog keeps the header time and goes to nginx.access', async (t) => {
  const event = decode('nginx', '203.0.113.5 - - [22/Nov/2026:09:59:58 +0000] "GET /wp-login.php HTTP/1.1" 404 153 "-" "Mozilla/5.0" "-"');
  expectEvent(t, event, {
    '@timestamp': new Date(HEADER_TIME).toISOString(),
    event: { dataset: 'nginx.access', module: 'nginx', action: ACTIONS.httpRequest, outcome: 'failure' },
    http: { response: { status_code: 404 } },
    user_agent: { original: 'Mozilla/5.0' },
  });
});

t.test('apache2 and httpd tags go to apache.access', async (t) => {
  const line = '192.0.2.1 - - [22/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x"';
  t.equal(decode('apache2', line).event.dataset, 'apache.access');
  t.equal(decode('httpd', line).event.dataset, 'apache.access');
});

t.test('junk request lines keep the status without method or url', async (t) => {
  const event = decodePlain('192.0.2.1 - - [22/Nov/2026:10:00:00 +0000] "\\x16\\x03\\x01\\x00" 400 157 "-" "-"');
  expectEvent(t, event, { event: { action: ACTIONS.httpRequest, outcome: 'failure' }, http: { response: { status_code: 400 } } });
  t.equal(event.url, undefined);
  t.equal(event.http?.request?.method, undefined);
});

t.test('escaped quotes inside the request and agent', async (t) => {
  const event = decodePlain('192.0.2.1 - - [22/Nov/2026:10:00:00 +0000] "GET /?q=\\"x\\" HTTP/1.1" 200 5 "-" "agent \\"quoted\\""');
  t.equal(event.url?.query, 'q=\\"x\\"');
  t.equal(event.user_agent?.original, 'agent \\"quoted\\"');
});

t.test('an absolute URI (proxy request) fills url.domain and path', async (t) => {
  const event = decodePlain('192.0.2.1 - - [22/Nov/2026:10:00:00 +0000] "GET http://example.net/p?q=1 HTTP/1.1" 200 5 "-" "-"');
  expectEvent(t, event, { url: { domain: 'example.net', path: '/p', query: 'q=1', original: 'http://example.net/p?q=1' } });
});

t.test('a line cut inside the user agent still decodes', async (t) => {
  const event = decodePlain(
    '192.0.2.1 - - [22/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "Mozilla/5.0 (compatible; Googlebot/2.1',
  );
  t.equal(event.user_agent?.original, 'Mozilla/5.0 (compatible; Googlebot/2.1');
});

t.test('a malformed time is not an access line', async (t) => {
  const event = decodePlain('192.0.2.1 - - [32/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5');
  t.equal(event.event.action, undefined);
  t.equal(event.source, undefined);
});
