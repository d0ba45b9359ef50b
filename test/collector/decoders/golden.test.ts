/**
 * Golden files (Beats-style): every line of `golden/NAME.log` must give exactly the event stored
 * on the same line of `golden/NAME.expected.ndjson`. After an intended change, regenerate them with
 * `npm run golden:update` and review the diff. The fixtures are anonymised copies of real message
 * shapes: every address in them must be a documentation, private or loopback address.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import ipaddr from 'ipaddr.js';
import t from 'tap';
import { expectedName, fixtureLines, GOLDEN_DIR, goldenEvent, goldenLogs } from '../../../scripts/golden.js';

const DOCUMENTATION_RANGES = [
  '192.0.2.0/24',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '2001:db8::/32',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '127.0.0.0/8',
  '::1/128',
].map((cidr) => ipaddr.parseCIDR(cidr));

function isDocumentationAddress(ip: string): boolean {
  const address = ipaddr.process(ip);
  return DOCUMENTATION_RANGES.some(([range, bits]) => address.kind() === range.kind() && address.match(range, bits));
}

const logs = goldenLogs();

t.test('there is a golden file for every decoder family', async (t) => {
  for (const name of [
    'sshd-debian',
    'sshd-rhel',
    'sshd-session',
    'pam',
    'sudo',
    'su',
    'accounts',
    'cron',
    'logind',
    'nginx-access',
    'apache-access',
    'netfilter',
    'fail2ban',
  ]) {
    t.ok(logs.includes(`${name}.log`), `${name}.log`);
  }
});

for (const logName of logs) {
  t.test(`${logName} decodes to ${expectedName(logName)}`, async (t) => {
    const expectedPath = join(GOLDEN_DIR, expectedName(logName));
    if (!existsSync(expectedPath)) {
      t.fail(`${expectedName(logName)} is missing: run npm run golden:update`);
      return;
    }
    const lines = fixtureLines(readFileSync(join(GOLDEN_DIR, logName), 'utf8'));
    const expected = fixtureLines(readFileSync(expectedPath, 'utf8')).map((line) => JSON.parse(line) as Record<string, unknown>);
    t.equal(expected.length, lines.length, 'one expected event per line (npm run golden:update)');
    for (const [seq, line] of lines.entries()) {
      t.strictSame(goldenEvent(logName, line, seq), expected[seq], `line ${seq + 1}: ${line.slice(0, 100)}`);
    }
  });

  t.test(`${logName} holds no real address`, async (t) => {
    const lines = fixtureLines(readFileSync(join(GOLDEN_DIR, logName), 'utf8'));
    for (const [seq, line] of lines.entries()) {
      for (const ip of (goldenEvent(logName, line, seq).related as { ip?: string[] } | undefined)?.ip ?? []) {
        t.ok(isDocumentationAddress(ip), `line ${seq + 1}: ${ip} is a documentation, private or loopback address`);
      }
    }
  });
}
