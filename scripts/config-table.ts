/**
 * `npm run docs:config`: writes README's configuration and metrics sections from the code, so
 * the documentation cannot drift: every option of every command (flag, environment variable,
 * default, description), every metric the collector registers (name, type, help) and every error
 * code.
 * `--check` exits 1 instead of writing when README is out of date (used by the tests).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command, Option } from 'commander';
import { Registry } from 'prom-client';
import { analyzeCommand } from '../cli/commands/analyze.js';
import { featuresCommand } from '../cli/commands/features.js';
import { replayCommand } from '../cli/commands/replay.js';
import { sendCommand } from '../cli/commands/send.js';
import { serveCommand } from '../cli/commands/serve.js';
import { setupCommand } from '../cli/commands/setup.js';
import { tokenCommand } from '../cli/commands/token.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { DEFAULT_INDEXER_CONFIG } from '../opensearch/indexer/config.js';
import { OpenSearchOutput } from '../opensearch/output.js';
import { ERROR_MEANINGS } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { ApiMetrics } from '../api/metrics.js';
import { PipelineMetrics } from '../pipeline/metrics.js';
import { PACKAGE_ROOT } from '../core/package-root.js';

const README = path.join(PACKAGE_ROOT, 'README.md');

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function defaultOf(option: Option): string {
  if (option.defaultValueDescription !== undefined) return option.defaultValueDescription;
  const value: unknown = option.defaultValue;
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

function optionsTable(command: Command, name: string): string {
  const rows = command.options
    .filter((option) => option.long !== '--help')
    .map(
      (option) =>
        `| \`${cell(option.flags)}\` | ${option.envVar ? `\`${option.envVar}\`` : ''} | ${cell(defaultOf(option))} | ${cell(option.description)} |`,
    );
  return [`#### \`siemad ${name}\``, '', '| flag | environment | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

function allCommands(): [string, Command][] {
  const list: [string, Command][] = [];
  for (const command of [
    serveCommand(),
    analyzeCommand(),
    sendCommand(),
    replayCommand(),
    setupCommand(),
    tokenCommand(),
    featuresCommand(),
  ]) {
    if (command.options.length > 0) list.push([command.name(), command]);
    for (const sub of command.commands) list.push([`${command.name()} ${sub.name()}`, sub]);
  }
  return list;
}

/**
 * Every metric of a collector with the OpenSearch output, from a real registry: the collector's,
 * and those of a real disk buffer and indexer (opened against nothing: setup off, nothing sent).
 */
async function metricsTable(): Promise<string> {
  const registry = new Registry();
  // The scorer's calibration gauges are registered when serve wires the scorer in.
  new PipelineMetrics(registry, { defaultMetrics: false }).watchCalibration(() => []);
  // The HTTP API's, registered when serve starts it.
  new ApiMetrics(registry);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'siemad-docs-'));
  const output = await OpenSearchOutput.open({
    connection: { url: 'http://127.0.0.1:9' },
    layout: {},
    setup: false,
    buffer: { directory: path.join(dataDir, 'buffer'), maxTotalBytes: 16 << 20, fsync: 'never', fsyncIntervalMs: 1000 },
    deadLetter: { directory: path.join(dataDir, 'dead-letter'), maxTotalBytes: 16 << 20 },
    indexer: DEFAULT_INDEXER_CONFIG,
    logger: createLogger('silent'),
    registry,
  });
  const metrics = await registry.getMetricsAsJSON();
  await output.close();
  await rm(dataDir, { recursive: true, force: true });
  const rows = metrics
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((metric) => {
      const declared = (registry.getSingleMetric(metric.name) as { labelNames?: readonly string[] } | undefined)?.labelNames ?? [];
      const labels = declared.filter((label) => label !== 'le');
      return `| \`${metric.name}\` | ${metric.type} | ${labels.map((label) => `\`${label}\``).join(', ')} | ${cell(metric.help)} |`;
    });
  return [
    "All on `/metrics` (port 9464). Besides these, prom-client's process and Node.js metrics with the `siemad_` prefix",
    '(`siemad_process_cpu_seconds_total`, `siemad_process_resident_memory_bytes`, `siemad_nodejs_eventloop_lag_seconds`, ...).',
    '',
    '| metric | type | labels | meaning |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function replaceSection(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${start} ... ${end} markers`);
  return text.slice(0, from + start.length) + '\n' + body + '\n' + text.slice(to);
}

function errorsTable(): string {
  const rows = Object.entries(ERROR_MEANINGS).map(([code, meaning]) => `| \`${code}\` | ${cell(meaning)} |`);
  return [
    'A command that cannot go on prints one line, `siemad: error: <what, naming the flag or variable> [CODE]`, and exits with 2:',
    '',
    '| code | meaning |',
    '|---|---|',
    ...rows,
  ].join('\n');
}

const config = allCommands()
  .map(([name, command]) => optionsTable(command, name))
  .join('\n\n');
const before = fs.readFileSync(README, 'utf8');
const after = replaceSection(
  replaceSection(replaceSection(before, 'config', config), 'metrics', await metricsTable()),
  'errors',
  errorsTable(),
);
if (process.argv.includes('--check')) {
  if (after !== before) {
    process.stderr.write('README.md configuration/metrics sections are out of date: run npm run docs:config\n');
    process.exitCode = 1;
  }
} else if (after !== before) {
  fs.writeFileSync(README, after);
  process.stderr.write('README.md: configuration and metrics sections updated\n');
}
