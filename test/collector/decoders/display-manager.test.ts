import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { defaultObserver, normalize } from '../../../collector/normalize.js';
import type { RawMessage } from '../../../collector/raw-message.js';
import { decode, runCases, type Case } from './helpers.js';

const cases: Case[] = [
  {
    name: "gdm-binary Couldn't authenticate user",
    app: 'gdm-binary',
    body: "Couldn't authenticate user",
    expected: { event: { action: ACTIONS.displayManagerLogin, outcome: 'failure' } },
  },
];

runCases(t, cases);

t.test('kdm: the display and worker PID before the message are read, PAM sessions decoded', async (t) => {
  const opened = decode('kdm', ':0[5021]: pam_unix(kdm:session): session opened for user alice by (uid=0)');
  t.equal(opened.event.action, ACTIONS.pamSessionOpened);
  t.equal(opened.user?.name, 'alice');
  t.equal(opened.process?.pid, 4242, 'a PID from the header wins');
  const closed = decode('kdm', ':0[5021]: pam_unix(kdm:session): session closed for user alice');
  t.equal(closed.event.action, ACTIONS.pamSessionClosed);
  t.equal(decode('kdm', ':0[5021]: something else').event.action, undefined);
});

t.test('kdm: without a PID in the header, the worker PID becomes process.pid', async (t) => {
  const text = 'Jan  9 07:36:00 desk-1 kdm: :0[5021]: pam_unix(kdm:session): session opened for user alice by (uid=0)';
  const raw: RawMessage = {
    text,
    transport: 'file',
    peerAddress: 'auth.log',
    peerPort: 0,
    receivedAt: 0,
    connectionId: 1,
    seq: 0,
    truncated: false,
    size: text.length,
  };
  const event = normalize(raw, { timeZone: 'UTC', observer: defaultObserver('test') });
  t.strictSame(event.process, { name: 'kdm', pid: 5021 });
  t.equal(event.event.action, ACTIONS.pamSessionOpened);
});
