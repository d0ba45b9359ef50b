import { spawn } from 'node:child_process';
import t from 'tap';
import { requireBinary, requireService } from '../helpers/services.js';
import { serveWithTokens } from './ingest-helpers.js';

/** Sends `lines` with logger(1) over TCP (RFC 5424, octet-counted), as a host's syslog would. */
function logger(binary: string, port: number, lines: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      binary,
      ['--server', '127.0.0.1', '--port', String(port), '--tcp', '--octet-count', '--rfc5424', '-t', 'sshd', '-p', 'auth.info'],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`logger exited ${code}: ${stderr}`))));
    child.stdin.end(lines.join('\n') + '\n');
  });
}

t.test('the same lines score the same through syslog (logger) and through the HTTP API', async (t) => {
  const binary = await requireService(t, 'logger', async () => requireBinary('logger', 'install util-linux'));
  if (binary === undefined) return;
  const lines = [
    ...Array.from({ length: 14 }, (_, i) => `Failed password for invalid user staff${i} from 203.0.113.60 port ${50_000 + i} ssh2`),
    'Accepted password for deploy from 198.51.100.61 port 50100 ssh2',
    ...Array.from({ length: 6 }, (_, i) => `Failed password for root from 203.0.113.62 port ${50_200 + i} ssh2`),
  ];
  const viaSyslog = await serveWithTokens({});
  t.teardown(() => viaSyslog.serve.stop());
  await logger(binary, viaSyslog.serve.port('tcp'), lines);
  const received = await viaSyslog.serve.waitForEvents(lines.length);
  const originals = received.map((event) => event.event.original as string);

  const viaHttp = await serveWithTokens({ ingester: 'ingest' });
  t.teardown(() => viaHttp.serve.stop());
  // Half through analyze one by one, the rest in one batch: the windows must not care.
  const half = Math.floor(originals.length / 2);
  const scores: { risk_score: number; risk_level: string; reasons: string[]; model_scores: Record<string, number> }[] = [];
  for (const line of originals.slice(0, half)) {
    const res = await viaHttp.call('POST', '/api/v1/logs/analyze', { token: viaHttp.tokens.ingester, body: { log_line: line } });
    t.equal(res.status, 200);
    scores.push(res.json);
  }
  const rest = await viaHttp.call('POST', '/api/v1/logs/batch', { token: viaHttp.tokens.ingester, body: { logs: originals.slice(half) } });
  scores.push(...rest.json.results);
  t.equal(scores.length, received.length);
  let anomalies = 0;
  received.forEach((event, i) => {
    const line = `line ${i}`;
    t.equal(scores[i]!.risk_score, event.anomaly.score, `${line}: risk`);
    t.equal(scores[i]!.risk_level, event.anomaly.level, `${line}: level`);
    t.same(scores[i]!.model_scores, event.anomaly.model_scores, `${line}: model scores`);
    t.same(scores[i]!.reasons, event.anomaly.reasons, `${line}: reasons`);
    if (event.anomaly.is_anomaly === true) anomalies++;
  });
  t.ok(anomalies >= 5, `the spray is flagged (${anomalies} anomalies) on both paths`);
  const stored = await viaHttp.serve.waitForEvents(lines.length);
  t.same(
    stored.map((e) => e.anomaly.score),
    received.map((e) => e.anomaly.score),
    'and stored with the same scores',
  );
});
