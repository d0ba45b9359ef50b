/**
 * Crash recovery, with a real crash: a child process writes, reads and acknowledges at full speed
 * and is SIGKILLed mid-stream; the buffer is then reopened here.
 *
 * What is provable this way: SIGKILL ends the process but not the kernel, so every byte a
 * resolved append wrote is in the page cache and survives, whatever the fsync policy; a power
 * loss (what fsync guards against) cannot be simulated in a test. So the claims checked are:
 * every record whose append resolved and was never acknowledged comes back; none that the last
 * logged checkpoint covers comes back; records acknowledged after it may come back (that is the
 * re-delivery allowed) or not (a newer checkpoint landed just before the kill and its event was
 * not logged yet, or their segment was fully acknowledged and deleted); order holds and nothing
 * is duplicated within the delivery.
 */
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drain, openBuffer, settlesWithin } from './fixtures/buffer.js';

const CHILD = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));

interface ChildLog {
  /** Records whose append had resolved. */
  readonly resolved: Set<number>;
  /** Acknowledged records, in ack order. */
  readonly acked: number[];
  /** How many of `acked` the last checkpoint on disk holds. */
  readonly checkpointed: number;
  readonly checkpoints: number;
}

function parseLog(text: string): ChildLog {
  const log = { resolved: new Set<number>(), acked: [] as number[], checkpointed: 0, checkpoints: 0 };
  const lines = text.split('\n');
  lines.pop(); // an unfinished last line (none is expected: each line is one write)
  for (const line of lines) {
    const [kind, ...numbers] = line.split(' ');
    const values = numbers.map(Number);
    if (kind === 'A') for (let seq = values[0] as number; seq <= (values[1] as number); seq++) log.resolved.add(seq);
    else if (kind === 'K') log.acked.push(...values);
    else if (kind === 'C') {
      log.checkpointed = values[0] as number;
      log.checkpoints++;
    }
  }
  return log;
}

async function runAndKill(t: Test, bufferDirectory: string, logPath: string, fsync: string): Promise<ChildLog> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, bufferDirectory, logPath, fsync], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<string | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the child exited early (${child.exitCode}): ${stderr}`);
    const log = parseLog(await readFile(logPath, 'utf8').catch(() => ''));
    if (log.resolved.size >= 5000 && log.checkpoints >= 3 && log.checkpointed > 0) break;
    if (Date.now() > deadline) throw new Error(`the child made too little progress: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // Somewhere in the middle of appends, reads, acks and checkpoints.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
  process.kill(child.pid as number, 'SIGKILL');
  t.equal(await exited, 'SIGKILL', 'the child was killed, not finished');
  return parseLog(await readFile(logPath, 'utf8'));
}

for (const fsync of ['interval', 'always']) {
  t.test(`after SIGKILL (fsync ${fsync}) no resolved record is lost and only acks after the last checkpoint come again`, async (t) => {
    const directory = t.testdir();
    const bufferDirectory = join(directory, 'buffer');
    const log = await runAndKill(t, bufferDirectory, join(directory, 'child.log'), fsync);
    const checkpointed = new Set(log.acked.slice(0, log.checkpointed));
    t.ok(checkpointed.size > 0 && log.resolved.size > checkpointed.size, 'the kill came with work in every state');

    const buffer = await openBuffer(t, bufferDirectory, {
      maxRecordBytes: 4096,
      segmentMaxBytes: 1024 * 1024,
      maxTotalBytes: 8 * 1024 * 1024,
    });
    t.ok(buffer.recovery.events > 0);
    const delivered = await drain(buffer, buffer.recovery.events, 500);
    t.notOk(await settlesWithin(buffer.read(1, 1 << 20), 50), 'nothing beyond what recovery counted');

    const deliveredSet = new Set(delivered);
    const everAcked = new Set(log.acked);
    const lost = [...log.resolved].filter((seq) => !everAcked.has(seq) && !deliveredSet.has(seq));
    t.same(lost.slice(0, 20), [], `no resolved, unacknowledged record is lost (${lost.length} missing)`);
    const resurrected = delivered.filter((seq) => checkpointed.has(seq));
    t.same(resurrected.slice(0, 20), [], `no checkpointed record comes again (${resurrected.length})`);
    const ackedLater = new Set(log.acked.slice(log.checkpointed));
    const unexplained = delivered.filter((seq) => everAcked.has(seq) && !ackedLater.has(seq));
    t.same(unexplained, [], 'every acknowledged record that comes again was acknowledged after the last checkpoint');
    const outOfOrder = delivered.findIndex((seq, i) => i > 0 && seq <= (delivered[i - 1] as number));
    t.equal(outOfOrder, -1, 'delivered in append order, each once');
    const highestResolved = Math.max(...log.resolved);
    t.ok(
      delivered.every((seq) => seq <= highestResolved + 10),
      'only records the child appended (at most its one unlogged append)',
    );
    const duplicates = delivered.filter((seq) => ackedLater.has(seq)).length;
    t.comment(
      `resolved ${log.resolved.size}, acked ${log.acked.length} (checkpointed ${checkpointed.size}), ` +
        `delivered again ${delivered.length}, of which ${duplicates} of the ${ackedLater.size} acked after the last checkpoint; ` +
        `corrupt spans ${buffer.recovery.corruptRecords}`,
    );
  });
}
