import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { decode, decodePlain, expectEvent } from './helpers.js';

t.test('Apache 2.2 error: time, level, client and file-not-found', async (t) => {
  expectEvent(t, decodePlain('[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] File does not exist: /var/www/html/x'), {
    '@timestamp': '2005-12-04T04:47:44.000Z',
    event: { dataset: 'apache.error', module: 'apache', action: ACTIONS.httpFileNotFound, outcome: 'failure' },
    log: { level: 'error' },
    source: { ip: '1.2.3.4' },
    file: { path: '/var/www/html/x' },
  });
});

t.test('Apache 2.4 error: module, pid, client with port, AH code', async (t) => {
  expectEvent(
    t,
    decodePlain(
      '[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 123:tid 456] [client 1.2.3.4:5678] AH00128: File does not exist: /var/www/x',
    ),
    {
      '@timestamp': '2000-10-11T14:32:52.123Z',
      event: { action: ACTIONS.httpFileNotFound },
      log: { level: 'error', logger: 'core' },
      process: { pid: 123 },
      source: { ip: '1.2.3.4', port: 5678 },
      error: { code: 'AH00128', message: 'File does not exist: /var/www/x' },
    },
  );
});

t.test('Apache 2.4 client from IPv6 with port', async (t) => {
  const event = decodePlain(
    '[Wed Oct 11 14:32:52.123456 2000] [authz_core:error] [pid 1] [client 2001:db8::1:5678] AH01630: client denied by server configuration: /srv/private',
  );
  expectEvent(t, event, { source: { ip: '2001:db8::1', port: 5678 }, event: { action: ACTIONS.httpAccessForbidden } });
});

t.test('Apache basic-auth failure names the user', async (t) => {
  const event = decodePlain(
    '[Wed Oct 11 14:32:52.123456 2000] [auth_basic:error] [pid 1] [client 192.0.2.7:4000] AH01617: user admin: authentication failure for "/admin": Password Mismatch',
  );
  expectEvent(t, event, {
    event: { action: ACTIONS.httpAuthFailure, outcome: 'failure' },
    user: { name: 'admin' },
    source: { ip: '192.0.2.7' },
  });
});

t.test('Apache notices are decoded without an action', async (t) => {
  const event = decodePlain('[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties');
  expectEvent(t, event, { event: { dataset: 'apache.error', category: ['web'], type: ['info'] }, log: { level: 'notice' } });
  t.equal(event.event.action, undefined);
  t.equal(event.tags, undefined, 'a recognised format is not tagged _no_decoder');
});

t.test('Apache error via syslog (no time in the body) keeps the header time', async (t) => {
  const event = decode('httpd', '[core:error] [pid 77] [client 192.0.2.8:1000] AH00128: File does not exist: /srv/www/y');
  expectEvent(t, event, {
    '@timestamp': '2026-11-22T10:00:00.000Z',
    event: { dataset: 'apache.error', action: ACTIONS.httpFileNotFound },
    source: { ip: '192.0.2.8' },
  });
});
