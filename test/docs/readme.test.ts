import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { ensureBuilt, REPO_ROOT } from '../helpers/siemad.js';

t.test('README documents every option, variable and metric the code defines', async (t) => {
  ensureBuilt();
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'scripts', 'config-table.js'), '--check'], { encoding: 'utf8' });
  t.equal(result.status, 0, result.stderr.trim() || 'README is current (npm run docs:config)');
});
