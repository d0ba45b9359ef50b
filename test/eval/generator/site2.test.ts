import t from 'tap';
import { createHash } from 'node:crypto';
import { ATTACK_KINDS } from '../../../eval/labels.js';
import { generateStream, type GeneratedStream } from '../../../eval/generator/generate-stream.js';

const START = '2026-11-02T00:00:00Z';
const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})\+05:30 (mx1|app1|crm-old) ([A-Za-z][\w-]*(?:\[\d+\])?): (.*)$/;
const week = generateStream({ site: 2, seed: 1, days: 7, startTime: START });

/** UTC epoch ms of an IST line. */
const lineTime = (line: string): number => Date.parse(`${line.slice(0, 26)}+05:30`);
/** The hour of the day in IST. */
const localHour = (line: string): number => Number(line.slice(11, 13)) + Number(line.slice(14, 16)) / 60;

function where(stream: GeneratedStream, predicate: (line: string, attack: boolean) => boolean): string[] {
  return stream.lines.filter((line, i) => predicate(line, stream.labels[i]?.label === 'attack'));
}

const benign = where(week, (_, attack) => !attack);

t.test('the same seed gives the same bytes, another seed another stream, and site 1 is not touched', async (t) => {
  const again = generateStream({ site: 2, seed: 1, days: 7, startTime: START });
  t.ok(again.lines.length === week.lines.length && again.lines.every((line, i) => line === week.lines[i]), 'lines identical');
  t.same(again.labels, week.labels);
  t.same(again.episodes, week.episodes);
  const other = new Set(generateStream({ site: 2, seed: 2, days: 1, startTime: START }).lines);
  const sameDay = week.lines.filter((line) => lineTime(line) < Date.parse(START) + 86_400_000);
  t.ok(sameDay.filter((line) => other.has(line)).length < sameDay.length * 0.02, 'seed 2 shares almost no line with seed 1');
  // Site 1 is what the models are trained and evaluated on: change it only deliberately.
  const site1 = generateStream({ seed: 4, days: 1, startTime: START });
  t.equal(
    createHash('sha256').update(site1.lines.join('\n')).digest('hex').slice(0, 16),
    '1f72e913b0c91012',
    'site 1 (seed 4, one day) unchanged (changed deliberately: the geographic attack kinds)',
  );
});

t.test('every line is an rsyslog line in IST from one of three hosts, in time order, inside the window; labels align', async (t) => {
  const bad: string[] = [];
  let previous = 0;
  const end = Date.parse(START) + 7 * 86_400_000;
  for (const line of week.lines) {
    const time = lineTime(line);
    if (!LINE.test(line) || time < previous || time < Date.parse(START) || time >= end) bad.push(line);
    previous = time;
  }
  t.same(bad.slice(0, 3), []);
  t.ok(week.labels.every((label, i) => label.line === i + 1));
  t.ok(week.lines.length > 80_000 && week.lines.length < 200_000, `${week.lines.length} lines`);
});

t.test('every attack kind has its episodes, each in one kind, written through site 2 hosts', async (t) => {
  for (const kind of ATTACK_KINDS) t.equal(week.episodes.filter((episode) => episode.kind === kind).length, 4, kind);
  const night = week.episodes.filter((episode) => episode.kind === 'night_admin_login');
  for (const episode of night) {
    const hour = (new Date(episode.start).getUTCHours() + new Date(episode.start).getUTCMinutes() / 60 + 5.5) % 24;
    t.ok(hour < 5, `${episode.id} at ${hour.toFixed(2)} IST`);
  }
});

t.test('three sshd builds: PAM-only on mx1, sshd-session on app1, CentOS 7 forms on crm-old', async (t) => {
  const mx1 = week.lines.filter((line) => / mx1 sshd\[/.test(line));
  t.ok(mx1.some((line) => line.includes('error: PAM: Authentication failure for root from ')));
  t.notOk(
    mx1.some((line) => / Failed password /.test(line)),
    'no Failed password on a keyboard-interactive-only host',
  );
  t.ok(mx1.some((line) => / Failed keyboard-interactive\/pam for invalid user /.test(line)));
  // A valid account's connection with fewer than four failures names no Failed line at all.
  const quiet = mx1.filter((line) => /Disconnected from authenticating user root /.test(line)).length;
  t.ok(quiet > 20, `${quiet} root connections end with only PAM's word for their failures`);
  t.ok(week.lines.some((line) => / app1 sshd-session\[\d+\]: Accepted publickey for /.test(line)));
  t.notOk(
    week.lines.some((line) => / app1 sshd\[/.test(line)),
    'app1 logs per-connection lines as sshd-session',
  );
  const crm = week.lines.filter((line) => / crm-old sshd\[/.test(line));
  t.ok(crm.some((line) => / input_userauth_request: invalid user \S+ \[preauth\]$/.test(line)));
  t.ok(crm.some((line) => /POSSIBLE BREAK-IN ATTEMPT!$/.test(line)));
  t.notOk(
    crm.some((line) => /Disconnected from (invalid|authenticating) user/.test(line)),
    'OpenSSH 7.4 does not name the user there',
  );
  t.ok(
    week.lines.some((line) => / crm-old crond\[\d+\]: pam_unix\(crond:session\): session opened for user root by \(uid=0\)$/.test(line)),
  );
});

t.test(
  'the webmail: Apache vhost_combined in IST, a refresh every minute, session tokens, 401 after sleep then the login form',
  async (t) => {
    const webmail = benign.filter((line) => / mx1 apache2: mail\.kestrel\.example:(443|80) /.test(line));
    t.ok(webmail.every((line) => / \[\d\d\/Nov\/2026:\d\d:\d\d:\d\d \+0530\] "/.test(line)));
    const refreshes = webmail.filter((line) => line.includes('_action=refresh'));
    t.ok(refreshes.length > 8_000, `${refreshes.length} refreshes`);
    t.ok(
      webmail.some((line) => /_token=[A-Za-z0-9]{32}[& ]/.test(line)),
      'request tokens in queries',
    );
    const expired = webmail.findIndex((line) => /_action=refresh[^"]*" 401 /.test(line));
    t.ok(
      expired >= 0 && webmail.slice(expired, expired + 5).some((line) => line.includes('"GET /?_task=login&_err=session ')),
      'an expired session sends its user to the login form',
    );
    const typo = webmail.findIndex((line) => /"POST \/\?_task=login HTTP\/2\.0" 401 /.test(line));
    const client = webmail[typo]?.split(' ')[4] ?? '';
    const nextLogins = webmail.slice(typo + 1).filter((line) => line.split(' ')[4] === client && line.includes('"POST /?_task=login '));
    t.match(nextLogins.slice(0, 2).join('\n'), /HTTP\/2\.0" 302 /, `${client} mistyped a password, then typed the right one`);
    t.ok(
      benign.some((line) =>
        / mx1 apache2: mail\.kestrel\.example:80 ::1 - - .*"OPTIONS \* HTTP\/1\.0" 200 126 .*internal dummy connection/.test(line),
      ),
    );
  },
);

t.test('the project app: tokens in the query, polling every minute, 302 on login, 401 and 404 now and then', async (t) => {
  const app = benign.filter((line) => / app1 nginx: /.test(line) && !line.includes('192.0.2.80'));
  t.ok(app.filter((line) => /GET \/api\/v1\/notifications\?since=\d+&token=[0-9a-f]{40} /.test(line)).length > 3_000);
  t.ok(app.some((line) => /"POST \/login HTTP\/2\.0" 302 /.test(line)));
  t.ok(
    app.some((line) => /\/api\/v1\/notifications\?[^"]*" 401 /.test(line)),
    'an idle token refused',
  );
  t.ok(
    app.some((line) => /\/api\/v1\/items[^"]*" 404 /.test(line)),
    'a deleted item or a page past the end',
  );
  t.ok(
    app.some((line) => /\/files\/[0-9a-f-]{36}\/download\?expires=\d+&signature=[0-9a-f]{64} /.test(line)),
    'signed download URLs',
  );
});

t.test('the monitor checks HTTP and SSH every minute from one address', async (t) => {
  const day = benign.filter((line) => line.startsWith('2026-11-03T'));
  const http = day.filter((line) => / mx1 apache2: .* 192\.0\.2\.80 - - .*Uptime-Kuma/.test(line)).length;
  const ssh = day.filter((line) => / mx1 sshd\[\d+\]: Connection closed by 192\.0\.2\.80 port \d+ \[preauth\]$/.test(line)).length;
  t.ok(http >= 1_430 && http <= 1_441, `${http} HTTP checks of the webmail in a day`);
  t.ok(ssh >= 1_430 && ssh <= 1_441, `${ssh} SSH checks of mx1 in a day`);
  t.ok(day.some((line) => / crm-old sshd\[\d+\]: Did not receive identification string from 192\.0\.2\.80 port \d+$/.test(line)));
});

t.test('package installs create system accounts: low UID, no login shell (postgres aside), from=none without a session', async (t) => {
  const created = benign
    .map((line) => /useradd\[\d+\]: new user: name=(\S+), UID=(\d+), GID=\d+, home=\S+, shell=(\S+?)(?:, from=(\S+))?$/.exec(line))
    .filter((m) => m !== null);
  t.ok(created.length >= 3, `${created.length} accounts`);
  for (const m of created) {
    t.ok(Number(m[2]) < 1000, `${m[1]} has system UID ${m[2]}`);
    t.ok(/nologin|false/.test(m[3] ?? '') || m[1] === 'postgres', `${m[1]} shell ${m[3]}`);
  }
  t.ok(benign.some((line) => /groupadd\[\d+\]: group added to \/etc\/group: name=\S+, GID=\d+$/.test(line)));
});

t.test("UFW drops the staff's own late segments and IMAP/HTTP retries as well as the internet's packets", async (t) => {
  const ufw = benign.filter((line) => line.includes('[UFW BLOCK]'));
  t.ok(
    ufw.every((line) => / kernel: \[ *\d+\.\d{6}\] \[UFW BLOCK\] IN=eth0 /.test(line)),
    'printk times',
  );
  t.ok(ufw.some((line) => /DPT=993 WINDOW=\d+ RES=0x00 ACK FIN URGP=0 $/.test(line)));
  t.ok(ufw.some((line) => /DPT=443 WINDOW=\d+ RES=0x00 (ACK PSH|ACK RST|RST) /.test(line)));
  const imap = ufw.filter((line) => /DPT=143 .* SYN URGP=0 $/.test(line));
  t.ok(imap.length > 500, `${imap.length} SYNs to 143`);
});

t.test('people roam: an admin logs in by key from many networks, and a home address changes within the week', async (t) => {
  const arjun = benign
    .map((line) => / Accepted publickey for arjun from (\d+\.\d+)\.\d+\.\d+ /.exec(line)?.[1])
    .filter((net) => net !== undefined);
  t.ok(new Set(arjun).size >= 4, `arjun from ${new Set(arjun).size} /16 networks`);
  const typed = benign.findIndex((line) => /sshd(-session)?\[(\d+)\]: Failed password for (kabir|meera) from /.test(line));
  t.ok(typed >= 0, 'a staff password mistyped on SSH');
});

t.test("people work in IST's day (UTC's night and morning), some on Saturday", async (t) => {
  const logins = benign.filter((line) => / Accepted \S+ for (arjun|nisha|kabir|meera) /.test(line));
  const inDay = logins.filter((line) => localHour(line) >= 8.5 && localHour(line) < 23).length;
  t.ok(inDay / logins.length > 0.85, `${inDay} of ${logins.length} staff logins in the IST day`);
  t.ok(
    logins.some((line) => line.startsWith('2026-11-07T')),
    'Saturday work',
  );
});
