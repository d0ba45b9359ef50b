import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { lockEmbeddedDirectory } from '../../postgres/embedded-lock.js';

t.test('the embedded database directory is locked to one live process', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'siemad-lock-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const directory = join(root, 'postgres');
  const lockFile = `${directory}.lock`;

  const release = lockEmbeddedDirectory(directory);
  t.equal(fs.readFileSync(lockFile, 'utf8'), `${process.pid}\n`, 'holds our PID');
  release();
  t.notOk(fs.existsSync(lockFile), 'released');

  const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.teardown(() => holder.kill());
  fs.writeFileSync(lockFile, `${holder.pid}\n`);
  t.throws(
    () => lockEmbeddedDirectory(directory),
    { code: 'SIEMAD_DATABASE_UNAVAILABLE', message: new RegExp(`is open in process ${holder.pid} \\(a running siemad serve\\?\\)`) },
    'refused while the holder lives',
  );
  t.equal(fs.readFileSync(lockFile, 'utf8'), `${holder.pid}\n`, 'the holder keeps its lock');

  const gone = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();
  fs.writeFileSync(lockFile, `${gone}\n`);
  const takeover = lockEmbeddedDirectory(directory);
  t.equal(fs.readFileSync(lockFile, 'utf8'), `${process.pid}\n`, 'a lock of a process that is gone (a crash) is taken over');
  takeover();
});
