import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { WINDOW_SCRIPT_FILE, WINDOW_SCRIPT_PRELUDE, windowScript } from '../../../scorer/windows/redis-script.js';
import { requireBinary, requireService } from '../../helpers/services.js';

// Redis runs Lua 5.1: its compiler catches a syntax error here instead of at a collector's start.
t.test('the Redis window script compiles with Lua 5.1, alone and with its prelude', async (t) => {
  const luac = await requireService(t, 'luac5.1', async () => requireBinary('luac5.1', 'install the lua5.1 package'));
  if (luac === undefined) return;
  const check = (source: string) => spawnSync(luac, ['-p', '-'], { input: source, encoding: 'utf8' });
  for (const [name, source] of [
    ['window-ops.lua', readFileSync(WINDOW_SCRIPT_FILE, 'utf8')],
    ['prelude + window-ops.lua', windowScript()],
  ] as const) {
    const result = check(source);
    t.equal(result.status, 0, `${name}: ${result.stderr.trim() || 'compiles'}`);
  }
  t.ok(windowScript().startsWith(WINDOW_SCRIPT_PRELUDE), 'the prelude comes first');
  const broken = check(`${windowScript()}\nlocal function (`);
  t.not(broken.status, 0, 'and the check does catch a syntax error');
  t.match(broken.stderr, /stdin/);
});
