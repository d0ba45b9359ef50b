import t from 'tap';
import { Readable } from 'node:stream';
import { isFlaggedEvent, readDetectorFlags, readDetectorVerdicts } from '../../eval/detector-output.js';

const event = (anomaly: unknown): string =>
  JSON.stringify({ '@timestamp': '2026-11-02T09:14:03.123Z', message: 'x', ...(anomaly === undefined ? {} : { anomaly }) });

t.test('reads anomaly.is_anomaly of each event, in order; events without it are not flagged', async (t) => {
  const output =
    [
      event({ is_anomaly: true, score: 0.97, reasons: ['rare user'] }),
      event({ is_anomaly: false, score: 0.1 }),
      event(undefined),
      event({ is_anomaly: 'yes' }),
    ].join('\n') + '\n';
  t.same(await readDetectorFlags(Readable.from([output]), 4), [true, false, false, false]);
});

t.test('fails when the detector wrote more or fewer events than there were lines, or not JSON', async (t) => {
  await t.rejects(readDetectorFlags(Readable.from([`${event({ is_anomaly: true })}\n`]), 2), /1 events for 2 input lines/);
  t.throws(() => isFlaggedEvent('{"anomaly":', 7), /line 7 is not JSON/);
  t.throws(() => isFlaggedEvent('[1]', 3), /not a JSON object/);
});

t.test('keeps the action and first reason of each flagged event, by line index', async (t) => {
  const withAction = (action: string | undefined, anomaly: unknown): string =>
    JSON.stringify({ event: action === undefined ? {} : { action }, anomaly });
  const output = [
    withAction('ssh-login', { is_anomaly: true, reasons: ['14 failed logins for root in 1 h', 'second'] }),
    withAction('http-request', { is_anomaly: false, reasons: ['not flagged'] }),
    withAction(undefined, { is_anomaly: true, reasons: [] }),
  ].join('\n');
  const { flags, causes } = await readDetectorVerdicts(Readable.from([output]), 3);
  t.same(flags, [true, false, true]);
  t.same(
    [...causes],
    [
      [0, { action: 'ssh-login', reason: '14 failed logins for root in 1 h' }],
      [2, { action: '-', reason: '-' }],
    ],
  );
});
