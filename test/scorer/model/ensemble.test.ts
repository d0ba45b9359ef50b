/**
 * The committed ONNX models through onnxruntime-node (scorer/model/ensemble.ts): each family's
 * models scored on its own features, calibrated to risks and combined as models/README.md
 * ("Ensemble") documents, whatever the batch size.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { ERROR_CODES } from '../../../core/errors.js';
import { F, FAMILIES, FAMILY_FEATURES, FEATURE_COUNT, type Family } from '../../../scorer/features/definitions.js';
import { ModelEnsemble, type FamilyModel } from '../../../scorer/model/ensemble.js';
import { MODEL_DIR, modelCopy } from '../../helpers/models.js';
import { seededRandom } from '../../helpers/seeded-random.js';

interface Scores {
  risks: Float32Array;
  /** Row-major: row k, model m at k * models + m. */
  modelRisks: Float32Array;
}

async function score(model: FamilyModel, raw: Float32Array, rows: readonly number[]): Promise<Scores> {
  const risks = new Float32Array(rows.length);
  const modelRisks = new Float32Array(rows.length * model.modelNames.length);
  await model.score(raw, rows, risks, modelRisks);
  return { risks, modelRisks };
}

/** Full feature rows with each of the family's features at `pick(benign statistics)`. */
function rowsOf(
  model: FamilyModel,
  count: number,
  pick: (stats: FamilyModel['spec']['features'][number], row: number) => number,
): Float32Array {
  const raw = new Float32Array(count * FEATURE_COUNT);
  for (let row = 0; row < count; row++) {
    for (const [j, feature] of model.features.entries()) raw[row * FEATURE_COUNT + feature] = pick(model.spec.features[j]!, row);
  }
  return raw;
}

/** Rows spread from nothing to well beyond the benign maximum, so every risk from 0 to near 1 occurs. */
function spreadRows(model: FamilyModel, count: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  // Every third row is the benign median throughout, so a family with many features still has
  // rows on both sides of the threshold; the others spread each feature over its range.
  return rowsOf(model, count, (stats, row) => {
    const roll = random();
    if (roll < 0.5 || row % 3 === 0) return stats.p50;
    return Math.round(random() * (stats.max + 1) * (roll < 0.9 ? 1 : 5));
  });
}

const allRows = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

t.test('loads every family with its two models and the sidecar version', async (t) => {
  const ensemble = await ModelEnsemble.load(MODEL_DIR);
  t.teardown(() => ensemble.close());
  const sidecar = JSON.parse(await readFile(join(MODEL_DIR, 'model.json'), 'utf8')) as { model_version: string };
  t.equal(ensemble.version, sidecar.model_version);
  for (const family of FAMILIES) {
    t.strictSame(ensemble.families[family].modelNames, ['iforest', 'gmm'], family);
    t.strictSame(ensemble.families[family].features, FAMILY_FEATURES[family], `${family} reads its own features`);
  }
});

t.test('benign medians score low in every family; an extreme brute force scores above the low level', async (t) => {
  const ensemble = await ModelEnsemble.load(MODEL_DIR);
  t.teardown(() => ensemble.close());
  const low = ensemble.sidecar.levels.low;
  for (const family of FAMILIES) {
    const model = ensemble.families[family];
    const { risks } = await score(
      model,
      rowsOf(model, 1, (stats) => stats.p50),
      [0],
    );
    t.ok(risks[0]! < low, `${family}: median row risk ${risks[0]} < ${low}`);
  }
  const auth = ensemble.families.auth;
  const burst = rowsOf(auth, 1, (stats) => stats.p50);
  for (const feature of [F.auth_failure, F.new_ip]) burst[feature] = 1;
  for (const feature of [F.auth_fail_ip_1m, F.auth_fail_ip_10m, F.auth_fail_ip_1h, F.auth_fail_ip_24h, F.auth_fail_ip_7d])
    burst[feature] = 400;
  burst[F.users_tried_ip_1h] = 60;
  burst[F.users_tried_ip_24h] = 60;
  const { risks } = await score(auth, burst, [0]);
  t.ok(risks[0]! >= low, `400 failures from one address: risk ${risks[0]} ≥ ${low}`);
});

t.test('"max": the family risk is the higher of its models\' calibrated risks, each in [0, 1]', async (t) => {
  const ensemble = await ModelEnsemble.load(MODEL_DIR);
  t.teardown(() => ensemble.close());
  for (const family of FAMILIES) {
    const model = ensemble.families[family];
    t.equal(model.spec.ensemble.method, 'max', `${family} ships "max"`);
    const { risks, modelRisks } = await score(model, spreadRows(model, 300, 1), allRows(300));
    const wrong: number[] = [];
    let flagged = 0;
    for (let k = 0; k < 300; k++) {
      const [a, b] = [modelRisks[2 * k]!, modelRisks[2 * k + 1]!];
      if (risks[k] !== Math.max(a, b) || a < 0 || a > 1 || b < 0 || b > 1) wrong.push(k);
      if (risks[k]! >= 0.4) flagged++;
    }
    t.strictSame(wrong, [], `${family}: every row`);
    t.ok(flagged > 0 && flagged < 300, `${family}: the spread rows give both verdicts (${flagged} of 300 at ≥ 0.4)`);
  }
});

async function loadWith(t: Test, method: 'max' | 'weighted_mean' | 'noisy_or', weights: Record<string, number>): Promise<ModelEnsemble> {
  const directory = await modelCopy(join(t.testdir(), method), (sidecar) => {
    for (const family of FAMILIES) sidecar.families[family].ensemble = { method, weights };
  });
  const ensemble = await ModelEnsemble.load(directory);
  t.teardown(() => ensemble.close());
  return ensemble;
}

t.test('other methods and weights combine the same model risks as documented', async (t) => {
  const shipped = await ModelEnsemble.load(MODEL_DIR);
  t.teardown(() => shipped.close());
  const weights = { iforest: 3, gmm: 1 };
  const combine: Record<'weighted_mean' | 'noisy_or' | 'max', (a: number, b: number) => number> = {
    weighted_mean: (a, b) => (3 * a + 1 * b) / 4,
    noisy_or: (a, b) => 1 - (1 - a) ** 3 * (1 - b) ** 1,
    // models/README.md: "risk = max over models of weight × risk_model".
    max: (a, b) => Math.max(3 * a, 1 * b),
  };
  const family: Family = 'auth';
  const raw = spreadRows(shipped.families[family], 200, 2);
  const reference = await score(shipped.families[family], raw, allRows(200));
  for (const method of ['weighted_mean', 'noisy_or', 'max'] as const) {
    const ensemble = await loadWith(t, method, weights);
    const { risks, modelRisks } = await score(ensemble.families[family], raw, allRows(200));
    t.strictSame(modelRisks, reference.modelRisks, `${method}: the models' own risks do not depend on the method`);
    let worst = 0;
    for (let k = 0; k < 200; k++)
      worst = Math.max(worst, Math.abs(risks[k]! - combine[method](modelRisks[2 * k]!, modelRisks[2 * k + 1]!)));
    t.ok(worst < 1e-6, `${method}: combined as documented (largest difference ${worst})`);
  }
});

t.test('a batch gives each row the risk it gets alone, across ONNX runs of 64 rows', async (t) => {
  const ensemble = await ModelEnsemble.load(MODEL_DIR);
  t.teardown(() => ensemble.close());
  for (const family of FAMILIES) {
    const model = ensemble.families[family];
    const raw = spreadRows(model, 150, 3);
    const together = await score(model, raw, allRows(150));
    const differing: number[] = [];
    for (let k = 0; k < 150; k++) {
      const alone = await score(model, raw, [k]);
      if (alone.risks[0] !== together.risks[k] || alone.modelRisks[1] !== together.modelRisks[2 * k + 1]) differing.push(k);
    }
    t.strictSame(differing, [], `${family}: 150 rows at once equal 150 single rows`);
  }
});

t.test('scores only the rows asked for, writing result k for the k-th of them', async (t) => {
  const ensemble = await ModelEnsemble.load(MODEL_DIR);
  t.teardown(() => ensemble.close());
  const model = ensemble.families.firewall;
  const raw = spreadRows(model, 10, 4);
  const all = await score(model, raw, allRows(10));
  const some = await score(model, raw, [7, 2]);
  t.strictSame([some.risks[0], some.risks[1]], [all.risks[7], all.risks[2]]);
  const none = await score(model, raw, []);
  t.equal(none.risks.length, 0, 'no rows: nothing run');
});

t.test('refuses a model file that differs from model.json, or lacks the named output', async (t) => {
  const tampered = await modelCopy(join(t.testdir(), 'tampered'), () => undefined);
  const file = join(tampered, 'web.gmm.onnx');
  const bytes = await readFile(file);
  bytes[bytes.length - 1]! ^= 1;
  await writeFile(file, bytes);
  await t.rejects(ModelEnsemble.load(tampered), {
    code: ERROR_CODES.MODEL_INVALID,
    message: /web\.gmm\.onnx: sha256 differs from model\.json/,
  });

  const renamed = await modelCopy(
    join(t.testdir(), 'renamed'),
    (sidecar) => (sidecar.families.privilege.models[0]!.output_name = 'no_such_output'),
  );
  await t.rejects(ModelEnsemble.load(renamed), { code: ERROR_CODES.MODEL_INVALID, message: /no output named no_such_output/ });
});
