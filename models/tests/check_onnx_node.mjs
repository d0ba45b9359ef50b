// Loads a model folder (model.json schema 2 + per-family ONNX files) with onnxruntime-node, applies
// the sidecar's family selection, preprocessing, calibration and ensemble exactly as documented in
// models/README.md, and compares every step with the Python reference values in FIXTURE (written
// by test_node_agreement.py). Exits 1 on any disagreement.
// Usage: node models/tests/check_onnx_node.mjs MODEL_DIR FIXTURE.json
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ort from 'onnxruntime-node';

const [modelDir, fixturePath] = process.argv.slice(2);
if (!modelDir || !fixturePath) {
  console.error('usage: node check_onnx_node.mjs MODEL_DIR FIXTURE.json');
  process.exit(2);
}
const sidecar = JSON.parse(await readFile(join(modelDir, 'model.json'), 'utf8'));
const fixture = JSON.parse(await readFile(fixturePath, 'utf8'));
const rows = fixture.rows;
const names = sidecar.features.map((feature) => feature.name);
const familyNames = Object.keys(sidecar.families);
let failures = 0;

function check(ok, label) {
  if (!ok) failures += 1;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}`);
}

function report(label, diff, tolerance) {
  check(diff <= tolerance, `${label}: max abs diff ${diff.toExponential(3)} (tolerance ${tolerance})`);
}

function maxAbsDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i += 1) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function calibratedRisk(calibration, s) {
  const { raw, risk, tail_scale: tailScale } = calibration;
  const last = raw.length - 1;
  if (s > raw[last]) return 1 - (1 - risk[last]) * Math.exp(-(s - raw[last]) / tailScale);
  if (s <= raw[0]) return risk[0];
  let i = 0;
  while (s > raw[i + 1]) i += 1;
  return risk[i] + ((risk[i + 1] - risk[i]) * (s - raw[i])) / (raw[i + 1] - raw[i]);
}

function combine(method, risks, weights) {
  if (method === 'max') return Math.max(...risks);
  if (method === 'noisy_or') return 1 - risks.reduce((product, risk, m) => product * Math.pow(1 - risk, weights[m]), 1);
  const total = weights.reduce((sum, weight) => sum + weight, 0) || 1;
  return risks.reduce((sum, risk, m) => sum + (weights[m] * risk) / total, 0);
}

// The family of a row: the first `is_<family>` flag set, none when no flag is set.
const flagColumns = familyNames.map((family) => names.indexOf(`is_${family}`));
check(flagColumns.every((column) => column >= 0), `every family has its is_* flag among ${names.length} features`);
const rowFamily = rows.map((row) => flagColumns.findIndex((column) => row[column] !== 0));
report('row families vs Python', maxAbsDiff(rowFamily, fixture.families), 0);

const ensemble = new Float64Array(rows.length); // rows in no family keep risk 0
for (const [f, family] of familyNames.entries()) {
  const spec = sidecar.families[family];
  const expected = fixture.per_family[family];
  const members = rowFamily.flatMap((value, r) => (value === f ? [r] : []));
  const columns = spec.features.map((feature) => names.indexOf(feature.name));
  const wanted = sidecar.features.flatMap((feature, index) => (feature.families.includes(family) ? [index] : []));
  check(columns.join(',') === wanted.join(','), `${family}: features are the spec entries listing the family, in column order (${columns.length})`);
  report(`${family}: member rows vs Python`, maxAbsDiff(members, expected.rows), 0);
  if (members.length === 0) continue;
  const d = columns.length;
  // Preprocessing: transform, then (x - center) / scale in double precision, rounded once to float32.
  const input = new Float32Array(members.length * d);
  members.forEach((r, k) => {
    spec.features.forEach((feature, j) => {
      const value = rows[r][columns[j]];
      const x = feature.transform === 'log1p' ? Math.log1p(value) : value;
      input[k * d + j] = (x - feature.center) / feature.scale;
    });
  });
  report(`${family}: scaled input [${members.length}, ${d}] vs numpy`, maxAbsDiff(input, expected.scaled.flat()), 1e-5);

  const modelRisks = [];
  for (const model of spec.models) {
    const session = await ort.InferenceSession.create(join(modelDir, model.file));
    const width = session.inputMetadata?.[0]?.shape?.[1];
    if (width !== undefined) check(width === d, `${family} ${model.name}: ONNX input width ${width} = ${d} family features`);
    const feeds = { [sidecar.input_name]: new ort.Tensor('float32', input, [members.length, d]) };
    const result = await session.run(feeds, [model.output_name]);
    const output = result[model.output_name];
    console.log(`${family} ${model.name}: inputs ${JSON.stringify(session.inputNames)}, outputs ${JSON.stringify(session.outputNames)}, ` +
      `${model.output_name} ${output.type} dims ${JSON.stringify(output.dims)}`);
    check(output.dims.length === 2 && output.dims[0] === members.length && output.dims[1] === 1,
      `${family} ${model.name}: output dims [${members.length}, 1]`);
    const scale = Math.max(...expected.outputs[model.name].map(Math.abs), 1);
    report(`${family} ${model.name} output vs onnxruntime (Python)`, maxAbsDiff(output.data, expected.outputs[model.name]), 1e-6 * scale);
    const risks = Array.from(output.data, (value) => calibratedRisk(model.calibration, model.orientation * value));
    report(`${family} ${model.name} calibrated risk vs Python`, maxAbsDiff(risks, expected.risks[model.name]), 1e-9);
    modelRisks.push(risks);

    // Single-event latency, as the collector scores inline.
    const one = { [sidecar.input_name]: new ort.Tensor('float32', input.slice(0, d), [1, d]) };
    const calls = 1000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i += 1) await session.run(one, [model.output_name]);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`${family} ${model.name}: ${Math.round(calls / seconds)} single-row runs/s`);
    await session.release();
  }
  const weights = spec.models.map((model) => spec.ensemble.weights[model.name] ?? model.weight);
  const combined = members.map((_, k) => combine(spec.ensemble.method, modelRisks.map((risks) => risks[k]), weights));
  report(`${family} ensemble (${spec.ensemble.method}) vs Python`, maxAbsDiff(combined, expected.ensemble), 1e-9);
  members.forEach((r, k) => { ensemble[r] = combined[k]; });
}
report('risk of every row vs Python', maxAbsDiff(ensemble, fixture.ensemble), 1e-9);
const flagged = Array.from(ensemble).filter((risk) => risk >= sidecar.levels.low).length;
console.log(`${rows.length} rows (${rowFamily.filter((f) => f < 0).length} in no family), ${flagged} at risk >= ${sidecar.levels.low}`);
console.log(failures === 0 ? 'node agreement: all checks passed' : `node agreement: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
