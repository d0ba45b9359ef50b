import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { runCases, type Case } from './helpers.js';

const cases: Case[] = [
  {
    name: 'ftpd connection from IP (host)',
    app: 'ftpd',
    body: 'connection from 24.54.76.216 (24-54-76-216.bflony.adelphia.net) at Fri Jun 17 07:07:00 2005',
    expected: {
      event: { action: ACTIONS.ftpConnection, category: ['network'], type: ['connection', 'start'] },
      source: { ip: '24.54.76.216', domain: '24-54-76-216.bflony.adelphia.net' },
    },
  },
  {
    name: 'ftpd anonymous login: user anonymous, the e-mail password is not kept',
    app: 'ftpd',
    body: 'ANONYMOUS FTP LOGIN FROM 84.102.20.2,  (anonymous)',
    expected: { event: { action: ACTIONS.ftpLogin, outcome: 'success' }, user: { name: 'anonymous' }, source: { ip: '84.102.20.2' } },
  },
  {
    name: 'wu-ftpd login from host [ip], user',
    app: 'ftpd',
    body: 'FTP LOGIN FROM host.example.org [192.0.2.31], alice',
    expected: { event: { action: ACTIONS.ftpLogin }, user: { name: 'alice' }, source: { ip: '192.0.2.31', domain: 'host.example.org' } },
  },
  {
    name: 'vsftpd failed login with an IPv4-mapped client',
    app: 'vsftpd',
    body: '[alice] FAIL LOGIN: Client "::ffff:192.0.2.60"',
    expected: { event: { action: ACTIONS.ftpLogin, outcome: 'failure' }, user: { name: 'alice' }, source: { ip: '::ffff:192.0.2.60' } },
  },
  {
    name: 'vsftpd connect',
    app: 'vsftpd',
    body: 'CONNECT: Client "192.0.2.61"',
    expected: { event: { action: ACTIONS.ftpConnection }, source: { ip: '192.0.2.61' } },
  },
  {
    name: 'ftpd session timeout',
    app: 'ftpd',
    body: 'User unknown timed out after 900 seconds at Sat Jun 18 02:23:10 2005',
    expected: { event: { action: ACTIONS.ftpSessionTimeout } },
  },
];

runCases(t, cases);
