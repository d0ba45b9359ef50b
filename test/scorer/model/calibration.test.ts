/**
 * The shipped calibration (models/README.md, "Calibration"): a raw oriented score becomes a risk
 * in [0, 1], piecewise-linear between the knots and an exponential tail beyond the last one.
 */
import t from 'tap';
import { calibrate } from '../../../scorer/model/calibration.js';
import { loadSidecar, type Calibration } from '../../../scorer/model/sidecar.js';
import { FAMILIES } from '../../../scorer/features/definitions.js';
import { MODEL_DIR } from '../../helpers/models.js';

const KNOTS: Calibration = { raw: [-0.5, -0.1, 0.2, 0.3, 0.5], risk: [0, 0.05, 0.15, 0.3, 0.4], tail_scale: 0.2 };

/** Raw scores from well below the first knot to far beyond the last, in fine steps. */
function sweep(calibration: Calibration): number[] {
  const first = calibration.raw[0]!;
  const last = calibration.raw.at(-1)!;
  const from = first - Math.abs(last - first) - 1;
  const to = last + 20 * calibration.tail_scale;
  const steps = 4000;
  const scores = Array.from({ length: steps + 1 }, (_, i) => from + ((to - from) * i) / steps);
  return [...scores, ...calibration.raw].sort((a, b) => a - b);
}

t.test('each knot maps to its risk', async (t) => {
  for (const [i, raw] of KNOTS.raw.entries()) t.equal(calibrate(KNOTS, raw), KNOTS.risk[i], `knot ${i}`);
});

t.test('below the first knot the risk is the first knot risk', async (t) => {
  t.equal(calibrate(KNOTS, -0.5000001), 0);
  t.equal(calibrate(KNOTS, -1e9), 0);
  t.equal(calibrate(KNOTS, Number.NEGATIVE_INFINITY), 0);
});

t.test('between knots the risk is linear in the score', async (t) => {
  t.ok(Math.abs(calibrate(KNOTS, 0.25) - 0.225) < 1e-12, 'midway between 0.2 → 0.15 and 0.3 → 0.3');
  t.ok(Math.abs(calibrate(KNOTS, -0.3) - 0.025) < 1e-12, 'midway between the first two knots');
  t.ok(Math.abs(calibrate(KNOTS, 0.45) - 0.375) < 1e-12, 'three quarters into the last segment');
});

t.test('beyond the last knot: 1 - (1 - r_last) * exp(-(s - s_last) / tail_scale)', async (t) => {
  for (const beyond of [0.01, 0.2, 0.5, 1, 3]) {
    const expected = 1 - (1 - 0.4) * Math.exp(-beyond / 0.2);
    t.ok(Math.abs(calibrate(KNOTS, 0.5 + beyond) - expected) < 1e-12, `last knot + ${beyond}`);
  }
  t.ok(calibrate(KNOTS, 0.5 + 100) <= 1, 'never above 1');
  t.equal(calibrate(KNOTS, Number.POSITIVE_INFINITY), 1);
});

t.test('is continuous at every knot, including where the tail begins', async (t) => {
  for (const raw of KNOTS.raw) {
    t.ok(Math.abs(calibrate(KNOTS, raw - 1e-9) - calibrate(KNOTS, raw + 1e-9)) < 1e-6, `at ${raw}`);
  }
});

t.test('repeated knots (a flat stretch of benign scores) keep the map monotone', async (t) => {
  const flat: Calibration = { raw: [0, 1, 1, 1, 2], risk: [0, 0.05, 0.15, 0.3, 0.4], tail_scale: 1 };
  t.equal(calibrate(flat, 1), 0.3, 'a score on the repeated knot takes the highest risk there');
  let previous = -1;
  const falls: number[] = [];
  for (const score of sweep(flat)) {
    const risk = calibrate(flat, score);
    if (risk < previous) falls.push(score);
    previous = risk;
  }
  t.strictSame(falls, [], 'no score gets less risk than a lower one');
  const tail: Calibration = { raw: [0, 1, 1], risk: [0, 0.3, 0.4], tail_scale: 1 };
  t.equal(calibrate(tail, 1), 0.4, 'a repeated last knot starts the tail at its risk');
});

t.test('a score that is not a number gets the lowest risk, never NaN', async (t) => {
  t.equal(calibrate(KNOTS, Number.NaN), 0);
});

t.test('every committed model: knots give 0, 0.05, 0.15, 0.3, 0.4 and the map is monotone into [0, 1]', async (t) => {
  const sidecar = loadSidecar(MODEL_DIR);
  let models = 0;
  for (const family of FAMILIES) {
    for (const model of sidecar.families[family].models) {
      models++;
      const { calibration } = model;
      t.strictSame(calibration.risk, [0, 0.05, 0.15, 0.3, 0.4], `${family}.${model.name} risks at the knots`);
      for (const [i, raw] of calibration.raw.entries()) {
        t.equal(calibrate(calibration, raw), calibration.risk[i], `${family}.${model.name} knot ${i}`);
      }
      let previous = 0;
      let violations = 0;
      for (const score of sweep(calibration)) {
        const risk = calibrate(calibration, score);
        if (risk < previous || risk < 0 || risk > 1) violations++;
        previous = risk;
      }
      t.equal(violations, 0, `${family}.${model.name}: monotone, within [0, 1]`);
      t.ok(previous > 0.99, `${family}.${model.name}: far beyond the last knot the risk nears 1 (${previous})`);
    }
  }
  t.equal(models, FAMILIES.length * 2, 'two models per family');
});
