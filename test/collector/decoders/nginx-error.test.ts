import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { decode, decodePlain, expectEvent } from './helpers.js';

t.test('nginx error: open() failed is http-file-not-found with client, request and host', async (t) => {
  const event = decodePlain(
    '2026/11/22 10:00:00 [error] 123#123: *45 open() "/usr/share/nginx/html/.env" failed (2: No such file or directory), client: 1.2.3.4, server: _, request: "GET /.env HTTP/1.1", host: "example.org"',
  );
  expectEvent(t, event, {
    '@timestamp': '2026-11-22T10:00:00.000Z',
    event: {
      dataset: 'nginx.error',
      module: 'nginx',
      action: ACTIONS.httpFileNotFound,
      category: ['web'],
      type: ['error'],
      outcome: 'failure',
    },
    log: { level: 'error' },
    process: { pid: 123 },
    source: { ip: '1.2.3.4' },
    http: { request: { method: 'GET' }, version: '1.1' },
    url: { path: '/.env', domain: 'example.org' },
    file: { path: '/usr/share/nginx/html/.env' },
    error: { message: 'open() "/usr/share/nginx/html/.env" failed (2: No such file or directory)' },
  });
});

t.test('nginx error time is read in the configured zone', async (t) => {
  const event = decodePlain('2026/07/01 12:00:00 [notice] 1#1: signal process started', { timeZone: 'Europe/Berlin' });
  t.equal(event['@timestamp'], '2026-07-01T10:00:00.000Z');
  t.strictSame(event.event.type, ['info']);
  t.equal(event.event.action, undefined);
});

t.test('nginx basic-auth failures are authentication failures with the user', async (t) => {
  const event = decode(
    'nginx',
    '2026/11/22 10:00:00 [error] 9#9: *1 user "admin": password mismatch, client: 2001:db8::8, server: x, request: "GET /admin HTTP/1.1", host: "x"',
  );
  expectEvent(t, event, {
    event: { action: ACTIONS.httpAuthFailure, category: ['authentication', 'web'], outcome: 'failure' },
    user: { name: 'admin' },
    source: { ip: '2001:db8::8' },
  });
});

t.test('nginx: a client-chosen path holding ", client: " cannot pose as the client', async (t) => {
  const event = decodePlain(
    '2026/11/22 10:00:00 [error] 9#9: *1 open() "/x, client: 6.6.6.6" failed (2: No such file or directory), client: 192.0.2.4, server: _',
  );
  t.equal(event.source?.ip, '192.0.2.4');
});

t.test('nginx rate limiting and upstream errors', async (t) => {
  t.equal(
    decodePlain('2026/11/22 10:00:00 [error] 9#9: *7 limiting requests, excess: 20.500 by zone "one", client: 192.0.2.5, server: _').event
      .action,
    ACTIONS.httpRateLimited,
  );
  t.equal(
    decodePlain(
      '2026/11/22 10:00:00 [error] 9#9: *8 connect() failed (111: Connection refused) while connecting to upstream, client: 192.0.2.6, server: _',
    ).event.action,
    ACTIONS.httpUpstreamError,
  );
});
