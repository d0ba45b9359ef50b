/**
 * The inline scorer (scorer/scorer.ts) in-process with the committed models, the memory window
 * store and decoded log lines: what it flags, what it leaves alone, the reasons and entities it
 * gives, and the same verdicts for the same stream whatever the batch size.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { EcsEvent } from '../../collector/ecs/event.js';
import { FEATURE_COUNT } from '../../scorer/features/definitions.js';
import { FileCalibrationStore } from '../../scorer/calibration/state-store.js';
import { ModelEnsemble } from '../../scorer/model/ensemble.js';
import { loadSidecar } from '../../scorer/model/sidecar.js';
import { AnomalyScorer, type ScorerOptions } from '../../scorer/scorer.js';
import { MemoryWindowStore } from '../../scorer/windows/memory-store.js';
import { decodeLines, isoAt } from '../helpers/events.js';
import { MODEL_DIR } from '../helpers/models.js';
import { quotedRange } from '../helpers/reasons.js';

const T0 = Date.UTC(2026, 10, 2, 8, 0, 0);
const SEVERITY = { none: 0, low: 21, medium: 47, high: 73, critical: 99 };

/** A quiet working day: key logins from the office, page views, cron and routine sudo. */
function workingDay(): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) {
    const at = (second: number): string => isoAt(T0, i * 12, second);
    lines.push(
      `${at(0)} bastion sshd[${1000 + i}]: Accepted publickey for alice from 192.0.2.10 port ${40000 + i} ssh2: ED25519 SHA256:k3y`,
    );
    lines.push(`${at(1)} web1 nginx: 192.0.2.20 - - [02/Nov/2026:08:00:00 +0000] "GET /index.html HTTP/1.1" 200 512 "-" "Mozilla/5.0"`);
    lines.push(`${at(2)} bastion CRON[${2000 + i}]: (root) CMD (run-parts /etc/cron.hourly)`);
    lines.push(`${at(3)} bastion sudo: alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update`);
  }
  return lines;
}

/** 60 failed passwords in two minutes from one address, for eight common user names. */
function bruteForce(address: string, startMinute: number): string[] {
  const users = ['root', 'admin', 'test', 'oracle', 'ubuntu', 'guest', 'user', 'postgres'];
  return Array.from(
    { length: 60 },
    (_, i) =>
      `${isoAt(T0, startMinute, i * 2)} bastion sshd[${5000 + i}]: Failed password for ${i % 3 === 0 ? 'invalid user ' : ''}${users[i % 8]} from ${address} port ${50000 + i} ssh2`,
  );
}

const OPTIONS: ScorerOptions = { batchSize: 256, outOfOrderToleranceMs: 300_000, profileTimeZone: 'UTC', maxReasons: 3 };

async function scorer(options: Partial<ScorerOptions> = {}): Promise<AnomalyScorer> {
  return new AnomalyScorer(await ModelEnsemble.load(MODEL_DIR), new MemoryWindowStore({ seenCapacity: 10_000 }), {
    ...OPTIONS,
    ...options,
  });
}

/** Scores `lines` with a fresh scorer; returns the events. */
async function scored(lines: readonly string[], options: Partial<ScorerOptions> = {}): Promise<EcsEvent[]> {
  const s = await scorer(options);
  const events = decodeLines(lines);
  await s.enrich(events);
  await s.close();
  return events;
}

/** What the scorer adds to an event, for comparing runs. */
const verdict = (event: EcsEvent): unknown => ({
  risk: event.event.risk_score,
  norm: event.event.risk_score_norm,
  severity: event.event.severity,
  reason: event.event.reason,
  anomaly: event.anomaly,
});

t.test('flags a brute-force burst from one address and nothing of a quiet working day', async (t) => {
  const day = workingDay();
  const events = await scored([...day, ...bruteForce('203.0.113.50', 9 * 60)]);
  const benign = events.slice(0, day.length);
  const attack = events.slice(day.length);
  t.strictSame(
    benign.filter((e) => e.anomaly?.is_anomaly).map((e) => e.event.original),
    [],
    'no benign event flagged',
  );
  t.ok(
    benign.every((e) => e.anomaly !== undefined && e.event.risk_score! < 0.4),
    'every benign event scored below the low level',
  );
  const flagged = attack.filter((e) => e.anomaly?.is_anomaly);
  t.ok(flagged.length >= 50, `${flagged.length} of 60 failures flagged`);
  t.notOk(attack[0]!.anomaly?.is_anomaly, 'a single failure is not an attack');
  t.equal(attack.at(-1)!.anomaly?.level, 'critical', 'the burst ends critical');
  for (const event of flagged) {
    const anomaly = event.anomaly!;
    t.equal(anomaly.entity, 'source.ip=203.0.113.50');
    t.ok(['brute_force', 'password_spraying'].includes(anomaly.kind!), `kind ${anomaly.kind}`);
    t.ok(anomaly.reasons.length >= 1 && anomaly.reasons.length <= 3, 'one to --max-reasons reasons');
    t.match(anomaly.reasons[0], /203\.0\.113\.50/);
    t.match(anomaly.recommended_action, /203\.0\.113\.50/);
    t.equal(event.event.reason, anomaly.reasons[0]);
    t.equal(event.event.risk_score, anomaly.score);
    t.equal(event.event.risk_score_norm, Math.round(anomaly.score * 1000) / 10);
    t.equal(event.event.severity, SEVERITY[anomaly.level]);
    t.strictSame(Object.keys(anomaly.model_scores), ['iforest', 'gmm']);
    t.ok(anomaly.model_version.length > 0);
  }
});

t.test('every reason the models give quotes a benign bound below its own value', async (t) => {
  const events = await scored([...workingDay(), ...bruteForce('203.0.113.50', 9 * 60), ...bruteForce('198.51.100.9', 11 * 60)]);
  const reasons = events.flatMap((e) => (e.anomaly?.is_anomaly ? e.anomaly.reasons : []));
  const ranges = reasons.map(quotedRange).filter((range) => range !== undefined);
  t.ok(ranges.length > 100, `${ranges.length} reasons quote a range`);
  t.strictSame(
    ranges.filter(([value, bound]) => !(value > bound)),
    [],
    'none quotes a range holding its value',
  );
});

t.test('evidence and the subject of the strongest reason: a compromise, a second root, failed sudo', async (t) => {
  const lines = [
    ...Array.from(
      { length: 25 },
      (_, i) => `${isoAt(T0, 180, i * 3)} bastion sshd[${6000 + i}]: Failed password for bob from 203.0.113.77 port ${50000 + i} ssh2`,
    ),
    `${isoAt(T0, 182)} bastion sshd[7000]: Accepted password for bob from 203.0.113.77 port 51000 ssh2`,
    `${isoAt(T0, 240)} bastion useradd[7100]: new user: name=mallory, UID=0, GID=0, home=/root, shell=/bin/bash`,
    ...Array.from(
      { length: 4 },
      (_, i) =>
        `${isoAt(T0, 360 + i)} bastion sudo:    dave : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/dave ; USER=root ; COMMAND=/bin/bash`,
    ),
  ];
  const events = await scored(lines);
  const login = events[25]!.anomaly!;
  t.match(
    login,
    { is_anomaly: true, level: 'critical', kind: 'compromise', entity: 'source.ip=203.0.113.77' },
    'a login right after 25 failures from its address',
  );
  t.match(login.reasons[0], /bob from 203\.0\.113\.77/);
  t.match(
    events[26]!.anomaly,
    { is_anomaly: true, level: 'critical', kind: 'account_change', entity: 'user.target.name=mallory' },
    'an account created with UID 0 is about that account',
  );
  const sudo = events.at(-1)!.anomaly!;
  t.match(sudo, { is_anomaly: true, kind: 'privilege_abuse', entity: 'user.name=dave' }, 'failed sudo is about the user');
  t.match(sudo.reasons[0], /^12 failed sudo attempts by dave in 1 h/);
});

t.test('events outside the scored families get risk 0 and no model scores', async (t) => {
  const [cron] = await scored([`${isoAt(T0, 0)} bastion CRON[1]: (root) CMD (run-parts /etc/cron.hourly)`]);
  t.strictSame(verdict(cron!), {
    risk: 0,
    norm: 0,
    severity: 0,
    reason: undefined,
    anomaly: {
      is_anomaly: false,
      score: 0,
      level: 'none',
      model_scores: {},
      reasons: [],
      model_version: loadSidecar(MODEL_DIR).model_version,
    },
  });
});

t.test('the same stream gives the same verdicts, whatever the batch size', async (t) => {
  const lines = [...workingDay(), ...bruteForce('203.0.113.50', 9 * 60)];
  const reference = (await scored(lines)).map(verdict);
  t.strictSame((await scored(lines)).map(verdict), reference, 'a second run');
  t.strictSame((await scored(lines, { batchSize: 7 })).map(verdict), reference, 'batches of 7');
  // The stream handed over in small chunks, as serve's pipeline hands over its batches.
  const s = await scorer();
  const events = decodeLines(lines);
  for (let i = 0; i < events.length; i += 13) await s.enrich(events.slice(i, i + 13));
  await s.close();
  t.strictSame(events.map(verdict), reference, 'enrich called for chunks of 13');
  t.ok(
    reference.some((v) => (v as { anomaly: { is_anomaly: boolean } }).anomaly.is_anomaly),
    'the stream has anomalies to compare',
  );
});

t.test('keeps the feature row of each anomaly for the alert writer, and only of anomalies', async (t) => {
  const s = await scorer();
  t.teardown(() => s.close());
  const events = decodeLines([...workingDay().slice(0, 8), ...bruteForce('203.0.113.50', 9 * 60)]);
  await s.enrich(events);
  for (const event of events) {
    const row = s.featuresOf(event);
    if (event.anomaly?.is_anomaly) t.equal(row?.length, FEATURE_COUNT);
    else t.equal(row, undefined);
  }
  t.equal(s.featuresOf(decodeLines(['x'])[0]!), undefined, 'an event it never scored');
});

t.test('saves its site calibration at close and restores it at the next start', async (t) => {
  const file = join(t.testdir(), 'calibration.json');
  const first = await scorer({ calibrationStore: new FileCalibrationStore(file) });
  await first.start();
  t.equal(first.calibrationRestored, false, 'nothing saved yet');
  await first.enrich(decodeLines(workingDay()));
  await first.close();
  t.ok(existsSync(file), 'saved at close');
  const second = await scorer({ calibrationStore: new FileCalibrationStore(file) });
  await second.start();
  t.teardown(() => second.close());
  t.equal(second.calibrationRestored, true, 'restored at start');
  t.equal(second.calibrationStoreName, `file ${file}`);
});
