#!/usr/bin/env node
import { Command, CommanderError, Help, type Option } from 'commander';
import { formatFatal, formatUsageError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { analyzeCommand } from './commands/analyze.js';
import { featuresCommand } from './commands/features.js';
import { sendCommand } from './commands/send.js';
import { replayCommand } from './commands/replay.js';
import { serveCommand } from './commands/serve.js';
import { setupCommand } from './commands/setup.js';
import { tokenCommand } from './commands/token.js';

// `siemad analyze file | head`: the reader went away; that ends the output, quietly and well.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
});

const program = new Command('siemad')
  .description('Security syslog collector: receive, decode to ECS, score anomalies, index into OpenSearch')
  .version(VERSION)
  .showSuggestionAfterError(true)
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text.startsWith('error:') ? formatUsageError(text) : text) })
  .configureHelp({
    // Commander shows a default only with a value; ours also where a library or another setting
    // supplies it (--index-prefix: the layout's `siemad`; --buffer-dir: under --data-dir).
    optionDescription(this: Help, option: Option): string {
      const text = Help.prototype.optionDescription.call(this, option);
      if (option.defaultValue !== undefined || option.defaultValueDescription === undefined) return text;
      const shown = `default: ${option.defaultValueDescription}`;
      return text.includes(' (env: ') ? text.replace(' (env: ', ` (${shown}, env: `) : `${text} (${shown})`;
    },
    // Long flags (--opensearch-skip-hostname-verification) leave no room beside them for the
    // description; commander then stops wrapping. There, each description goes under its flag.
    formatItem(this: Help, term: string, termWidth: number, description: string, helper: Help): string {
      const width = helper.helpWidth ?? 80;
      if (description === '' || width - termWidth - 4 >= helper.minWidthToWrap)
        return Help.prototype.formatItem.call(this, term, termWidth, description, helper);
      const indent = ' '.repeat(6);
      return `  ${term}\n${indent}${helper.boxWrap(description, width - indent.length).replace(/\n/g, `\n${indent}`)}`;
    },
  });

/** Subcommands (and theirs, like `setup opensearch`) share the error handling and output settings. */
function inherit(command: Command, parent: Command): Command {
  command.copyInheritedSettings(parent);
  for (const sub of command.commands) inherit(sub, command);
  return command;
}

for (const command of [
  serveCommand(),
  analyzeCommand(),
  sendCommand(),
  featuresCommand(),
  replayCommand(),
  setupCommand(),
  tokenCommand(),
]) {
  program.addCommand(inherit(command, program));
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Commander has printed its one line already (or help/version, which exit 0).
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if ((err as NodeJS.ErrnoException).code === 'EPIPE') {
    process.exitCode = 0;
  } else {
    process.stderr.write(formatFatal(err) + '\n');
    process.exitCode = 2;
  }
}
