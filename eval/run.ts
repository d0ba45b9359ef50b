/**
 * `npm run eval`: generates the labelled evaluation stream, runs `siemad analyze` on it (the real
 * CLI, as users run it), and compares its detections with two baselines on the same stream: the
 * fail2ban sshd rule and a seed-style Isolation Forest on per-event features (no windows). Prints
 * the table and checks the targets; `--update-docs` writes the table into the model card and README.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { PACKAGE_ROOT } from '../pipeline/package-root.js';
import { fail2banFlags } from './baselines/fail2ban.js';
import { readDetectorFlags } from './detector-output.js';
import { replaceSection } from './docs-section.js';
import { generateStream } from './generator/generate-stream.js';
import { ATTACK_KINDS } from './labels.js';
import { evaluate, formatReport, type Report } from './metrics.js';
import { writeStreamFiles } from './stream-files.js';

const program = new Command('eval')
  .description('Evaluate siemad anomaly detection against fail2ban and a seed-style model on a generated labelled stream')
  .option('--seed <n>', 'seed of the evaluation stream (training uses other seeds)', (v) => Number(v), 1)
  .option('--days <n>', 'length of the stream in days', (v) => Number(v), 7)
  .option('--model-dir <dir>', 'model to evaluate', path.join(PACKAGE_ROOT, 'models', 'current'))
  .option('--work-dir <dir>', 'where the stream and intermediate files go', path.join(PACKAGE_ROOT, '.cache', 'eval'))
  .option('--training-features <file>', 'benign training matrix for the seed-style baseline (built if missing)', path.join(PACKAGE_ROOT, '.cache', 'training', 'features.csv'))
  .option('--update-docs', 'write the table into models/current/MODEL_CARD.md and README.md')
  .parse();
const options = program.opts<{ seed: number; days: number; modelDir: string; workDir: string; trainingFeatures: string; updateDocs?: boolean }>();

const SIEMAD = path.join(PACKAGE_ROOT, 'dist', 'cli', 'siemad.js');
const log = (text: string): void => void process.stderr.write(`eval: ${text}\n`);

function runOrFail(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: PACKAGE_ROOT });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
}

async function siemadFlags(logFile: string, lines: number): Promise<{ flags: boolean[]; seconds: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [SIEMAD, 'analyze', '--format', 'ndjson', '--model-dir', options.modelDir, logFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const flags = await readDetectorFlags(child.stdout, lines);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`siemad analyze exited ${code}`);
  return { flags, seconds: (performance.now() - started) / 1000 };
}

function seedBaselineFlags(logFile: string, lines: number): boolean[] {
  if (!fs.existsSync(options.trainingFeatures)) {
    log(`building the benign training matrix ${options.trainingFeatures}`);
    runOrFail(process.execPath, [path.join(PACKAGE_ROOT, 'dist', 'scripts', 'training-data.js'), '--out', options.trainingFeatures]);
  }
  const evalFeatures = path.join(options.workDir, 'stream.features.csv');
  runOrFail(process.execPath, [SIEMAD, 'features', '--out', evalFeatures, logFile]);
  const flagsFile = path.join(options.workDir, 'seed-iforest.flags');
  runOrFail('bash', [path.join(PACKAGE_ROOT, 'models', 'setup-venv.sh')]);
  runOrFail(path.join(PACKAGE_ROOT, 'models', '.venv', 'bin', 'python'), [
    path.join(PACKAGE_ROOT, 'models', 'baselines', 'seed_iforest.py'),
    '--features', options.trainingFeatures,
    '--feature-spec', options.trainingFeatures.replace(/\.csv$/, '.spec.json'),
    '--score', evalFeatures,
    '--out', flagsFile,
  ]);
  const flags = fs.readFileSync(flagsFile, 'utf8').split('\n').filter((line) => line !== '').map((line) => line.trim() === '1');
  if (flags.length !== lines) throw new Error(`seed baseline gave ${flags.length} flags for ${lines} lines`);
  return flags;
}

/** The targets, checked on the report; returns the failed ones. */
function checkTargets(ours: Report, fail2ban: Report): string[] {
  const failed: string[] = [];
  if (!(ours.overall.recall >= 0.9)) failed.push(`overall episode recall ${ours.overall.recall.toFixed(3)} < 0.9`);
  if (!(ours.benign.flaggedPer10k <= 10)) failed.push(`benign flagged ${ours.benign.flaggedPer10k.toFixed(2)} per 10k > 10`);
  for (const kind of ATTACK_KINDS) {
    const theirs = fail2ban.kinds[kind];
    const mine = ours.kinds[kind];
    if (theirs === undefined || mine === undefined || theirs.recall >= 1) continue;
    if (!(mine.recall > theirs.recall)) failed.push(`${kind}: recall ${mine.recall.toFixed(2)} not above fail2ban's ${theirs.recall.toFixed(2)}`);
  }
  return failed;
}

fs.mkdirSync(options.workDir, { recursive: true });
const logFile = path.join(options.workDir, 'stream.log');
const stream = generateStream({ seed: options.seed, days: options.days, startTime: '2026-11-02T00:00:00Z' });
await writeStreamFiles(logFile, stream);
const attackLines = stream.labels.filter((label) => label.label === 'attack').length;
log(`stream: ${stream.lines.length} lines (${attackLines} attack lines, ${stream.episodes.length} episodes), seed ${options.seed}, ${options.days} days`);

const ours = await siemadFlags(logFile, stream.lines.length);
log(`siemad analyze: ${stream.lines.length} lines in ${ours.seconds.toFixed(1)} s (${Math.round(stream.lines.length / ours.seconds)} lines/s, including start-up)`);
const reports: Record<string, Report> = {
  siemad: evaluate(stream.labels, ours.flags),
  fail2ban: evaluate(stream.labels, fail2banFlags(stream.lines)),
  'seed IF': evaluate(stream.labels, seedBaselineFlags(logFile, stream.lines.length)),
};
const table = formatReport(reports);
const model = JSON.parse(fs.readFileSync(path.join(options.modelDir, 'model.json'), 'utf8')) as { model_version: string };
const summary =
  `Stream: \`npm run eval\` (seed ${options.seed}, ${options.days} days, ${stream.lines.length} lines, ${stream.episodes.length} attack episodes), ` +
  `model ${model.model_version}. "detected" = episodes with at least one flagged line; "lines flagged" = mean share of an episode's lines flagged.\n\n${table}`;
process.stdout.write(summary + '\n');

const failed = checkTargets(reports.siemad!, reports.fail2ban!);
for (const line of failed) process.stdout.write(`TARGET MISSED: ${line}\n`);
if (failed.length === 0) process.stdout.write('All targets met: recall >= 0.9, <= 10 benign per 10k, above fail2ban where it misses.\n');

if (options.updateDocs === true) {
  replaceSection(path.join(options.modelDir, 'MODEL_CARD.md'), '<!-- eval:start -->', '<!-- eval:end -->', summary);
  replaceSection(path.join(PACKAGE_ROOT, 'README.md'), '<!-- eval:start -->', '<!-- eval:end -->', summary);
  log('updated the model card and README');
}
process.exitCode = failed.length === 0 ? 0 : 1;
