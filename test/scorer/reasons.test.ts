/**
 * Every corpus through `siemad analyze`: no reason may quote a "normal" range its own value sits
 * inside, and an anomaly's entity is the subject of its first reason (an address for failures
 * from an address, the user for failures of one account from many addresses).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import readline from 'node:readline';
import t from 'tap';
import { generateStream } from '../../eval/generator/generate-stream.js';
import { writeStreamFiles } from '../../eval/stream-files.js';
import { corpusPath, hasCorpus } from '../helpers/corpus.js';
import { isCI } from '../helpers/services.js';
import { ensureBuilt, SIEMAD } from '../helpers/siemad.js';

ensureBuilt();

const CORPUS_FILES = [
  ['loghub', 'OpenSSH_2k.log'],
  ['loghub', 'Linux_2k.log'],
  ['loghub', 'Apache_2k.log'],
  ['web', 'apache_combined_10k.log'],
  ...[
    'apache-vhost-access.log',
    'centos7-honeypot-secure.log',
    'nginx-govsite-access.log',
    'plesk-fail2ban.log',
    'ubuntu1404-server-auth.log',
    'ubuntu2009-hermes-auth.log',
    'ufw-vps-kernel.log',
  ].map((file) => ['real', file]),
];

/** The value a reason cites before its "(normal: ≤ X)": the first stand-alone number (not in an address, name or time). */
const NUMBER = /(?:^|\s)(\d+(?:\.\d+)?)(?=[\s)]|$)/g;
const NORMAL = /\(normal(?: rarity)?: ≤ (\d+(?:\.\d+)?)\)/;

interface Checked {
  anomalies: number;
  withRange: number;
  inside: string[];
  wrongEntity: string[];
}

async function check(file: string): Promise<Checked> {
  const child = spawn(process.execPath, [SIEMAD, 'analyze', '--format', 'ndjson', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const result: Checked = { anomalies: 0, withRange: 0, inside: [], wrongEntity: [] };
  for await (const line of readline.createInterface({ input: child.stdout })) {
    const event = JSON.parse(line) as {
      source?: { ip?: string };
      user?: { name?: string };
      anomaly?: { is_anomaly: boolean; reasons: string[]; entity?: string };
    };
    const anomaly = event.anomaly;
    if (anomaly?.is_anomaly !== true) continue;
    result.anomalies++;
    for (const reason of anomaly.reasons) {
      const normal = NORMAL.exec(reason);
      if (normal === null) continue;
      result.withRange++;
      const numbers = [...reason.slice(0, normal.index).matchAll(NUMBER)].map((m) => Number(m[1]));
      const value = numbers[0];
      if (value === undefined || !(value > Number(normal[1]))) result.inside.push(reason);
    }
    const first = anomaly.reasons[0] ?? '';
    if (/ failed login attempts from /.test(first) && event.source?.ip !== undefined && anomaly.entity !== `source.ip=${event.source.ip}`) {
      result.wrongEntity.push(`${anomaly.entity}: ${first}`);
    }
    if (/ addresses (?:in|than usual)/.test(first) && event.user?.name !== undefined && anomaly.entity !== `user.name=${event.user.name}`) {
      result.wrongEntity.push(`${anomaly.entity}: ${first}`);
    }
  }
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`siemad analyze ${file} exited ${code}`);
  return result;
}

for (const parts of CORPUS_FILES) {
  const name = parts.join('/');
  t.test(
    `${name}: no reason cites a value inside its own normal range`,
    { skip: !hasCorpus(...parts) && !isCI() ? 'corpus not here' : false },
    async (t) => {
      const result = await check(corpusPath(...parts));
      t.same(result.inside.slice(0, 10), [], `${result.withRange} reasons with a range in ${result.anomalies} anomalies`);
      t.same(result.wrongEntity.slice(0, 10), [], 'the entity is what the first reason is about');
    },
  );
}

t.test('the generated evaluation stream (attacks of every kind): no reason inside its normal range', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'siemad-reasons-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'stream.log');
  await writeStreamFiles(file, generateStream({ seed: 11, days: 3, startTime: '2026-11-02T00:00:00Z' }));
  const result = await check(file);
  t.ok(result.anomalies > 100, `${result.anomalies} anomalies`);
  t.ok(result.withRange > 100, `${result.withRange} reasons with a range`);
  t.same(result.inside.slice(0, 10), []);
  t.same(result.wrongEntity.slice(0, 10), []);
});
