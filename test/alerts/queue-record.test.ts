import t from 'tap';
import type { AlertAnomaly } from '../../alerts/anomaly.js';
import { decodeAnomaly, encodeAnomaly } from '../../alerts/queue-record.js';

const anomaly: AlertAnomaly = {
  eventId: 'Q76cAp-DVU1a0AB66P0ZRK',
  time: Date.parse('2026-11-02T10:00:00Z'),
  entity: 'source.ip=198.51.100.7',
  kind: 'brute_force',
  level: 'critical',
  score: Math.fround(0.9999),
  reason: '6 failed login attempts from 198.51.100.7 in 1 h (normal: ≤ 2)',
  host: 'bastion-1',
  features: [0, 1.5, Math.fround(0.1), Number.NaN, 1e6, -3],
};

t.test('a record gives back the anomaly, its float32 feature row included (NaN too)', async (t) => {
  const record = encodeAnomaly(anomaly);
  t.equal(record[0], 2, 'the binary layout');
  t.equal(
    record.length,
    16 + 6 * 4 + 7 * 2 + Buffer.byteLength(anomaly.eventId + anomaly.entity + anomaly.kind + anomaly.reason! + anomaly.host!),
  );
  const decoded = decodeAnomaly(record)!;
  t.same({ ...decoded, features: undefined }, { ...anomaly, features: undefined });
  t.same(decoded.features!.slice(0, 3), [0, 1.5, Math.fround(0.1)]);
  t.ok(Number.isNaN(decoded.features![3]), 'a missing value stays missing');
  t.same(decoded.features!.slice(4), [1e6, -3]);
  t.same(decodeAnomaly(encodeAnomaly({ ...anomaly, features: undefined }))?.features, undefined);
});

t.test("the scorer's row given apart from the anomaly (a Float32Array) is the one written", async (t) => {
  const decoded = decodeAnomaly(encodeAnomaly({ ...anomaly, features: undefined }, new Float32Array([0.25, 3])))!;
  t.same(decoded.features, [0.25, 3]);
  t.same({ ...decoded, features: undefined }, { ...anomaly, features: undefined });
});

t.test('a truncated or corrupted binary record is refused, never misread', async (t) => {
  const record = encodeAnomaly(anomaly);
  for (let cut = 0; cut < record.length; cut++) t.equal(decodeAnomaly(record.subarray(0, cut)), undefined, `cut at ${cut}`);
  const badLevel = Buffer.from(record);
  badLevel[13] = 9;
  t.equal(decodeAnomaly(badLevel), undefined, 'no such level');
  const tooManyFeatures = Buffer.from(record);
  tooManyFeatures.writeUInt16LE(5000, 14);
  t.equal(decodeAnomaly(tooManyFeatures), undefined, 'more features than allowed');
});

t.test('records of earlier versions (JSON: base64 or decimal rows) still read; broken ones are refused', async (t) => {
  const base64 = Buffer.from(new Float32Array([0.5, 2]).buffer).toString('base64');
  t.same(decodeAnomaly(Buffer.from(JSON.stringify({ ...anomaly, features: base64 })))!.features, [0.5, 2]);
  const earlier = Buffer.from(JSON.stringify({ ...anomaly, features: [0.5, null, 2] }));
  const decoded = decodeAnomaly(earlier)!;
  t.same(decoded.features!.slice(0, 1), [0.5]);
  t.ok(Number.isNaN(decoded.features![1]));
  t.same(decodeAnomaly(Buffer.from(JSON.stringify({ ...anomaly, features: 'AAA' })))?.features, undefined, 'not whole floats: no row');
  t.equal(decodeAnomaly(Buffer.from('{not json')), undefined);
  t.equal(decodeAnomaly(Buffer.from(JSON.stringify({ ...anomaly, level: 'extreme' }))), undefined);
});
