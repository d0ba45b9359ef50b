// Loads models/current-style output (model.json + ONNX) with onnxruntime-node, applies the sidecar's
// preprocessing and calibration exactly as documented, and compares every step with the Python
// reference values in FIXTURE (written by test_node_agreement.py). Exits 1 on any disagreement.
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
const d = sidecar.features.length;
let failures = 0;

function report(label, diff, tolerance) {
  const ok = diff <= tolerance;
  if (!ok) failures += 1;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}: max abs diff ${diff.toExponential(3)} (tolerance ${tolerance})`);
}

function maxAbsDiff(a, b) {
  let worst = 0;
  for (let i = 0; i < a.length; i += 1) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

// Preprocessing: transform, then (x - center) / scale in double precision, rounded once to float32.
const input = new Float32Array(rows.length * d);
rows.forEach((row, r) => {
  sidecar.features.forEach((feature, f) => {
    const x = feature.transform === 'log1p' ? Math.log1p(row[f]) : row[f];
    input[r * d + f] = (x - feature.center) / feature.scale;
  });
});
report('scaled input vs numpy', maxAbsDiff(input, fixture.scaled.flat()), 1e-5);

function calibratedRisk(calibration, s) {
  const { raw, risk, tail_scale: tailScale } = calibration;
  const last = raw.length - 1;
  if (s > raw[last]) return 1 - (1 - risk[last]) * Math.exp(-(s - raw[last]) / tailScale);
  if (s <= raw[0]) return risk[0];
  let i = 0;
  while (s > raw[i + 1]) i += 1;
  return risk[i] + ((risk[i + 1] - risk[i]) * (s - raw[i])) / (raw[i + 1] - raw[i]);
}

const ensemble = new Float64Array(rows.length);
for (const model of sidecar.models) {
  const session = await ort.InferenceSession.create(join(modelDir, model.file));
  const feeds = { [sidecar.input_name]: new ort.Tensor('float32', input, [rows.length, d]) };
  const result = await session.run(feeds, [model.output_name]);
  const output = result[model.output_name];
  console.log(`${model.name}: inputs ${JSON.stringify(session.inputNames)}, outputs ${JSON.stringify(session.outputNames)}, ` +
    `${model.output_name} ${output.type} dims ${JSON.stringify(output.dims)}`);
  if (output.dims.length !== 2 || output.dims[0] !== rows.length || output.dims[1] !== 1) {
    failures += 1;
    console.log(`FAIL ${model.name}: expected dims [${rows.length}, 1]`);
  }
  const expected = fixture.outputs[model.name];
  const scale = Math.max(...expected.map(Math.abs), 1);
  report(`${model.name} output vs onnxruntime (Python)`, maxAbsDiff(output.data, expected), 1e-6 * scale);
  const risks = Array.from(output.data, (value) => calibratedRisk(model.calibration, model.orientation * value));
  report(`${model.name} calibrated risk vs Python`, maxAbsDiff(risks, fixture.risks[model.name]), 1e-9);
  risks.forEach((risk, r) => { ensemble[r] = Math.max(ensemble[r], model.weight * risk); });

  // Single-event latency, as the collector scores inline.
  const one = { [sidecar.input_name]: new ort.Tensor('float32', input.slice(0, d), [1, d]) };
  const calls = 2000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i += 1) await session.run(one, [model.output_name]);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${model.name}: ${Math.round(calls / seconds)} single-row runs/s`);
}
report('ensemble risk vs Python', maxAbsDiff(ensemble, fixture.ensemble), 1e-9);
const flagged = Array.from(ensemble).filter((risk) => risk >= sidecar.levels.low).length;
console.log(`${rows.length} rows, ${flagged} at risk >= ${sidecar.levels.low}`);
console.log(failures === 0 ? 'node agreement: all checks passed' : `node agreement: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
