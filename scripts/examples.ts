/**
 * `npm run examples`: writes the demo logs in examples/ from the project's own evaluation
 * generator (nothing copied from any real server): half a day of a small company's auth log, nginx
 * access log and UFW log, with a brute force, a port scan and a web scan in them. Deterministic:
 * the same code writes the same bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateStream } from '../eval/generator/generate-stream.js';
import { PACKAGE_ROOT } from '../core/package-root.js';

const OUT = path.join(PACKAGE_ROOT, 'examples');
const stream = generateStream({
  seed: 7,
  days: 0.5,
  startTime: '2026-11-03T00:00:00Z',
  kinds: ['brute_force', 'port_scan_fast', 'web_scan'],
  episodesPerKind: 1,
});

/** `TIME HOST TAG: MESSAGE` (RSYSLOG_FileFormat): the tag without its [pid]. */
function tagOf(line: string): string {
  const afterHost = line.indexOf(' ', line.indexOf(' ') + 1) + 1;
  const colon = line.indexOf(':', afterHost);
  return line.slice(afterHost, colon).replace(/\[\d+\]$/, '');
}

const auth: string[] = [];
const nginx: string[] = [];
const ufw: string[] = [];
for (const line of stream.lines) {
  const tag = tagOf(line);
  if (tag === 'nginx') nginx.push(line.slice(line.indexOf(': ') + 2));
  else if (tag === 'kernel') ufw.push(line);
  else if (['sshd', 'sudo', 'su', 'CRON', 'useradd', 'groupadd', 'usermod', 'passwd', 'systemd-logind'].includes(tag)) auth.push(line);
}

fs.mkdirSync(OUT, { recursive: true });
const files: [string, string[]][] = [
  ['auth.log', auth],
  ['nginx-access.log', nginx],
  ['ufw.log', ufw],
];
for (const [name, lines] of files) {
  fs.writeFileSync(path.join(OUT, name), lines.join('\n') + '\n');
  process.stderr.write(`examples: ${name}: ${lines.length} lines\n`);
}
for (const episode of stream.episodes) process.stderr.write(`examples: ${episode.kind}: ${JSON.stringify(episode)}\n`);
