import t from 'tap';
import { ATTACK_KINDS, type AttackLabel } from '../../../eval/labels.js';
import { generateStream, type GeneratedStream } from '../../../eval/generator/generate-stream.js';

const START = '2026-11-02T00:00:00Z';
const startMs = Date.parse(START);
const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00) ([a-z0-9-]+) ([A-Za-z][\w-]*(?:\[\d+\])?): (.*)$/;

function attackLines(stream: GeneratedStream, predicate: (label: AttackLabel) => boolean): string[] {
  return stream.lines.filter((_, i) => {
    const label = stream.labels[i];
    return label?.label === 'attack' && predicate(label);
  });
}

function lineTime(line: string): number {
  return Date.parse(line.slice(0, line.indexOf(' ')));
}

const twoDays = generateStream({ seed: 11, days: 2, startTime: START });

t.test('the same seed gives the same lines, labels and episodes', async (t) => {
  const again = generateStream({ seed: 11, days: 2, startTime: START });
  t.equal(again.lines.length, twoDays.lines.length);
  t.ok(
    again.lines.every((line, i) => line === twoDays.lines[i]),
    'lines identical',
  );
  t.same(again.labels, twoDays.labels);
  t.same(again.episodes, twoDays.episodes);
});

t.test('a different seed gives a different stream', async (t) => {
  const other = generateStream({ seed: 12, days: 2, startTime: START });
  const shared = new Set(twoDays.lines);
  const same = other.lines.filter((line) => shared.has(line)).length;
  t.ok(same < other.lines.length * 0.01, `only ${same} of ${other.lines.length} lines coincide`);
});

t.test('labels align one to one with lines, numbered from 1', async (t) => {
  t.equal(twoDays.labels.length, twoDays.lines.length);
  t.ok(twoDays.labels.every((label, i) => label.line === i + 1));
});

t.test('every line is an rsyslog high-precision line with a parsable timestamp, in time order, inside the window', async (t) => {
  const endMs = startMs + 2 * 86_400_000;
  let previous = 0;
  const bad: string[] = [];
  for (const line of twoDays.lines) {
    const match = LINE.exec(line);
    const time = match ? Date.parse(match[1] ?? '') : Number.NaN;
    if (!match || Number.isNaN(time) || time < previous || time < startMs || time >= endMs || line.includes('\n')) bad.push(line);
    else previous = time;
  }
  t.same(bad.slice(0, 5), [], 'no malformed or out-of-order lines');
});

t.test('every attack kind appears with the requested episodes, each episode id belonging to one kind', async (t) => {
  const stream = generateStream({ seed: 5, days: 1.5, startTime: START, episodesPerKind: 3 });
  const kindOf = new Map<string, string>();
  const mixed = new Set<string>();
  for (const label of stream.labels) {
    if (label.label !== 'attack') continue;
    if ((kindOf.get(label.episode) ?? label.kind) !== label.kind) mixed.add(label.episode);
    kindOf.set(label.episode, label.kind);
  }
  t.same([...mixed], [], 'no episode has lines of two kinds');
  for (const kind of ATTACK_KINDS) {
    const episodes = [...kindOf].filter(([, episodeKind]) => episodeKind === kind);
    t.equal(episodes.length, 3, `${kind} has 3 episodes`);
  }
  t.equal(stream.episodes.length, ATTACK_KINDS.length * 3);
  t.equal(new Set(stream.episodes.map((episode) => episode.id)).size, stream.episodes.length, 'episode ids are unique');
});

t.test('the default week has 50k-150k lines, most of them benign, from every host and program', async (t) => {
  const week = generateStream({ seed: 1, days: 7, startTime: START });
  t.ok(week.lines.length >= 50_000 && week.lines.length <= 150_000, `${week.lines.length} lines`);
  const benign = week.labels.filter((label) => label.label === 'benign').length;
  t.ok(benign / week.lines.length > 0.85, `${((benign / week.lines.length) * 100).toFixed(1)}% benign`);
  const hosts = new Set<string>();
  const programs = new Set<string>();
  for (const line of week.lines) {
    const match = LINE.exec(line);
    hosts.add(match?.[2] ?? '');
    programs.add((match?.[3] ?? '').replace(/\[\d+\]$/, ''));
  }
  t.same([...hosts].sort(), ['app-01', 'app-02', 'bastion-01', 'ci-01', 'db-01', 'fw-01', 'web-01', 'web-02']);
  for (const program of ['sshd', 'sudo', 'su', 'useradd', 'passwd', 'CRON', 'systemd-logind', 'kernel', 'nginx'])
    t.ok(programs.has(program), program);
});

t.test('each kind has an off-hours episode; night logins, sudo abuse and rogue accounts are only off hours', async (t) => {
  const offHours = (iso: string): boolean => {
    const date = new Date(iso);
    const hour = date.getUTCHours();
    return date.getUTCDay() === 0 || date.getUTCDay() === 6 || hour >= 22 || hour < 6;
  };
  for (const kind of ATTACK_KINDS) {
    const episodes = twoDays.episodes.filter((episode) => episode.kind === kind);
    t.ok(
      episodes.some((episode) => offHours(episode.start)),
      `${kind} has an off-hours episode`,
    );
    if (kind === 'night_admin_login' || kind === 'sudo_abuse' || kind === 'rogue_account_creation') {
      t.ok(
        episodes.every((episode) => offHours(episode.start)),
        `${kind} only off hours`,
      );
    }
  }
  for (const episode of twoDays.episodes.filter((e) => e.kind === 'night_admin_login')) {
    t.ok(new Date(episode.start).getUTCHours() < 5, `${episode.id} starts between midnight and 5:00`);
  }
});

const FAILED_PASSWORD = /Failed password for (invalid user )?(\S+) from (\S+) port/;

t.test('password spraying tries real employees once each, never five failures in ten minutes', async (t) => {
  for (const episode of twoDays.episodes.filter((e) => e.kind === 'password_spraying')) {
    const failures = attackLines(twoDays, (label) => label.episode === episode.id).filter((line) => FAILED_PASSWORD.test(line));
    t.ok(failures.length >= 15, `${episode.id}: ${failures.length} attempts`);
    t.ok(
      failures.every((line) => FAILED_PASSWORD.exec(line)?.[1] === undefined),
      `${episode.id}: only valid user names`,
    );
    t.equal(new Set(failures.map((line) => FAILED_PASSWORD.exec(line)?.[3])).size, 1, `${episode.id}: one source address`);
    const times = failures.map(lineTime);
    const worst = Math.max(...times.map((time) => times.filter((other) => other >= time && other < time + 600_000).length));
    t.ok(worst <= 4, `${episode.id}: at most ${worst} failures in any 10 minutes`);
  }
});

t.test('a distributed brute force uses many addresses, each for at most three passwords against one account', async (t) => {
  for (const episode of twoDays.episodes.filter((e) => e.kind === 'distributed_brute_force')) {
    const perAddress = new Map<string, number>();
    const users = new Set<string>();
    for (const line of attackLines(twoDays, (label) => label.episode === episode.id)) {
      const match = FAILED_PASSWORD.exec(line);
      if (!match) continue;
      users.add(match[2] ?? '');
      perAddress.set(match[3] ?? '', (perAddress.get(match[3] ?? '') ?? 0) + 1);
    }
    t.ok(perAddress.size >= 30, `${episode.id}: ${perAddress.size} addresses`);
    t.ok(Math.max(...perAddress.values()) <= 3, `${episode.id}: at most 3 attempts per address`);
    t.equal(users.size, 1, `${episode.id}: one target account`);
  }
});

t.test('a brute force makes dozens to hundreds of failures from one address within minutes', async (t) => {
  for (const episode of twoDays.episodes.filter((e) => e.kind === 'brute_force' || e.kind === 'brute_force_success')) {
    const lines = attackLines(twoDays, (label) => label.episode === episode.id);
    const failures = lines.filter((line) => /Failed password|message repeated \d+ times: \[ Failed password/.test(line));
    const addresses = new Set(lines.map((line) => /from (\S+) port/.exec(line)?.[1]).filter((ip) => ip !== undefined));
    t.equal(addresses.size, 1, `${episode.id}: one address`);
    t.ok(failures.length >= 10, `${episode.id}: ${failures.length} failure lines`);
    const first = lineTime(failures[0] ?? '');
    const last = lineTime(failures[failures.length - 1] ?? '');
    t.ok(last - first < 25 * 60_000, `${episode.id}: failures within ${((last - first) / 60_000).toFixed(1)} min`);
    if (episode.kind === 'brute_force_success') {
      const accepted = lines.findIndex((line) => / Accepted password for /.test(line));
      t.ok(accepted > 0 && lineTime(lines[accepted] ?? '') > last, `${episode.id}: a login from the same address after the failures`);
    }
  }
});

t.test('a fast port scan hits hundreds of ports within a minute; a slow one 30-100 ports over half an hour or more', async (t) => {
  for (const episode of twoDays.episodes.filter((e) => e.kind.startsWith('port_scan'))) {
    const lines = attackLines(twoDays, (label) => label.episode === episode.id);
    const ports = new Set(lines.map((line) => /DPT=(\d+)/.exec(line)?.[1]));
    const sources = new Set(lines.map((line) => /SRC=(\S+)/.exec(line)?.[1]));
    const span = lineTime(lines[lines.length - 1] ?? '') - lineTime(lines[0] ?? '');
    t.ok(
      lines.every((line) => line.includes(' kernel: [UFW BLOCK] IN=eth0 OUT= MAC=')),
      `${episode.id}: UFW BLOCK lines`,
    );
    t.equal(sources.size, 1, `${episode.id}: one source`);
    if (episode.kind === 'port_scan_fast') {
      t.ok(ports.size >= 200 && span <= 65_000, `${episode.id}: ${ports.size} ports in ${span / 1000} s`);
    } else {
      t.ok(
        ports.size >= 30 && ports.size <= 100 && span >= 30 * 60_000,
        `${episode.id}: ${ports.size} ports over ${(span / 60_000).toFixed(0)} min`,
      );
    }
  }
});

t.test('web scans are mostly 4xx answers to one address, with injection or traversal or scanner agents', async (t) => {
  for (const episode of twoDays.episodes.filter((e) => e.kind === 'web_scan')) {
    const lines = attackLines(twoDays, (label) => label.episode === episode.id);
    const errors = lines.filter((line) => /" 4\d\d \d+ "/.test(line)).length;
    t.ok(lines.length >= 80 && errors / lines.length > 0.5, `${episode.id}: ${errors} of ${lines.length} are 4xx`);
    t.ok(lines.every((line) => / nginx: /.test(line)));
    t.ok(
      lines.some((line) => /etc%2fpasswd|etc\/passwd|UNION|SLEEP|Nikto|sqlmap|gobuster|Nuclei|\.env|\.git\/config/.test(line)),
      `${episode.id}: recognisable scanner requests`,
    );
  }
});

t.test('privilege abuse and rogue accounts show the sudo, su and useradd lines of the story', async (t) => {
  const sudoAbuse = attackLines(twoDays, (label) => label.kind === 'sudo_abuse');
  t.ok(sudoAbuse.some((line) => /sudo: +\S+ : (user NOT in sudoers|\d incorrect password attempts?) ; TTY=pts\/\d+ ; PWD=/.test(line)));
  t.ok(sudoAbuse.some((line) => /su\[\d+\]: FAILED SU \(to root\) \S+ on pts\/\d+$/.test(line)));
  const rogue = attackLines(twoDays, (label) => label.kind === 'rogue_account_creation');
  t.ok(
    rogue.some((line) =>
      /useradd\[\d+\]: new user: name=\S+, UID=\d+, GID=\d+, home=\S+, shell=\/bin\/bash, from=\/dev\/pts\/\d+$/.test(line),
    ),
  );
  t.notOk(
    rogue.some((line) => /FAILED|incorrect password|NOT in sudoers|Failed password/.test(line)),
    'no failures in a rogue account creation',
  );
  const night = attackLines(twoDays, (label) => label.kind === 'night_admin_login');
  t.notOk(
    night.some((line) => /Failed password|Invalid user/.test(line)),
    'no failed logins before a night admin login',
  );
});

t.test('attack sources come from the same networks as benign internet noise', async (t) => {
  const week = generateStream({ seed: 3, days: 7, startTime: START });
  const network = (ip: string): string => ip.split('.').slice(0, 3).join('.');
  const benignNetworks = new Set<string>();
  const attackNetworks = new Set<string>();
  week.lines.forEach((line, i) => {
    const ip = /(?:from |SRC=|rhost=)(\d+\.\d+\.\d+\.\d+)/.exec(line)?.[1];
    if (!ip || ip.startsWith('10.')) return;
    (week.labels[i]?.label === 'attack' ? attackNetworks : benignNetworks).add(network(ip));
  });
  const shared = [...attackNetworks].filter((net) => benignNetworks.has(net)).length;
  t.ok(shared / attackNetworks.size > 0.5, `${shared} of ${attackNetworks.size} attack /24s also send benign noise`);
});

t.test('background has internet SSH noise, IPv6 sources, mistyped passwords and benign night logins', async (t) => {
  const benign = twoDays.lines.filter((_, i) => twoDays.labels[i]?.label === 'benign');
  t.ok(benign.filter((line) => /Failed password for invalid user/.test(line)).length > 50, 'scanner attempts on invalid users');
  t.ok(benign.some((line) => /Did not receive identification string from/.test(line)));
  t.ok(
    benign.some((line) => /from [0-9a-f]*:[0-9a-f:]+ port/.test(line)),
    'IPv6 SSH sources',
  );
  t.ok(
    benign.some((line) => /SRC=[0-9a-f]{4}:[0-9a-f]{4}:/.test(line)),
    'IPv6 firewall sources, fully expanded',
  );
  t.ok(benign.some((line) => /Googlebot/.test(line)));
  const mistyped = benign.findIndex((line, i) => {
    const user = /sshd\[(\d+)\]: Failed password for (\S+) from (10\.\S+) /.exec(line);
    return (
      user !== null &&
      benign.slice(i + 1, i + 400).some((later) => later.includes(`sshd[${user[1]}]: Accepted password for ${user[2]} from ${user[3]} `))
    );
  });
  t.ok(mistyped >= 0, 'an employee mistypes a password, then logs in on the same connection');
  const accepted = benign.filter((line) => / Accepted (password|publickey) for /.test(line));
  t.ok(
    accepted.some((line) => /T0[0-4]:/.test(line)),
    'some benign logins at night (backup, ansible, on-call)',
  );
});

t.test('rejects an unusable seed, length or start time', async (t) => {
  t.throws(() => generateStream({ seed: 1.5, days: 1, startTime: START }), RangeError);
  t.throws(() => generateStream({ seed: 1, days: 0, startTime: START }), RangeError);
  t.throws(() => generateStream({ seed: 1, days: 1, startTime: 'yesterday' }), RangeError);
  t.throws(() => generateStream({ seed: 1, days: 0.1, startTime: START }), /too short/);
});
