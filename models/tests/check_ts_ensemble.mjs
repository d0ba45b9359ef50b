// Loads a model folder with the scorer's own loader (dist/scorer/model/ensemble.js, built by
// `npm run build`): sidecar validation against this build's feature list, sha256 checks, sessions,
// and scores the FIXTURE rows of each family with FamilyModel.score, comparing with Python's risks.
// Exits 1 on any disagreement or if the scorer refuses the model.
// Usage: node models/tests/check_ts_ensemble.mjs MODEL_DIR FIXTURE.json
import { readFile } from 'node:fs/promises';

const [modelDir, fixturePath] = process.argv.slice(2);
if (!modelDir || !fixturePath) {
  console.error('usage: node check_ts_ensemble.mjs MODEL_DIR FIXTURE.json');
  process.exit(2);
}
const { ModelEnsemble } = await import(new URL('../../dist/scorer/model/ensemble.js', import.meta.url).href);
const { FAMILIES, FEATURE_COUNT } = await import(new URL('../../dist/scorer/features/definitions.js', import.meta.url).href);
const fixture = JSON.parse(await readFile(fixturePath, 'utf8'));
let failures = 0;

const ensemble = await ModelEnsemble.load(modelDir);
console.log(`loaded model ${ensemble.version} with the scorer's loader`);
const raw = new Float32Array(fixture.rows.length * FEATURE_COUNT);
fixture.rows.forEach((row, r) => {
  if (row.length !== FEATURE_COUNT) throw new Error(`fixture row has ${row.length} values, this build computes ${FEATURE_COUNT}`);
  raw.set(row, r * FEATURE_COUNT);
});
for (const family of FAMILIES) {
  const model = ensemble.families[family];
  const rows = fixture.per_family[family].rows;
  const risks = new Float32Array(Math.max(1, rows.length));
  await model.score(raw, rows, risks, new Float32Array(Math.max(1, rows.length) * model.modelNames.length));
  let worst = 0;
  rows.forEach((_, k) => { worst = Math.max(worst, Math.abs(risks[k] - fixture.per_family[family].ensemble[k])); });
  const ok = worst <= 1e-6;
  if (!ok) failures += 1;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${family}: ${rows.length} rows, models ${model.modelNames.join('+')}, risk vs Python max abs diff ${worst.toExponential(3)} (tolerance 1e-6)`);
}
await ensemble.close();
console.log(failures === 0 ? 'ts scorer agreement: all checks passed' : `ts scorer agreement: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
