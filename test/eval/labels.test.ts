import t from 'tap';
import { formatLabelsJsonl, parseLabelsJsonl, type Label } from '../../eval/labels.js';

t.test('writes one JSON object per line and reads it back', async (t) => {
  const labels: Label[] = [
    { line: 1, label: 'benign' },
    { line: 2, label: 'attack', kind: 'port_scan_fast', episode: 'port_scan_fast-1' },
  ];
  const text = formatLabelsJsonl(labels);
  t.equal(text, '{"line":1,"label":"benign"}\n{"line":2,"label":"attack","kind":"port_scan_fast","episode":"port_scan_fast-1"}\n');
  t.same(parseLabelsJsonl(text), labels);
});

t.test('rejects unknown kinds, missing episodes and lines out of order', async (t) => {
  t.throws(() => parseLabelsJsonl('{"line":1,"label":"attack","kind":"sorcery","episode":"x"}\n'), /not a label/);
  t.throws(() => parseLabelsJsonl('{"line":1,"label":"attack","kind":"web_scan"}\n'), /not a label/);
  t.throws(() => parseLabelsJsonl('{"line":2,"label":"benign"}\n'), /expected line 1/);
  t.throws(() => parseLabelsJsonl('{"line":1,'), SyntaxError);
});
