/**
 * `npm run eval:real`: runs `siemad analyze` (the real CLI, as users run it) on each real
 * server's log of the corpus (or on other files) and compares its flags with a ground truth
 * derived independently from the raw lines; prints the figures per file and checks the targets
 * of issue 7. `--update-docs` writes the table into README.md and the model card.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { corpusPath } from '../../pipeline/corpus.js';
import { PACKAGE_ROOT } from '../../pipeline/package-root.js';
import { parseEventLine, readDetectorOutput } from '../detector-output.js';
import { replaceSection } from '../docs-section.js';
import { groundTruth } from './ground-truth.js';
import { measure, missedTargets, toDetectorLine, type DetectorLine } from './metrics.js';
import { diagnostics, fileBlock, markdownTable } from './report.js';

const program = new Command('eval:real')
  .description("Evaluate siemad on real servers' logs against an independent ground truth (eval/real/README.md)")
  .option('--corpus-dir <dir>', 'evaluate every *.log in this folder (default: the corpus real/ folder, see SIEMAD_CORPUS)')
  .option('--files <files...>', 'evaluate these files instead (logs kept aside, for instance)')
  .option('--model-dir <dir>', 'model to evaluate', path.join(PACKAGE_ROOT, 'models', 'current'))
  .option('--work-dir <dir>', 'where the diagnostics go (one FILE.diagnostics.txt per file)', path.join(PACKAGE_ROOT, '.cache', 'eval-real'))
  .option('--verbose', 'also print the diagnostics: benign events flagged by entity and reason, attackers missed')
  .option('--update-docs', 'write the table into README.md and models/current/MODEL_CARD.md')
  .addHelpText('after', '\nExit status: 0 all targets met, 1 a target missed, 2 no input (corpus missing).')
  .parse();
const options = program.opts<{ corpusDir?: string; files?: string[]; modelDir: string; workDir: string; verbose?: boolean; updateDocs?: boolean }>();

const SIEMAD = path.join(PACKAGE_ROOT, 'dist', 'cli', 'siemad.js');
const log = (text: string): void => void process.stderr.write(`eval:real: ${text}\n`);

function inputFiles(): string[] {
  if (options.files !== undefined) return options.files.map((file) => path.resolve(file));
  const dir = path.resolve(options.corpusDir ?? corpusPath('real'));
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((name) => name.endsWith('.log')).sort().map((name) => path.join(dir, name));
}

async function analyze(file: string, lines: number): Promise<DetectorLine[]> {
  const child = spawn(process.execPath, [SIEMAD, 'analyze', '--format', 'ndjson', '--model-dir', options.modelDir, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const events = await readDetectorOutput(child.stdout, (json, n) => toDetectorLine(parseEventLine(json, n)), lines);
  const code = await exited;
  if (code !== 0) throw new Error(`siemad analyze ${file} exited ${code}`);
  return events;
}

function readLines(file: string): string[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

const files = inputFiles();
const missing = files.find((file) => !fs.existsSync(file));
if (files.length === 0 || missing !== undefined) {
  const what = missing ?? path.resolve(options.corpusDir ?? corpusPath('real'));
  process.stderr.write(`eval:real: no log files at ${what}: this needs the real corpus (../shared/corpus/real beside the repository, SIEMAD_CORPUS=DIR, --corpus-dir DIR or --files FILE...)\n`);
  process.exit(2);
}

fs.mkdirSync(options.workDir, { recursive: true });
const started = performance.now();
const rows: { file: string; metrics: ReturnType<typeof measure>; missed: string[] }[] = [];
for (const file of files) {
  const name = path.basename(file);
  const lines = readLines(file);
  let clock = performance.now();
  const detector = await analyze(file, lines.length);
  const analyzeSeconds = (performance.now() - clock) / 1000;
  clock = performance.now();
  const truth = groundTruth(lines);
  const metrics = measure(truth, detector);
  const missed = missedTargets(metrics);
  log(`${name}: ${lines.length} lines, siemad analyze ${analyzeSeconds.toFixed(1)} s, ground truth and metrics ${((performance.now() - clock) / 1000).toFixed(1)} s`);
  rows.push({ file: name, metrics, missed });
  process.stdout.write(`${fileBlock(name, metrics, missed)}\n`);
  const text = diagnostics(name, lines, truth, detector, metrics);
  fs.writeFileSync(path.join(options.workDir, `${name}.diagnostics.txt`), text);
  if (options.verbose === true) process.stdout.write(`\n${text}\n`);
}

const model = JSON.parse(fs.readFileSync(path.join(options.modelDir, 'model.json'), 'utf8')) as { model_version: string };
const failedFiles = rows.filter((row) => row.missed.length > 0).length;
/** The table with its heading; `readme` is the path of eval/real/README.md as seen from the document. */
const summary = (readme: string): string =>
  `Real servers' logs: \`npm run eval:real\` (${rows.length} ${rows.length === 1 ? 'file' : 'files'}), model ${model.model_version}. Ground truth and targets: ` +
  `[eval/real/README.md](${readme}). Targets per file: >= 9 of the top 10 flagged entities are attackers, no legitimate actor among them, ` +
  `<= 20 benign events flagged per 10k, >= 90% of brute-forcers and of scanners flagged at least once.\n\n${markdownTable(rows)}`;
process.stdout.write(`\n${summary('eval/real/README.md')}\n`);
process.stdout.write(failedFiles === 0 ? 'All targets met on every file.\n' : `Targets missed on ${failedFiles} of ${rows.length} files.\n`);
log(`${rows.length} files in ${((performance.now() - started) / 1000).toFixed(1)} s; diagnostics in ${options.workDir}`);

if (options.updateDocs === true) {
  const readme = path.join(PACKAGE_ROOT, 'eval', 'real', 'README.md');
  replaceSection(path.join(PACKAGE_ROOT, 'README.md'), '<!-- eval-real:start -->', '<!-- eval-real:end -->', summary(path.relative(PACKAGE_ROOT, readme)));
  replaceSection(path.join(options.modelDir, 'MODEL_CARD.md'), '<!-- eval-real:start -->', '<!-- eval-real:end -->', summary(path.relative(options.modelDir, readme)), true);
  log('updated README.md and the model card');
}
process.exitCode = failedFiles === 0 ? 0 : 1;
