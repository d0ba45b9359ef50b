import t from 'tap';
import { EVAL_END, EVAL_START, SITE2_END, SITE2_START, withEvalSection } from '../../eval/doc-sections.js';

const DOC = `# Card\n\nintro\n\n${EVAL_START}\nold site 1 table\n${EVAL_END}\n\nafter\n`;

t.test("site 1 replaces the text between the eval markers; site 2 nests its own markers at the block's end", async (t) => {
  const one = withEvalSection(DOC, 1, 'site 1 table');
  t.equal(one, `# Card\n\nintro\n\n${EVAL_START}\nsite 1 table\n${EVAL_END}\n\nafter\n`);
  const both = withEvalSection(one, 2, 'site 2 table');
  t.equal(both, `# Card\n\nintro\n\n${EVAL_START}\nsite 1 table\n${SITE2_START}\nsite 2 table\n${SITE2_END}\n${EVAL_END}\n\nafter\n`);
});

t.test('rewriting either site keeps the other, and writing twice gives the same text', async (t) => {
  const both = withEvalSection(withEvalSection(DOC, 1, 'a'), 2, 'b');
  const site1Again = withEvalSection(both, 1, 'a2');
  t.match(site1Again, `${EVAL_START}\na2\n${SITE2_START}\nb\n${SITE2_END}\n${EVAL_END}`);
  const site2Again = withEvalSection(site1Again, 2, 'b2');
  t.match(site2Again, `${EVAL_START}\na2\n${SITE2_START}\nb2\n${SITE2_END}\n${EVAL_END}`);
  t.equal(withEvalSection(site2Again, 2, 'b2'), site2Again);
  t.equal(withEvalSection(site2Again, 1, 'a2'), site2Again);
});

t.test('site 2 markers outside the eval block are not taken for the nested ones', async (t) => {
  const stray = `${DOC}\n${SITE2_START}\nelsewhere\n${SITE2_END}\n`;
  const written = withEvalSection(stray, 2, 'b');
  t.match(written, `${SITE2_START}\nb\n${SITE2_END}\n${EVAL_END}`);
  t.match(written, `${SITE2_START}\nelsewhere\n${SITE2_END}`);
});

t.test('a document without the eval markers is refused with its name', async (t) => {
  t.throws(() => withEvalSection('no markers', 2, 'b', 'README.md'), /README\.md has no <!-- eval:start -->/);
});
