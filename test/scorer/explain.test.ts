/**
 * Reasons, entities, kinds and actions (scorer/explain.ts): a reason names a feature only beyond
 * the benign 99th percentile as quoted, and the "normal" it quotes never holds the value it shows.
 */
import t from 'tap';
import type { EcsEvent } from '../../collector/ecs/event.js';
import { F, FAMILIES, FAMILY_FEATURES, FEATURES } from '../../scorer/features/definitions.js';
import {
  anomalyEntity,
  detectionKind,
  entityOf,
  isAbnormal,
  reasonText,
  recommendedAction,
  type ReasonContext,
} from '../../scorer/explain.js';
import { loadSidecar, type FamilyFeature } from '../../scorer/model/sidecar.js';
import { decodeLines } from '../helpers/events.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { MODEL_DIR } from '../helpers/models.js';
import { quotedRange } from '../helpers/reasons.js';

const stats = (p99: number): FamilyFeature => ({
  name: 'x',
  transform: 'none',
  center: 0,
  scale: 1,
  p50: 0,
  p90: p99 / 2,
  p99,
  max: p99 * 2,
});

const [failure, useradd, sudo] = decodeLines([
  '2026-11-02T09:14:00+00:00 bastion sshd[12]: Failed password for alice from 203.0.113.9 port 4000 ssh2',
  '2026-11-02T03:05:00+00:00 bastion useradd[13]: new user: name=mallory, UID=0, GID=0, home=/root, shell=/bin/bash',
  '2026-11-02T09:20:00+00:00 bastion sudo: carol : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/carol ; USER=root ; COMMAND=/bin/bash',
]) as [EcsEvent, EcsEvent, EcsEvent];
const fromAddress: ReasonContext = { event: failure, ip: '203.0.113.9' };

t.test('a value is abnormal only above the benign p99 as displayed', async (t) => {
  t.notOk(isAbnormal(2, stats(2)), 'at an integer p99');
  t.ok(isAbnormal(3, stats(2)), 'one above it');
  t.notOk(isAbnormal(2, stats(2.7)), 'a whole count below a fractional p99 of 2.7 (shown as ≤ 2.7)');
  t.ok(isAbnormal(3, stats(2.7)));
  t.notOk(isAbnormal(12, stats(12.6)), 'p99 ≥ 10 is shown as a whole number: 12.6 → ≤ 12');
  t.ok(isAbnormal(13, stats(12.6)));
  t.notOk(isAbnormal(0.5, stats(0.567)), 'below two decimals of the bound');
  t.ok(isAbnormal(0.6, stats(0.567)), 'above ≤ 0.56');
  t.notOk(isAbnormal(1_000, undefined), 'a feature without benign statistics is never a reason');
  t.notOk(isAbnormal(0, stats(0)), 'a flag that is off');
  t.ok(isAbnormal(1, stats(0)), 'a flag benign traffic never sets');
});

t.test('every reason that quotes a normal range shows a value above it (all features, random bounds)', async (t) => {
  const random = seededRandom(9);
  const bounds = [0, 1, 2, 2.7, 0.567, 9.999, 10, 12.6, 150.25];
  for (let i = 0; i < 40; i++) bounds.push(Math.round(random() * 3000) / 100);
  const inside: string[] = [];
  let checked = 0;
  for (let feature = 0; feature < FEATURES.length; feature++) {
    for (const p99 of bounds) {
      // Values on both sides of the bound; counts and flags are whole, scores (rarities) continuous
      // and so may lie within display rounding of the bound.
      const whole = FEATURES[feature]!.kind === 'count' || FEATURES[feature]!.kind === 'flag';
      const near = whole
        ? [Math.floor(p99) - 1, Math.floor(p99), Math.floor(p99) + 1, Math.ceil(p99), Math.floor(p99) + 5]
        : [p99 - 1, p99 - 0.004, p99, p99 + 0.001, p99 + 0.004, p99 + 0.006, p99 + 0.5, p99 + 1, Math.floor(p99) + 1];
      for (const value of near) {
        if (value < 0 || !isAbnormal(value, stats(p99))) continue;
        const text = reasonText(feature, value, fromAddress, stats(p99));
        const shown = quotedRange(text);
        if (shown === undefined) continue;
        checked++;
        if (!(shown[0] > shown[1])) inside.push(`${FEATURES[feature]!.name} value ${value}, p99 ${p99}: ${text}`);
      }
    }
  }
  t.ok(checked > 500, `${checked} reasons with a quoted range checked`);
  t.strictSame(inside, [], 'no reason quotes a range that holds the value it shows');
});

t.test('the committed models: a reason quotes the family p99 shown as a bound, and the value beyond it', async (t) => {
  const sidecar = loadSidecar(MODEL_DIR);
  const spec = sidecar.families.auth;
  const j = FAMILY_FEATURES.auth.indexOf(F.auth_fail_ip_10m);
  const p99 = spec.features[j]!.p99;
  const bound = Math.floor(p99);
  t.notOk(isAbnormal(bound, spec.features[j]), `${bound} failures in 10 min is within benign traffic`);
  t.ok(isAbnormal(bound + 1, spec.features[j]));
  t.equal(
    reasonText(F.auth_fail_ip_10m, 42, fromAddress, spec.features[j]),
    `42 failed login attempts from 203.0.113.9 in 10 min (normal: ≤ ${bound})`,
  );
});

t.test('reason texts name the address, the user, the host and the hour of the event', async (t) => {
  t.equal(reasonText(F.users_tried_ip_1h, 9, fromAddress, stats(2)), '9 different user names tried from 203.0.113.9 in 1 h (normal: ≤ 2)');
  t.equal(
    reasonText(F.fail_ips_user_1h, 14, fromAddress, stats(3)),
    'failed logins for alice from 14 different addresses in 1 h (normal: ≤ 3)',
  );
  t.equal(
    reasonText(F.failure_burst_before_success, 5, fromAddress, stats(0)),
    'successful login of alice from 203.0.113.9 after 7 failed attempts from it in the last hour',
    'the two typo failures are added back',
  );
  t.equal(
    reasonText(F.hosts_ip_30m, 4, fromAddress, stats(1)),
    '7 different addresses probed by 203.0.113.9 in 30 min (normal: ≤ 4)',
    'the three service hosts are added back on both sides',
  );
  t.equal(
    reasonText(F.login_hour_rarity_user, 4.5, fromAddress, stats(1.25)),
    'login of alice at 09:14 UTC is unusual for them (rarity 4.50 (normal rarity: ≤ 1.25))',
  );
  t.equal(
    reasonText(F.account_created_uid0, 1, { event: useradd, ip: undefined }, stats(0)),
    'account mallory created with UID 0 (root privileges) on bastion',
  );
  t.equal(
    reasonText(F.sudo_fail_user_1h, 3, { event: sudo, ip: undefined }, stats(0)),
    '3 failed sudo attempts by carol in 1 h (normal: ≤ 0)',
  );
  t.equal(
    reasonText(F.auth_fail_ip_1h, 5, { event: useradd, ip: undefined }, stats(1)),
    '5 failed login attempts from the source in 1 h (normal: ≤ 1)',
    'no address: says "the source"',
  );
  t.equal(reasonText(F.sqli_score, 1, fromAddress, stats(0)), 'SQL injection patterns in the URL (1 pattern)');
  t.equal(reasonText(F.sqli_score, 3, fromAddress, stats(0)), 'SQL injection patterns in the URL (3 patterns)');
});

t.test('the entity is the subject of the strongest reason: address, account, account changed or host', async (t) => {
  t.equal(anomalyEntity(F.auth_fail_ip_10m, fromAddress), 'source.ip=203.0.113.9', 'a burst of failures is about the address');
  t.equal(anomalyEntity(F.fail_ips_user_1h, fromAddress), 'user.name=alice', 'failures from many addresses are about the account');
  t.equal(
    anomalyEntity(F.account_created_uid0, { event: useradd, ip: undefined }),
    'user.target.name=mallory',
    'a creation is about the account created',
  );
  t.equal(anomalyEntity(F.activity_hour_rarity_host, fromAddress), 'host.hostname=bastion', 'an unusual hour on a host is about the host');
  t.equal(anomalyEntity(F.sudo_fail_user_1h, { event: sudo, ip: undefined }), 'user.name=carol');
  for (let feature = 0; feature < FEATURES.length; feature++) {
    const subject = FEATURES[feature]!.subject;
    const expected = subject === 'user' ? 'user.name=alice' : subject === 'host' ? 'host.hostname=bastion' : 'source.ip=203.0.113.9';
    if (subject !== 'target') t.equal(anomalyEntity(feature, fromAddress), expected, `${FEATURES[feature]!.name} (${subject})`);
  }
});

t.test('without the subject on the event the entity falls back to the address, then the user, then the host', async (t) => {
  t.equal(entityOf('target', fromAddress), 'source.ip=203.0.113.9', 'no target account on a login failure');
  t.equal(entityOf('user', { event: useradd, ip: undefined }), 'host.hostname=bastion', 'useradd names no acting user');
  t.equal(entityOf(undefined, { event: sudo, ip: undefined }), 'user.name=carol');
  const bare = decodeLines(['not a syslog line at all'])[0]!;
  t.equal(entityOf('source', { event: bare, ip: undefined }), undefined, 'nothing to name');
});

t.test('detection kinds follow the strongest reason; first sight of an address depends on the family', async (t) => {
  t.equal(detectionKind(F.auth_fail_ip_10m, 'auth'), 'brute_force');
  t.equal(detectionKind(F.users_tried_ip_1h, 'auth'), 'password_spraying');
  t.equal(detectionKind(F.fail_ips_user_surge, 'auth'), 'distributed_brute_force');
  t.equal(detectionKind(F.failure_burst_before_success, 'auth'), 'compromise');
  t.equal(detectionKind(F.account_created_uid0, 'privilege'), 'account_change');
  t.equal(detectionKind(F.ports_ip_1m, 'firewall'), 'port_scan');
  t.equal(detectionKind(F.sqli_score, 'web'), 'web_attack');
  t.equal(detectionKind(F.new_ip, 'auth'), 'new_login_source');
  t.equal(detectionKind(F.new_ip, 'firewall'), 'port_scan');
  t.equal(detectionKind(F.new_ip, 'web'), 'web_scan');
  t.equal(detectionKind(F.is_auth, 'auth'), 'unusual_combination', 'a feature no kind is known for');
  // Every feature a family model reads has a kind of its own, except the family flags.
  for (const family of FAMILIES) {
    for (const feature of FAMILY_FEATURES[family])
      t.not(detectionKind(feature, family), 'unusual_combination', `${family}: ${FEATURES[feature]!.name}`);
  }
});

t.test('recommended actions name the address or the account to act on', async (t) => {
  t.match(recommendedAction(F.auth_fail_ip_10m, fromAddress), /^Block 203\.0\.113\.9 /);
  t.match(recommendedAction(F.failure_burst_before_success, fromAddress), /confirm the login with alice.*from 203\.0\.113\.9/);
  t.match(recommendedAction(F.fail_ips_user_1h, fromAddress), /^Distributed attack on alice/);
  t.match(recommendedAction(F.account_created_uid0, { event: useradd, ip: undefined }), /account mallory/);
  t.equal(recommendedAction(F.is_web, fromAddress), 'Review the event and its entity in context');
});
