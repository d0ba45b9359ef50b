/**
 * What rsyslog does to a locally logged message when it forwards it: the CONTENT keeps the SP that
 * followed the tag, so RFC 5424 output reads `... - -  BODY` and some relays pad RFC 3164 content
 * too. The padded message must decode to the same event as the unpadded one, with a trimmed
 * `message`.
 */
import t from 'tap';
import type { EcsEvent } from '../../collector/ecs/event.js';
import { defaultObserver, normalize } from '../../collector/normalize.js';
import type { RawMessage } from '../../collector/raw-message.js';

const context = { timeZone: 'UTC', observer: defaultObserver('test') };

function normalizeText(text: string): EcsEvent {
  const raw: RawMessage = {
    text,
    transport: 'tcp',
    peerAddress: '127.0.0.1',
    peerPort: 5140,
    receivedAt: Date.UTC(2026, 11, 4, 10, 0, 5),
    connectionId: 1,
    seq: 0,
    truncated: false,
    size: text.length,
  };
  return normalize(raw, context);
}

/** The event without the fields that differ by construction between the variants. */
function comparable(event: EcsEvent): unknown {
  const { event: fields, log, ...rest } = event;
  const { original: _original, ...eventFields } = fields;
  const { syslog, ...logRest } = log;
  const { version: _version, ...syslogRest } = syslog ?? {};
  return { ...rest, event: eventFields, log: { ...logRest, syslog: syslogRest } };
}

const SAMPLES: Array<[tag: string, pid: string, body: string, action: string]> = [
  ['sshd', '812', 'Failed password for root from 192.0.2.10 port 40022 ssh2', 'ssh-login'],
  [
    'sshd',
    '812',
    'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.10  user=root',
    'pam-authentication-failure',
  ],
  ['sshd', '812', 'message repeated 2 times: [ Failed password for root from 192.0.2.10 port 40022 ssh2]', 'ssh-login'],
  ['useradd', '4711', 'new user: name=dovecot, UID=112, GID=120, home=/usr/lib/dovecot, shell=/usr/sbin/nologin', 'user-created'],
  ['nginx', '-', '198.51.100.4 - - [04/Dec/2026:10:00:00 +0000] "GET /login HTTP/1.1" 200 512 "-" "curl/8.5.0"', 'http-request'],
  ['sudo', '-', 'alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id', 'sudo-command'],
  ['CRON', '900', '(root) CMD (run-parts /etc/cron.hourly)', 'cron-command'],
];

for (const [tag, pid, body, action] of SAMPLES) {
  t.test(`${tag}: padded forwards decode like the unpadded message (${action})`, async (t) => {
    const tagWithPid = pid === '-' ? tag : `${tag}[${pid}]`;
    const reference = normalizeText(`<86>1 2026-12-04T10:00:00+00:00 host-a ${tag} ${pid} - - ${body}`);
    t.equal(reference.event.action, action, 'reference decodes');
    t.equal(reference.tags, undefined, 'reference untagged');
    const variants = [
      `<86>1 2026-12-04T10:00:00+00:00 host-a ${tag} ${pid} - -  ${body}`,
      `<86>1 2026-12-04T10:00:00+00:00 host-a ${tag} ${pid} - - \t ${body}`,
      `<86>1 2026-12-04T10:00:00.000000+00:00 host-a ${tag} ${pid} - - \uFEFF${body}`,
    ];
    for (const text of variants) {
      const event = normalizeText(text);
      t.strictSame(comparable(event), comparable(reference), JSON.stringify(text.slice(0, 70)));
      t.equal(event.message, body, 'message trimmed');
    }
    const bsd = normalizeText(`<86>Dec  4 10:00:00 host-a ${tagWithPid}:  ${body}`);
    t.equal(bsd.event.action, action, 'RFC 3164 with two spaces after the tag');
    t.equal(bsd.message, body);
    t.equal(bsd.host?.hostname, 'host-a');
    if (pid !== '-') t.equal(bsd.process?.pid, Number(pid), 'process.pid from the header');
  });
}
