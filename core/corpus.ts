import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CODES, SiemadError } from './errors.js';
import { PACKAGE_ROOT } from './package-root.js';

/**
 * The public log corpus kept beside the repository (`../shared/corpus`, see its README), used by
 * tests, benchmarks, training and `npm run eval:real`; never shipped. `SIEMAD_CORPUS` points
 * elsewhere. A clone without it still builds and runs the demo.
 */
export const CORPUS_DIR = path.resolve(process.env.SIEMAD_CORPUS ?? path.join(PACKAGE_ROOT, '..', 'shared', 'corpus'));

/** Path of a corpus file (`corpusPath('real', 'ufw-vps-kernel.log')`), whether or not it exists. */
export function corpusPath(...parts: string[]): string {
  return path.join(CORPUS_DIR, ...parts);
}

export function hasCorpus(...parts: string[]): boolean {
  return fs.existsSync(corpusPath(...parts));
}

/** Path of a corpus file that must exist: otherwise one line naming it and SIEMAD_CORPUS. */
export function requireCorpus(...parts: string[]): string {
  const file = corpusPath(...parts);
  if (!fs.existsSync(file)) {
    throw new SiemadError(
      ERROR_CODES.INPUT_UNREADABLE,
      `corpus file ${file} not found: this needs the public log corpus (../shared/corpus beside the repository, or SIEMAD_CORPUS=DIR)`,
      'SIEMAD_CORPUS',
    );
  }
  return file;
}

/**
 * For entry points (benchmarks, scripts): the text of a corpus file, or one line on standard error
 * naming the file and how to provide it, and exit code 2 — never a stack trace.
 */
export function readCorpusOrExit(relativePath: string, directory = CORPUS_DIR): string {
  const file = path.join(directory, relativePath);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    process.stderr.write(
      `siemad: error: corpus file ${file} not found (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}): this needs the public log corpus (../shared/corpus beside the repository, or SIEMAD_CORPUS=DIR) [${ERROR_CODES.INPUT_UNREADABLE}]\n`,
    );
    process.exit(2);
  }
}
