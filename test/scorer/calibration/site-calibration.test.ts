import t from 'tap';
import { SiteCalibration, type CalibrationOptions } from '../../../scorer/calibration/site-calibration.js';

const OPTIONS: CalibrationOptions = { budgetPer10k: 10, warmupEvents: 2000, ceiling: 0.8, maxShiftPerHour: 0.05, low: 0.4 };
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 2);
const WEB = 2;

/** A deterministic stream of risks: most benign traffic low, `share` of it at `shifted`. */
function* benign(
  hours: number,
  perHour: number,
  actors: number,
  shifted: number,
  share: number,
  start = T0,
): Generator<[time: number, r0: number, actor: string]> {
  let k = 0;
  for (let h = 0; h < hours; h++) {
    for (let i = 0; i < perHour; i++, k++) {
      const r0 = k % Math.round(1 / share) === 0 ? shifted : 0.05 + ((k * 7919) % 1000) / 4000;
      yield [start + h * HOUR + (i * HOUR) / perHour, r0, `198.51.100.${k % actors}`];
    }
  }
}

/** Feeds a stream; returns the share of its last `tailHours` hours that came out flagged (risk >= low). */
function feed(calibration: SiteCalibration, stream: Iterable<[number, number, string]>, tailFrom = 0): { flagged: number; events: number } {
  let flagged = 0;
  let events = 0;
  for (const [time, r0, actor] of stream) {
    calibration.advance(time);
    const risk = calibration.risk(WEB, r0, time, actor);
    if (time >= tailFrom) {
      events++;
      if (risk >= OPTIONS.low) flagged++;
    }
  }
  return { flagged, events };
}

t.test('a site whose benign traffic sits above the shipped threshold is brought within the budget after warm-up', async (t) => {
  const calibration = new SiteCalibration(OPTIONS);
  // 2% of the site's events (a web application's requests, say) at shipped risk 0.55: 200 per 10k.
  const result = feed(calibration, benign(72, 2000, 50, 0.55, 0.02), T0 + 48 * HOUR);
  const status = calibration.status()[WEB]!;
  t.ok(status.warm, 'warm');
  t.ok(status.threshold > 0.55 && status.threshold <= 0.8, `threshold rose above the shifted traffic: ${status.threshold}`);
  t.ok(
    (result.flagged / result.events) * 10_000 <= 10,
    `flags per 10k in the last day: ${((result.flagged / result.events) * 10_000).toFixed(1)}`,
  );
});

t.test('until warm-up the shipped threshold holds', async (t) => {
  const calibration = new SiteCalibration({ ...OPTIONS, warmupEvents: 1_000_000 });
  const result = feed(calibration, benign(72, 2000, 50, 0.55, 0.02), T0 + 48 * HOUR);
  t.equal(calibration.status()[WEB]!.threshold, 0.4);
  t.equal(calibration.status()[WEB]!.warm, false);
  t.ok(result.flagged / result.events > 0.015, 'the shifted traffic stays flagged');
});

t.test('the threshold moves at most the configured shift per hour', async (t) => {
  const calibration = new SiteCalibration(OPTIONS);
  const thresholds: number[] = [];
  for (const [time, r0, actor] of benign(60, 2000, 50, 0.75, 0.05)) {
    calibration.advance(time);
    calibration.risk(WEB, r0, time, actor);
    if ((time - T0) % HOUR === 0) thresholds.push(calibration.status()[WEB]!.threshold);
  }
  for (let h = 1; h < thresholds.length; h++)
    t.ok(thresholds[h]! - thresholds[h - 1]! <= 0.05 + 1e-9, `hour ${h}: ${thresholds[h - 1]} -> ${thresholds[h]}`);
  t.ok(thresholds.at(-1)! > 0.75, 'and gets there in the end');
});

t.test('an attack from new addresses cannot teach itself normal', async (t) => {
  const calibration = new SiteCalibration(OPTIONS);
  feed(calibration, benign(48, 2000, 50, 0.3, 0.01));
  const before = calibration.status()[WEB]!.threshold;
  // Two hours of a scan: 500 requests a minute from addresses never seen before, all at 0.7.
  const attack: [number, number, string][] = [];
  for (let m = 0; m < 120; m++)
    for (let i = 0; i < 500; i++) attack.push([T0 + 48 * HOUR + m * 60_000 + i * 100, 0.7, `203.0.113.${(m * 500 + i) % 250}`]);
  const result = feed(calibration, attack);
  t.equal(calibration.status()[WEB]!.threshold, before, 'threshold unchanged');
  t.equal(result.flagged, result.events, 'every attack event flagged');
});

t.test('shipped risks at the ceiling are flagged whatever the site has learnt', async (t) => {
  const calibration = new SiteCalibration(OPTIONS);
  feed(calibration, benign(72, 2000, 50, 0.79, 0.2));
  t.ok(calibration.status()[WEB]!.threshold <= 0.8);
  t.ok(calibration.risk(WEB, 0.8, T0 + 72 * HOUR, '198.51.100.1') >= 0.4);
  t.ok(calibration.risk(WEB, 0.95, T0 + 72 * HOUR, '198.51.100.1') > 0.6, 'and rank above the edge');
});

t.test('saved state restores thresholds, baselines and familiar actors; bad state is refused', async (t) => {
  const calibration = new SiteCalibration(OPTIONS);
  feed(calibration, benign(72, 2000, 50, 0.55, 0.02));
  const state = JSON.parse(JSON.stringify(calibration.save())) as unknown;
  const restored = new SiteCalibration(OPTIONS);
  t.ok(restored.load(state));
  t.same(restored.status(), calibration.status());
  const next = T0 + 72 * HOUR;
  t.equal(restored.risk(WEB, 0.5, next, '198.51.100.3'), calibration.risk(WEB, 0.5, next, '198.51.100.3'), 'same answers after a restart');
  const fresh = new SiteCalibration(OPTIONS);
  t.notOk(fresh.load({ version: 99 }));
  t.notOk(fresh.load({ version: 2, families: { web: { threshold: 'x', observed: 1, buckets: [] } } }));
  t.notOk(
    fresh.load({
      version: 2,
      families: { web: { threshold: 0.5, observed: 1, buckets: [{ day: 1, flagged: 0, sketch: 'not a sketch' }] } },
    }),
  );
  t.equal(fresh.status()[WEB]!.threshold, 0.4, 'a refused state leaves the fresh one');
});
