import t from 'tap';
import { groundTruth, type GroundTruth } from '../../../eval/real/ground-truth.js';
import { entityClass, measure, missedTargets, toDetectorLine, type DetectorLine } from '../../../eval/real/metrics.js';

const failed = (address: string, pid: number, user = 'root'): string =>
  `Nov  2 10:00:00 bastion sshd[${pid}]: Failed password for ${user} from ${address} port 4000 ssh2`;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
/** `count` brute-forcing addresses 203.0.113.1.., 10 failures each, one connection per failure. */
const bruteForce = (count: number): string[] =>
  range(count).flatMap((a) => range(10).map((i) => failed(`203.0.113.${a + 1}`, 1000 * a + i)));
const ownerLogin = (n: number): string[] =>
  range(n).map((i) => `Nov  2 11:00:00 bastion sshd[${90000 + i}]: Accepted publickey for dana from 198.51.100.1 port 5000 ssh2`);
const cron = (n: number): string[] =>
  range(n).map((i) => `Nov  2 12:00:00 bastion CRON[${80000 + i}]: pam_unix(cron:session): session opened for user root by (uid=0)`);

const quiet: DetectorLine = { timestamp: '2026-11-02T10:00:00.000Z', decoded: 'x/failure' };
const flag = (entity: string, score: number): DetectorLine => ({
  ...quiet,
  anomaly: { key: entity, score, level: 'high', reasons: [`reason of ${entity}`] },
});
/** Flags line `i` when `pick(i)` gives an entity and score. */
function detector(truth: GroundTruth, pick: (i: number) => [string, number] | undefined): DetectorLine[] {
  return range(truth.lines).map((i) => {
    const chosen = pick(i);
    return chosen === undefined ? quiet : flag(...chosen);
  });
}

t.test('ranks entities as the table does (risk, then events) and counts attackers and legitimate actors in the top 10', async (t) => {
  const truth = groundTruth([...bruteForce(12), ...ownerLogin(5)]);
  // Attackers 1..12: one flagged event each, risk falling with the address; the owner's address two events between the 5th and the 6th.
  const lines = detector(truth, (i) =>
    i < 120
      ? i % 10 === 0
        ? [`source.ip=203.0.113.${i / 10 + 1}`, 1 - i / 1000]
        : undefined
      : i < 122
        ? ['source.ip=198.51.100.1', 0.955]
        : undefined,
  );
  const metrics = measure(truth, lines);
  t.same(metrics.top.map((row) => row.entity).slice(0, 7), [
    'source.ip=203.0.113.1',
    'source.ip=203.0.113.2',
    'source.ip=203.0.113.3',
    'source.ip=203.0.113.4',
    'source.ip=203.0.113.5',
    'source.ip=198.51.100.1',
    'source.ip=203.0.113.6',
  ]);
  t.equal(metrics.top.length, 10);
  t.equal(metrics.topAttackers, 9);
  t.equal(metrics.topLegitimate, 1);
  t.equal(metrics.topRequired, 9);
  t.same(missedTargets(metrics), ['1 legitimate actors in the top 10']);
});

t.test('needs all top entities to be attackers when fewer than 10 are flagged, never more than there are attackers', async (t) => {
  const truth = groundTruth([...bruteForce(3), ...cron(600)]);
  const three = measure(
    truth,
    detector(truth, (i) => (i < 30 && i % 10 === 0 ? [`source.ip=203.0.113.${i / 10 + 1}`, 0.9] : undefined)),
  );
  t.equal(three.topRequired, 3);
  t.same(missedTargets(three), []);
  const withNoise = measure(
    truth,
    detector(truth, (i) => (i === 0 ? ['source.ip=203.0.113.1', 0.9] : i === 40 ? ['host.hostname=bastion', 0.8] : undefined)),
  );
  t.equal(withNoise.topRequired, 2);
  t.equal(withNoise.topAttackers, 1);
  t.match(missedTargets(withNoise), ['1 attackers in the top 2, need 2', /^1\/3 brute-forcers flagged at least once/]);
});

t.test('benign events flagged per 10k, and the target checked only on enough benign events', async (t) => {
  const truth = groundTruth([...bruteForce(1), ...cron(1000)]);
  const metrics = measure(
    truth,
    detector(truth, (i) => (i < 10 || i === 10 || i === 11 || i === 12 ? ['source.ip=203.0.113.1', 0.9] : undefined)),
  );
  t.same(metrics.benign, { events: 1000, flagged: 3, per10k: 30 });
  t.same(missedTargets(metrics), ['30.0 benign events flagged per 10k > 20']);
  const small = groundTruth([...bruteForce(1), ...cron(10)]);
  const few = measure(
    small,
    detector(small, (i) => (i <= 10 ? ['source.ip=203.0.113.1', 0.9] : undefined)),
  );
  t.equal(few.benign.per10k, 1000);
  t.same(missedTargets(few), [], 'fewer than 500 benign events: shown, not checked');
});

t.test('coverage: the share of attackers with at least one flagged event, whatever entity the event names', async (t) => {
  const truth = groundTruth([...bruteForce(10), ...cron(10)]);
  const metrics = measure(
    truth,
    detector(truth, (i) => (i < 90 && i % 10 === 9 ? ['user.name=root', 0.9] : undefined)),
  );
  t.same(metrics.coverage['brute-forcer'], { actors: 10, flagged: 9, share: 0.9, missed: ['ip:203.0.113.10'] });
  t.equal(metrics.coverage.scanner.actors, 0);
  t.same(missedTargets(metrics), []);
});

t.test('an account is an attacker when attackers raised its flags, legitimate when its owners did', async (t) => {
  const truth = groundTruth([
    ...bruteForce(1),
    ...cron(3),
    'Nov  2 13:00:00 bastion sshd[7]: Failed password for invalid user guest from 203.0.113.200 port 1 ssh2',
  ]);
  t.equal(entityClass('user.name=root', ['attack', 'attack', 'gray'], truth), 'attacker');
  t.equal(entityClass('user.name=root', ['attack', 'benign', 'benign'], truth), 'legitimate');
  t.equal(entityClass('user.name=root', ['attack', 'attack', 'benign'], truth), 'other');
  t.equal(entityClass('user.name=guest', ['gray'], truth), 'gray');
  t.equal(entityClass('source.ip=203.0.113.1', ['benign'], truth), 'attacker', 'an address is what its actor is');
  t.equal(entityClass('source.ip=192.0.2.77', ['benign'], truth), 'other');
  t.equal(entityClass('host.hostname=bastion', ['attack', 'attack'], truth), 'attacker');
  t.equal(entityClass('host.hostname=bastion', ['attack', 'benign'], truth), 'other');
});

t.test('reads the figures it needs from a siemad event', async (t) => {
  const flagged = toDetectorLine({
    '@timestamp': '2026-11-02T10:00:00.000Z',
    event: { action: 'ssh-login', outcome: 'failure', kind: 'event', created: '', original: '', dataset: 'sshd' },
    anomaly: {
      is_anomaly: true,
      score: 0.9,
      level: 'critical',
      model_scores: {},
      reasons: ['many failures'],
      model_version: 'x',
      entity: 'source.ip=203.0.113.1',
    },
  });
  t.same(flagged, {
    timestamp: '2026-11-02T10:00:00.000Z',
    decoded: 'ssh-login/failure',
    anomaly: { key: 'source.ip=203.0.113.1', score: 0.9, level: 'critical', reasons: ['many failures'] },
  });
  t.same(
    toDetectorLine({
      '@timestamp': 'T',
      anomaly: { is_anomaly: false, score: 0.1, level: 'none', model_scores: {}, reasons: [], model_version: 'x' },
    }),
    { timestamp: 'T', decoded: '-' },
  );
});

t.test('refuses detector output that does not line up with the file', async (t) => {
  const truth = groundTruth(cron(3));
  t.throws(() => measure(truth, [quiet, quiet]), /3 lines but 2 detector events/);
});
