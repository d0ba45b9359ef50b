import t from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAgainstFail2banRegex } from '../../../eval/baselines/fail2ban-regex-check.js';
import { generateStream } from '../../../eval/generator/generate-stream.js';
import { writeStreamFiles } from '../../../eval/stream-files.js';
import { requireBinary, requireService } from '../../helpers/services.js';

for (const site of [1, 2] as const) {
  t.test(`finds exactly the failures the real fail2ban-regex finds with fail2ban's sshd filter (site ${site})`, async (t) => {
    const binary = await requireService(t, 'fail2ban-regex', async () => requireBinary('fail2ban-regex', 'apt-get install fail2ban'));
    if (binary === undefined) return;
    const directory = await mkdtemp(join(tmpdir(), 'eval-fail2ban-'));
    t.teardown(() => rm(directory, { recursive: true, force: true }));
    // Site 2 has PAM-only and CentOS 7 forms, where fail2ban merges a connection's lines.
    const stream = generateStream({ site, seed: 8, days: 1.5, startTime: '2026-11-02T00:00:00Z' });
    const logFile = join(directory, 'stream.log');
    await writeStreamFiles(logFile, stream);
    const agreement = await checkAgainstFail2banRegex(logFile, stream.lines, { binary });
    t.ok(agreement.ours > 1_000, `${agreement.ours} failures`);
    t.equal(agreement.ours, agreement.fail2ban, 'same number of failures');
    t.same(agreement.onlyOurs, [], 'no failure that fail2ban does not see');
    t.same(agreement.onlyFail2ban, [], 'no failure that we miss');
  });
}
