/**
 * The public log corpus for tests, found only through core/corpus.ts (`../shared/corpus`
 * beside the repository, or SIEMAD_CORPUS), and the rule for tests that need it: under CI a missing
 * corpus is a failure, elsewhere the test is skipped with the reason.
 */
import { corpusPath, hasCorpus } from '../../core/corpus.js';
import { isCI, type TestLike } from './services.js';

export { CORPUS_DIR, corpusPath, hasCorpus, requireCorpus } from '../../core/corpus.js';

/** True when the corpus (or the file `parts` name) is here; otherwise fails (CI) or skips `t` and returns false. */
export function corpusOrSkip(t: TestLike, ...parts: string[]): boolean {
  if (hasCorpus(...parts)) return true;
  const reason = `corpus missing at ${corpusPath(...parts)} (../shared/corpus beside the repository, or SIEMAD_CORPUS=DIR)`;
  if (isCI()) t.fail(`${reason} (CI=true: a missing corpus is a failure)`);
  else t.plan(0, reason);
  return false;
}
