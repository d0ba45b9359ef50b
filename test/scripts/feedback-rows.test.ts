import fs from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { FEATURES } from '../../scorer/features/definitions.js';
import { readFeedbackRows } from '../../scripts/feedback-rows.js';

const features = (value: number): Record<string, number> =>
  Object.fromEntries(FEATURES.map((feature, i) => [feature.name, i === 0 ? 1 : value]));

t.test('false positives and benign verdicts become benign rows; true positives and other feature sets do not', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'siemad-feedback-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'export.ndjson');
  const lines = [
    { id: 1, verdict: 'false_positive', event_id: 'a', features: features(2) },
    { id: 2, verdict: 'true_positive', event_id: 'b', features: features(3) },
    {
      id: 3,
      verdict: 'benign',
      alert_id: 7,
      events: [
        { event_id: 'c', features: features(4) },
        { event_id: 'd', features: features(5) },
      ],
    },
    { id: 4, verdict: 'false_positive', event_id: 'e', features: { old_feature: 1 } },
    { id: 5, verdict: 'false_positive', event_id: 'f' },
    { id: 6, verdict: 'benign', alert_id: 8, events: [{ event_id: 'g', features: null }] },
  ];
  fs.writeFileSync(file, lines.map((line) => JSON.stringify(line)).join('\n') + '\n\n');
  const result = await readFeedbackRows(file);
  t.equal(result.rows.length, 3, 'one row from id 1, two from id 3');
  t.same(Array.from(result.rows[0]!.slice(0, 3)), [1, 2, 2], 'values in feature order');
  t.equal(result.used, 4, 'ids 1, 3, 4 and 6');
  t.equal(result.skipped, 2, "id 4's row is of another feature set, id 6's the API could not name (null)");
  t.equal(result.ignored, 2, 'the true positive and the feedback without features');
  fs.writeFileSync(file, '{"verdict":"benign"}\nnot json\n');
  await t.rejects(readFeedbackRows(file), /export\.ndjson:2: not JSON/);
});
