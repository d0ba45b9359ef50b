/**
 * Real logs through the real path (parse, base event, decode): every line yields an event, and
 * for every line whose loghub template the decoders cover, the source address and user name
 * extracted equal the values at the template's `<*>` positions. Prints the share of lines that
 * got a specific event.action per file.
 */
import { corpusOrSkip } from '../../helpers/corpus.js';
import t, { type Test } from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { isIp } from '../../../collector/decoders/ip.js';
import type { EcsEvent } from '../../../collector/ecs/event.js';
import { defaultObserver, normalize, type NormalizeContext } from '../../../collector/normalize.js';
import type { RawMessage } from '../../../collector/raw-message.js';
import { CORPUS, readLines, readStructured, templateParameters } from './loghub.js';

const context: NormalizeContext = { timeZone: 'UTC', observer: defaultObserver('test') };
const RECEIVED_AT = Date.UTC(2026, 10, 22, 10, 0, 0);

function normalizeLine(text: string, path: string, seq: number): EcsEvent {
  const raw: RawMessage = {
    text,
    transport: 'file',
    peerAddress: path,
    peerPort: 0,
    receivedAt: RECEIVED_AT,
    connectionId: 1,
    seq,
    truncated: false,
    size: Buffer.byteLength(text),
  };
  return normalize(raw, context);
}

/** What a template's parameters say: indexes into the `<*>` values, or literal values. */
interface Expectation {
  action: string;
  /** `<*>` holding the peer: an IP must equal source.ip, a host name source.domain. */
  source?: number;
  /** `<*>` holding the user name, or the name the template spells out. */
  user?: number | string;
  /** `<*>` holding the PTR name of sshd's reverse-mapping warning. */
  domain?: number;
  /** `<*>` holding the repeat count. */
  count?: number;
}

const OPENSSH: Record<string, Expectation> = {
  E1: { action: ACTIONS.sshLogin, user: 0, source: 1 },
  E2: { action: ACTIONS.sshConnectionClosed, source: 0 },
  E3: { action: ACTIONS.sshNoIdentification, source: 0 },
  E4: { action: ACTIONS.sshTooManyAuthFailures, user: 'admin' },
  E5: { action: ACTIONS.sshTooManyAuthFailures, user: 'root' },
  E6: { action: ACTIONS.sshDisconnectReceived, source: 0 },
  E7: { action: ACTIONS.sshDisconnectReceived, source: 0 },
  E8: { action: ACTIONS.sshLogin, user: 0, source: 1 },
  E9: { action: ACTIONS.sshLogin, user: 0, source: 1 },
  E10: { action: ACTIONS.sshLogin, user: 0, source: 1 },
  E11: { action: ACTIONS.sshConnectionError },
  E12: { action: ACTIONS.sshInvalidUserRequest, user: 0 },
  E13: { action: ACTIONS.sshInvalidUser, user: 0, source: 1 },
  E14: { action: ACTIONS.sshLogin, count: 0, user: 'root', source: 1 },
  E15: { action: ACTIONS.pamMoreAuthenticationFailures, source: 3 },
  E16: { action: ACTIONS.pamMoreAuthenticationFailures, source: 3 },
  E17: { action: ACTIONS.pamMoreAuthenticationFailures, source: 3, user: 'root' },
  E18: { action: ACTIONS.pamMaxRetriesIgnored },
  E19: { action: ACTIONS.pamAuthenticationFailure, source: 2 },
  E20: { action: ACTIONS.pamAuthenticationFailure, source: 2, user: 3 },
  E21: { action: ACTIONS.pamUserUnknown },
  E22: { action: ACTIONS.pamSessionClosed, user: 0 },
  E23: { action: ACTIONS.pamSessionOpened, user: 0 },
  E24: { action: ACTIONS.sshDisconnectReceived, source: 0 },
  E25: { action: ACTIONS.sshDisconnectReceived, source: 0 },
  E26: { action: ACTIONS.sshDisconnectReceived, source: 0 },
  E27: { action: ACTIONS.sshReverseMappingFailed, source: 1, domain: 0 },
};

const LINUX: Record<string, Expectation> = {
  E8: { action: ACTIONS.logrotateFailed },
  E9: { action: ACTIONS.ftpLogin, source: 0, user: 'anonymous' },
  E13: { action: ACTIONS.kerberosLogin, source: 0 },
  E14: { action: ACTIONS.kerberosLogin, source: 0 },
  E15: { action: ACTIONS.pamAuthenticationFailure },
  E16: { action: ACTIONS.pamAuthenticationFailure, source: 0 },
  E17: { action: ACTIONS.pamAuthenticationFailure, source: 0, user: 'guest' },
  E18: { action: ACTIONS.pamAuthenticationFailure, source: 0, user: 'root' },
  E19: { action: ACTIONS.pamAuthenticationFailure, source: 0, user: 'test' },
  E27: { action: ACTIONS.pamUserUnknown },
  E29: { action: ACTIONS.ftpConnection, source: 0 },
  E31: { action: ACTIONS.displayManagerLogin },
  E37: { action: ACTIONS.serviceStopped },
  E38: { action: ACTIONS.serviceStarted },
  E47: { action: ACTIONS.ftpConnectionError },
  E49: { action: ACTIONS.serviceStarted },
  E58: { action: ACTIONS.serviceStarted },
  E61: { action: ACTIONS.kerberosLogin },
  E65: { action: ACTIONS.serviceStarted },
  E85: { action: ACTIONS.serviceStarted },
  E88: { action: ACTIONS.snmpPacketReceived, source: 0 },
  E91: { action: ACTIONS.login, user: 'root' },
  E92: { action: ACTIONS.serviceStarted },
  E93: { action: ACTIONS.serviceStarted },
  E94: { action: ACTIONS.serviceStarted },
  E101: { action: ACTIONS.pamSessionClosed, user: 0 },
  E102: { action: ACTIONS.pamSessionOpened, user: 0 },
  E103: { action: ACTIONS.pamSessionOpened, user: 0 },
  E106: { action: ACTIONS.serviceStarted },
  E112: { action: ACTIONS.ftpSessionTimeout },
};

/** Differences between what a line's template says and what the event holds (empty: all agree). */
function mismatches(event: EcsEvent, expectation: Expectation, parameters: string[]): string[] {
  const problems: string[] = [];
  // Addresses never hold spaces (an extra one may come from template alignment); user names may.
  const value = (index: number): string => (parameters[index] ?? '').trim();
  const exact = (index: number): string => parameters[index] ?? '';
  if (event.event.action !== expectation.action) problems.push(`action ${event.event.action} != ${expectation.action}`);
  if (expectation.source !== undefined) {
    const peer = value(expectation.source);
    const got = isIp(peer) ? event.source?.ip : event.source?.domain;
    if (got !== peer) problems.push(`source ${got} != ${peer}`);
  }
  if (expectation.user !== undefined) {
    const user = typeof expectation.user === 'number' ? exact(expectation.user) : expectation.user;
    if (event.user?.name !== user) problems.push(`user.name ${event.user?.name} != ${user}`);
    if (!(event.related?.user ?? []).includes(user)) problems.push(`related.user lacks ${user}`);
  }
  if (expectation.domain !== undefined && event.source?.domain !== value(expectation.domain)) {
    problems.push(`source.domain ${event.source?.domain} != ${value(expectation.domain)}`);
  }
  if (expectation.count !== undefined && event.event.count !== Number(value(expectation.count))) {
    problems.push(`event.count ${event.event.count} != ${value(expectation.count)}`);
  }
  if (event.source?.ip !== undefined && !(event.related?.ip ?? []).includes(event.source.ip)) problems.push('related.ip lacks source.ip');
  return problems;
}

function share(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(1)}%`;
}

/** Runs one loghub file with its structured CSV; returns the share of lines with an action. */
function checkLoghub(t: Test, name: string, expectations: Record<string, Expectation>): number {
  const path = `${CORPUS}/loghub/${name}`;
  const lines = readLines(path);
  const rows = readStructured(`${path}_structured.csv`);
  t.equal(rows.length, lines.length, 'one structured row per line');
  const problems: string[] = [];
  let withAction = 0;
  let checked = 0;
  rows.forEach((row, index) => {
    const line = lines[row.lineId - 1] ?? '';
    const event = normalizeLine(line, path, index);
    if (event.event.original !== line) problems.push(`line ${row.lineId}: no event for the line`);
    if (event.event.action !== undefined) withAction++;
    const expectation = expectations[row.eventId];
    if (expectation === undefined) return;
    const parameters = templateParameters(row.template, row.content);
    if (parameters === undefined) {
      problems.push(`line ${row.lineId}: template ${row.eventId} does not align with its content`);
      return;
    }
    checked++;
    for (const problem of mismatches(event, expectation, parameters)) problems.push(`line ${row.lineId} (${row.eventId}): ${problem}`);
  });
  t.strictSame(problems.slice(0, 20), [], `${name}: template parameters equal the extracted fields (${checked} lines checked)`);
  t.comment(`${name}: ${share(withAction, lines.length)} of ${lines.length} lines decoded into a specific event.action`);
  return withAction / lines.length;
}

if (corpusOrSkip(t)) {
  t.test('OpenSSH_2k: every template decoded, fields equal loghub parameters, >= 95% with an action', async (t) => {
    const coverage = checkLoghub(t, 'OpenSSH_2k.log', OPENSSH);
    t.ok(coverage >= 0.95, `coverage ${share(coverage, 1)} >= 95%`);
  });

  t.test('Linux_2k: covered templates decoded with fields equal to loghub parameters', async (t) => {
    checkLoghub(t, 'Linux_2k.log', LINUX);
  });

  t.test('Apache_2k error log: every line an apache.error event with time, level and client', async (t) => {
    const path = `${CORPUS}/loghub/Apache_2k.log`;
    const lines = readLines(path);
    const problems: string[] = [];
    let withAction = 0;
    let withClient = 0;
    lines.forEach((line, index) => {
      const event = normalizeLine(line, path, index);
      if (event.event.action !== undefined) withAction++;
      const expected = /^\[(\w{3} \w{3} \d\d \d\d:\d\d:\d\d \d{4})\] \[(\w+)\](?: \[client ([^\]]+)\])?/.exec(line);
      if (expected === null) {
        problems.push(`line ${index + 1}: unexpected shape`);
        return;
      }
      const [, time, level, client] = expected;
      if (event.event.dataset !== 'apache.error') problems.push(`line ${index + 1}: dataset ${event.event.dataset}`);
      if (event['@timestamp'] !== new Date(`${time} UTC`).toISOString())
        problems.push(`line ${index + 1}: @timestamp ${event['@timestamp']}`);
      if (event.log.level !== level) problems.push(`line ${index + 1}: log.level ${event.log.level}`);
      if (client !== undefined) {
        withClient++;
        if (event.source?.ip !== client) problems.push(`line ${index + 1}: source.ip ${event.source?.ip} != ${client}`);
      }
    });
    t.strictSame(problems.slice(0, 20), [], `fields agree on all ${lines.length} lines (${withClient} with a client)`);
    t.comment(`Apache_2k.log: ${share(withAction, lines.length)} of ${lines.length} lines decoded into a specific event.action`);
  });

  t.test('combined access log: every line an http-request with source.ip, status and body time', async (t) => {
    const path = `${CORPUS}/web/apache_combined_10k.log`;
    const lines = readLines(path);
    const problems: string[] = [];
    let withAction = 0;
    lines.forEach((line, index) => {
      const event = normalizeLine(line, path, index);
      if (event.event.action === ACTIONS.httpRequest) withAction++;
      const expected = /^(\S+) \S+ (\S+) \[(\d\d)\/(\w{3})\/(\d{4}):(\d\d:\d\d:\d\d) ([+-]\d{4})\] "[^"]*" (\d{3}) (\d+|-)/.exec(line);
      if (expected === null) {
        problems.push(`line ${index + 1}: unexpected shape`);
        return;
      }
      const [, client, user, day, month, year, clock, zone, status, bytes] = expected;
      const time = new Date(`${day} ${month} ${year} ${clock} ${zone}`).toISOString();
      if (event.source?.ip !== client) problems.push(`line ${index + 1}: source.ip ${event.source?.ip} != ${client}`);
      if (event.http?.response?.status_code !== Number(status))
        problems.push(`line ${index + 1}: status ${event.http?.response?.status_code}`);
      if (bytes !== '-' && event.http?.response?.body?.bytes !== Number(bytes)) problems.push(`line ${index + 1}: bytes`);
      if (user !== '-' && event.user?.name !== user) problems.push(`line ${index + 1}: user.name ${event.user?.name} != ${user}`);
      if (event['@timestamp'] !== time) problems.push(`line ${index + 1}: @timestamp ${event['@timestamp']} != ${time}`);
      if (event.event.outcome !== (Number(status) >= 400 ? 'failure' : 'success')) problems.push(`line ${index + 1}: outcome`);
    });
    t.strictSame(problems.slice(0, 20), [], `fields agree on all ${lines.length} lines`);
    t.equal(withAction, lines.length, 'every line is an http-request');
    t.comment(`apache_combined_10k.log: ${share(withAction, lines.length)} of ${lines.length} lines decoded into a specific event.action`);
  });
}
