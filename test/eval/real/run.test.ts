import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ensureBuilt, REPO_ROOT } from '../../helpers/siemad.js';

const RUN = join(REPO_ROOT, 'dist', 'eval', 'real', 'run.js');
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const clock = (second: number): string =>
  `${String(10 + Math.floor(second / 3600)).padStart(2, '0')}:${String(Math.floor(second / 60) % 60).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}`;

/** Two brute-forcers, an owner's logins, cron: an hour of a small host's auth log. */
function authLog(): string {
  const lines: string[] = [];
  for (const a of [1, 2])
    for (const i of range(30))
      lines.push(
        `Nov  2 ${clock(a * 600 + i)} bastion sshd[${a * 100 + i}]: Failed password for root from 203.0.113.${a} port ${40000 + i} ssh2`,
      );
  for (const i of range(3))
    lines.push(
      `Nov  2 ${clock(2000 + i * 600)} bastion sshd[${900 + i}]: Accepted publickey for dana from 198.51.100.1 port ${50000 + i} ssh2`,
    );
  for (const i of range(6))
    lines.push(`Nov  2 ${clock(i * 600 + 1)} bastion CRON[${700 + i}]: pam_unix(cron:session): session opened for user root by (uid=0)`);
  lines.sort((a, b) => (a.slice(7, 15) < b.slice(7, 15) ? -1 : 1));
  return `${lines.join('\n')}\n`;
}

t.test('evaluates files given with --files through the real CLI, prints the figures and writes diagnostics', async (t) => {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'eval-real-'));
  const file = join(dir, 'small-host.log');
  writeFileSync(file, authLog());
  const result = spawnSync(process.execPath, [RUN, '--files', file, '--work-dir', dir], { encoding: 'utf8' });
  t.match(result.stdout, /small-host\.log: 69 lines \(auth 69\)/);
  t.match(result.stdout, /actors: 2 attackers \(2 brute-forcers, 0 scanners\), 3 legitimate, 0 gray/, 'the owner address, dana and root');
  t.match(result.stdout, /\| small-host\.log \| 69 \| 2 \(2 \/ 0\) \| 3 \| 0 \|/);
  t.match(result.stderr, /eval:real: small-host\.log: 69 lines, siemad analyze/);
  t.match(
    result.stdout,
    /alerts \(--alert-level high, --alert-window 24 h\): [\d.]+ anomalies and 2\.0 alerts per day, 1\.00 alerts per attacker \(2 of 2 attackers alerted\), 0\.00 benign alerts per day/,
    'one alert per brute-forcer',
  );
  t.match(result.stdout, /\| small-host\.log \| 1\.0 \| [\d.]+ \| 2\.0 \| 2 of 2 \| 1\.00 \| 0\.00 \|/, 'the alert table');
  const missed = result.stdout.includes('TARGET MISSED');
  t.equal(result.status, missed ? 1 : 0, 'exit status 1 exactly when a target is missed');
  t.ok(existsSync(join(dir, 'small-host.log.diagnostics.txt')));
  t.match(readFileSync(join(dir, 'small-host.log.diagnostics.txt'), 'utf8'), /brute-forcers missed \(no event flagged\): \d of 2/);
});

t.test('without a corpus, says so in one line and exits 2', async (t) => {
  ensureBuilt();
  const result = spawnSync(process.execPath, [RUN, '--corpus-dir', join(tmpdir(), 'no-such-corpus-dir')], { encoding: 'utf8' });
  t.equal(result.status, 2);
  t.equal(result.stderr.trim().split('\n').length, 1);
  t.match(result.stderr, /no log files at .*no-such-corpus-dir/);
  t.equal(result.stdout, '');
});
