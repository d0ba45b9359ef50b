/**
 * Writes the generated provisioning files (Grafana dashboards, OpenSearch Dashboards saved
 * objects) under provisioning/. With --check, writes nothing and exits 1 when a committed file
 * differs from what the code generates.
 *
 *   npx tsx grafana/build.ts [--check]        or, after `npm run build`: node dist/grafana/build.js
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_ROOT } from '../core/package-root.js';
import { provisioningArtifacts } from './artifacts.js';

const USAGE =
  'usage: grafana/build.ts [--check]\n  writes provisioning/grafana/dashboards/*.json and provisioning/opensearch-dashboards/saved-objects.ndjson\n  --check  write nothing; exit 1 if a committed file differs from the generated one\n';

async function main(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const unknown = args.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(`grafana/build: unknown argument ${unknown[0]}\n${USAGE}`);
    return 2;
  }
  const check = args.includes('--check');
  let stale = 0;
  for (const artifact of provisioningArtifacts()) {
    const file = path.join(PACKAGE_ROOT, ...artifact.path.split('/'));
    const current = await readFile(file, 'utf8').catch(() => undefined);
    if (current === artifact.text) continue;
    if (check) {
      stale++;
      process.stderr.write(`grafana/build: ${artifact.path} ${current === undefined ? 'is missing' : 'differs from the code'}\n`);
      continue;
    }
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, artifact.text);
    process.stdout.write(`wrote ${artifact.path}\n`);
  }
  if (stale > 0) process.stderr.write('grafana/build: run `npx tsx grafana/build.ts` and commit the result\n');
  return stale > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`grafana/build: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
