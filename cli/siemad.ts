#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { formatFatal } from '../pipeline/errors.js';
import { VERSION } from '../pipeline/version.js';
import { analyzeCommand } from './commands/analyze.js';
import { featuresCommand } from './commands/features.js';
import { sendCommand } from './commands/send.js';
import { replayCommand } from './commands/replay.js';
import { serveCommand } from './commands/serve.js';
import { setupCommand } from './commands/setup.js';
import { tokenCommand } from './commands/token.js';

const program = new Command('siemad')
  .description('Security syslog collector: receive, decode to ECS, score anomalies, index into OpenSearch')
  .version(VERSION)
  .showSuggestionAfterError(true)
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text.startsWith('error:') ? `siemad: ${text}` : text) });

/** Subcommands (and theirs, like `setup opensearch`) share the error handling and output settings. */
function inherit(command: Command, parent: Command): Command {
  command.copyInheritedSettings(parent);
  for (const sub of command.commands) inherit(sub, command);
  return command;
}

for (const command of [serveCommand(), analyzeCommand(), sendCommand(), featuresCommand(), replayCommand(), setupCommand(), tokenCommand()]) {
  program.addCommand(inherit(command, program));
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Commander has printed its one line already (or help/version, which exit 0).
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(formatFatal(err) + '\n');
    process.exitCode = 2;
  }
}
