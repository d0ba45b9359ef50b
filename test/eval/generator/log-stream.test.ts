import t from 'tap';
import { BENIGN, LogStream } from '../../../eval/generator/log-stream.js';

const ATTACK = { kind: 'brute_force', episode: 'brute_force-1' } as const;
const second = (n: number): number => Date.UTC(2026, 10, 2) * 1000 + n * 1_000_000;

t.test('sorts lines by time, keeps emission order for equal times, and labels each line', async (t) => {
  const stream = new LogStream(second(0), second(100));
  stream.emit(second(5), 'web-01', 'sshd[2]', 'second', ATTACK);
  stream.emit(second(1), 'web-01', 'sshd[1]', 'first', BENIGN);
  stream.emit(second(5), 'web-01', 'sshd[3]', 'third', BENIGN);
  const { lines, labels } = stream.build({ reduceRepeats: true });
  t.same(lines, [
    '2026-11-02T00:00:01.000000+00:00 web-01 sshd[1]: first',
    '2026-11-02T00:00:05.000000+00:00 web-01 sshd[2]: second',
    '2026-11-02T00:00:05.000000+00:00 web-01 sshd[3]: third',
  ]);
  t.same(labels, [
    { line: 1, label: 'benign' },
    { line: 2, label: 'attack', kind: 'brute_force', episode: 'brute_force-1' },
    { line: 3, label: 'benign' },
  ]);
});

t.test('drops lines outside the window and rounds times to whole microseconds', async (t) => {
  const stream = new LogStream(second(10), second(20));
  stream.emit(second(9), 'h', 'x', 'before', BENIGN);
  stream.emit(second(20), 'h', 'x', 'at the end', BENIGN);
  stream.emit(second(15) + 0.6, 'h', 'x', 'inside', BENIGN);
  t.same(stream.build({ reduceRepeats: false }).lines, ['2026-11-02T00:00:15.000001+00:00 h x: inside']);
});

t.test("collapses two or more repeats into rsyslog's `message repeated N times`, labelled like the repeats", async (t) => {
  const stream = new LogStream(second(0), second(100));
  const failed = 'Failed password for root from 198.51.100.7 port 4000 ssh2';
  stream.emit(second(1), 'web-01', 'sshd[7]', failed, ATTACK);
  stream.emit(second(3), 'web-01', 'sshd[7]', failed, ATTACK);
  stream.emit(second(5), 'web-01', 'sshd[7]', failed, ATTACK);
  stream.emit(second(6), 'web-01', 'sshd[7]', 'Connection closed', ATTACK);
  stream.emit(second(7), 'web-01', 'sshd[8]', 'once', BENIGN);
  stream.emit(second(8), 'web-01', 'sshd[8]', 'once', BENIGN);
  stream.emit(second(9), 'web-02', 'sshd[8]', 'once', BENIGN);
  const { lines, labels } = stream.build({ reduceRepeats: true });
  t.same(lines, [
    `2026-11-02T00:00:01.000000+00:00 web-01 sshd[7]: ${failed}`,
    `2026-11-02T00:00:05.000000+00:00 web-01 sshd[7]: message repeated 2 times: [ ${failed}]`,
    '2026-11-02T00:00:06.000000+00:00 web-01 sshd[7]: Connection closed',
    '2026-11-02T00:00:07.000000+00:00 web-01 sshd[8]: once',
    '2026-11-02T00:00:08.000000+00:00 web-01 sshd[8]: once',
    '2026-11-02T00:00:09.000000+00:00 web-02 sshd[8]: once',
  ]);
  t.same(
    labels.map((label) => label.label),
    ['attack', 'attack', 'attack', 'benign', 'benign', 'benign'],
  );
  t.equal(stream.build({ reduceRepeats: false }).lines.length, 7, 'without reduction every line is written');
});
