/**
 * `npm run eval:real`: runs `siemad analyze` (the real CLI, as users run it) on each real
 * server's log of the corpus (or on other files) and compares its flags with a ground truth
 * derived independently from the raw lines; prints the figures per file and checks the targets
 * of issue 7, and the alerts its anomalies make (grouped as `siemad serve` groups them, issue 8).
 * `--update-docs` writes the table into README.md and the model card, the alert table into
 * README's Alerts section.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { corpusPath } from '../../core/corpus.js';
import { PACKAGE_ROOT } from '../../core/package-root.js';
import { parseEventLine, readDetectorOutput } from '../detector-output.js';
import { replaceSection } from '../docs-section.js';
import { groundTruth } from './ground-truth.js';
import { measure, missedTargets, toDetectorLine, type DetectorLine } from './metrics.js';
import { diagnostics, fileBlock, markdownTable } from './report.js';
import { alertAnomalyOf } from '../../alerts/anomaly.js';
import { DEFAULT_GROUPING } from '../../alerts/grouping.js';
import {
  ALERT_TARGETS,
  alertFigures,
  alertFileTable,
  alertSummaryLine,
  hours,
  missedAlertTargets,
  type AlertFigures,
  type LineAnomaly,
} from '../alert-figures.js';
import type { GroupingOptions } from '../../alerts/grouping.js';

const program = new Command('eval:real')
  .description("Evaluate siemad on real servers' logs against an independent ground truth (eval/real/README.md)")
  .option('--corpus-dir <dir>', 'evaluate every *.log in this folder (default: the corpus real/ folder, see SIEMAD_CORPUS)')
  .option('--files <files...>', 'evaluate these files instead (logs kept aside, for instance)')
  .option('--model-dir <dir>', 'model to evaluate', path.join(PACKAGE_ROOT, 'models', 'current'))
  .option(
    '--work-dir <dir>',
    'where the diagnostics go (one FILE.diagnostics.txt per file)',
    path.join(PACKAGE_ROOT, '.cache', 'eval-real'),
  )
  .option('--verbose', 'also print the diagnostics: benign events flagged by entity and reason, attackers missed')
  .option('--update-docs', 'write the table into README.md and models/current/MODEL_CARD.md')
  .addHelpText('after', '\nExit status: 0 all targets met, 1 a target missed, 2 no input (corpus missing).')
  .parse();
const options = program.opts<{
  corpusDir?: string;
  files?: string[];
  modelDir: string;
  workDir: string;
  verbose?: boolean;
  updateDocs?: boolean;
}>();

const SIEMAD = path.join(PACKAGE_ROOT, 'dist', 'cli', 'siemad.js');
const log = (text: string): void => void process.stderr.write(`eval:real: ${text}\n`);

function inputFiles(): string[] {
  if (options.files !== undefined) return options.files.map((file) => path.resolve(file));
  const dir = path.resolve(options.corpusDir ?? corpusPath('real'));
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.log'))
    .sort()
    .map((name) => path.join(dir, name));
}

interface Analyzed {
  detector: DetectorLine[];
  /** The flagged lines as alerts see them. */
  anomalies: LineAnomaly[];
  /** From the first to the last event time, in days (at least one). */
  days: number;
}

async function analyze(file: string, lines: number): Promise<Analyzed> {
  const child = spawn(process.execPath, [SIEMAD, 'analyze', '--format', 'ndjson', '--model-dir', options.modelDir, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const events = await readDetectorOutput(
    child.stdout,
    (json, n) => {
      const event = parseEventLine(json, n);
      return { line: toDetectorLine(event), alert: alertAnomalyOf(event) };
    },
    lines,
  );
  const code = await exited;
  if (code !== 0) throw new Error(`siemad analyze ${file} exited ${code}`);
  const anomalies: LineAnomaly[] = [];
  let first = Infinity;
  let last = -Infinity;
  events.forEach((event, index) => {
    if (event.alert !== undefined) anomalies.push({ line: index, anomaly: event.alert });
    const time = Date.parse(event.line.timestamp);
    if (time < first) first = time;
    if (time > last) last = time;
  });
  return { detector: events.map((event) => event.line), anomalies, days: Math.max(1, (last - first) / 86_400_000) };
}

/** The alerts of a file: attackers are the targets, benign lines (legitimate actors and background) the false alarms. */
function fileAlertFigures(
  truth: ReturnType<typeof groundTruth>,
  analyzed: Analyzed,
  attackers: number,
  grouping: GroupingOptions = DEFAULT_GROUPING,
): AlertFigures {
  const attackOf = (line: number): string | undefined => (truth.labels[line] === 'attack' ? truth.lineActors[line] : undefined);
  return alertFigures(analyzed.anomalies, attackOf, (line) => truth.labels[line] === 'benign', attackers, analyzed.days, grouping);
}

/** Alerts per attacker with shorter windows: real attackers come back for days. */
const SHORTER_WINDOWS_MS = [3_600_000, 2 * 3_600_000, 6 * 3_600_000].filter((ms) => ms < DEFAULT_GROUPING.windowMs);

function readLines(file: string): string[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

const files = inputFiles();
const missing = files.find((file) => !fs.existsSync(file));
if (files.length === 0 || missing !== undefined) {
  const what = missing ?? path.resolve(options.corpusDir ?? corpusPath('real'));
  process.stderr.write(
    `eval:real: no log files at ${what}: this needs the real corpus (../shared/corpus/real beside the repository, SIEMAD_CORPUS=DIR, --corpus-dir DIR or --files FILE...)\n`,
  );
  process.exit(2);
}

fs.mkdirSync(options.workDir, { recursive: true });
const started = performance.now();
const rows: { file: string; metrics: ReturnType<typeof measure>; missed: string[] }[] = [];
const alertRows: { file: string; figures: AlertFigures }[] = [];
for (const file of files) {
  const name = path.basename(file);
  const lines = readLines(file);
  let clock = performance.now();
  const analyzed = await analyze(file, lines.length);
  const detector = analyzed.detector;
  const analyzeSeconds = (performance.now() - clock) / 1000;
  clock = performance.now();
  const truth = groundTruth(lines);
  const metrics = measure(truth, detector);
  const missed = missedTargets(metrics);
  log(
    `${name}: ${lines.length} lines, siemad analyze ${analyzeSeconds.toFixed(1)} s, ground truth and metrics ${((performance.now() - clock) / 1000).toFixed(1)} s`,
  );
  rows.push({ file: name, metrics, missed });
  const alerts = fileAlertFigures(truth, analyzed, metrics.attackers);
  alertRows.push({ file: name, figures: alerts });
  const alertGoals = missedAlertTargets(alerts, 'attacker');
  const byWindow = SHORTER_WINDOWS_MS.map((windowMs) => {
    const figures = fileAlertFigures(truth, analyzed, metrics.attackers, { ...DEFAULT_GROUPING, windowMs });
    return `${figures.alertsPerTarget.toFixed(2)} with ${hours(windowMs)}`;
  });
  process.stdout.write(
    `${fileBlock(name, metrics, missed)}\n  ${alertSummaryLine(alerts, 'attacker')}; the synthetic sites' goals: ${alertGoals.length === 0 ? 'met' : alertGoals.join(', ')}\n` +
      `  alerts per attacker with shorter windows: ${byWindow.join(', ')}\n`,
  );
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
process.stdout.write(
  failedFiles === 0 ? 'All targets met on every file.\n' : `Targets missed on ${failedFiles} of ${rows.length} files.\n`,
);
const alertSummary =
  `Alerts of the real servers' logs (\`npm run eval:real\`, model ${model.model_version}; --alert-level ${DEFAULT_GROUPING.level}, --alert-window ${hours(DEFAULT_GROUPING.windowMs)}): ` +
  `an attacker is an actor of the ground truth ([eval/real/README.md](eval/real/README.md)), a benign alert one whose anomalies are all benign lines. ` +
  `Reported, not checked (the goals of the synthetic sites: <= ${ALERT_TARGETS.alertsPerEpisode} alerts per attack, <= ${ALERT_TARGETS.benignAlertsPerDay} benign alerts per day).\n\n${alertFileTable(alertRows)}`;
process.stdout.write(`\n${alertSummary}\n`);
log(`${rows.length} files in ${((performance.now() - started) / 1000).toFixed(1)} s; diagnostics in ${options.workDir}`);

if (options.updateDocs === true) {
  const readme = path.join(PACKAGE_ROOT, 'eval', 'real', 'README.md');
  replaceSection(
    path.join(PACKAGE_ROOT, 'README.md'),
    '<!-- eval-real:start -->',
    '<!-- eval-real:end -->',
    summary(path.relative(PACKAGE_ROOT, readme)),
  );
  replaceSection(
    path.join(options.modelDir, 'MODEL_CARD.md'),
    '<!-- eval-real:start -->',
    '<!-- eval-real:end -->',
    summary(path.relative(options.modelDir, readme)),
    true,
  );
  replaceSection(path.join(PACKAGE_ROOT, 'README.md'), '<!-- eval-real-alerts:start -->', '<!-- eval-real-alerts:end -->', alertSummary);
  log('updated README.md and the model card');
}
process.exitCode = failedFiles === 0 ? 0 : 1;
