import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { replaceSection } from '../../eval/docs-section.js';

const START = '<!-- x:start -->';
const END = '<!-- x:end -->';

t.test('replaces the text between the markers and keeps the rest', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'docs-section-')), 'card.md');
  writeFileSync(file, `# Card\n\n${START}\nold table\n${END}\n\n## After\n`);
  replaceSection(file, START, END, 'new table');
  t.equal(readFileSync(file, 'utf8'), `# Card\n\n${START}\nnew table\n${END}\n\n## After\n`);
});

t.test('missing markers are an error, or are appended with the text when asked', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'docs-section-')), 'card.md');
  writeFileSync(file, '# Card\n\ntext\n');
  t.throws(() => replaceSection(file, START, END, 'table'), /has no <!-- x:start --> \.\.\. <!-- x:end --> markers/);
  replaceSection(file, START, END, 'table', true);
  t.equal(readFileSync(file, 'utf8'), `# Card\n\ntext\n\n${START}\ntable\n${END}\n`);
  replaceSection(file, START, END, 'table 2', true);
  t.equal(readFileSync(file, 'utf8'), `# Card\n\ntext\n\n${START}\ntable 2\n${END}\n`);
});
