import t from 'tap';
import {
  decodeRecord,
  encodeRecords,
  isUsableId,
  MAX_ID_BYTES,
  TARGET_ANOMALIES,
  TARGET_LOGS,
} from '../../../opensearch/indexer/record.js';

t.test('records decode to the targets, append time, id and JSON they were encoded with', async (t) => {
  const inputs = [
    { targets: TARGET_LOGS, id: 'abc', json: '{"message":"plain"}' },
    { targets: TARGET_LOGS | TARGET_ANOMALIES, id: 'ünïcødé-id', json: '{"message":"🚨 anomalous","anomaly":{"is_anomaly":true}}' },
  ];
  const records = encodeRecords(inputs, 1_700_000_000_123.5);
  t.equal(records.length, 2);
  const decoded = records.map((record) => decodeRecord(Buffer.from(record)));
  t.same(
    decoded.map((entry) => (typeof entry === 'string' ? entry : { ...entry, json: entry.json.toString('utf8') })),
    inputs.map((input) => ({ ...input, appendedAt: 1_700_000_000_123.5 })),
  );
});

t.test('a payload that is no record is reported, never thrown', async (t) => {
  const [valid] = encodeRecords([{ targets: TARGET_LOGS, id: 'id', json: '{}' }], 1);
  const cases: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['short header', Buffer.from([1, 1, 0])],
    ['unknown version', Buffer.concat([Buffer.from([9]), valid!.subarray(1)])],
    ['no target', Buffer.concat([Buffer.from([1, 0]), valid!.subarray(2)])],
    ['unknown target bit', Buffer.concat([Buffer.from([1, 4]), valid!.subarray(2)])],
    ['id longer than the record', Buffer.concat([valid!.subarray(0, 10), Buffer.from([0xff, 0x00]), valid!.subarray(12)])],
    ['JSON text instead of a record', Buffer.from('{"message":"x"}')],
  ];
  for (const [name, payload] of cases) t.type(decodeRecord(payload), 'string', name);
});

t.test('usable ids are 1 to 512 bytes of text', async (t) => {
  t.ok(isUsableId('Zj5Y0cp3urFoJMCZOE2Kin'));
  t.ok(isUsableId('x'.repeat(MAX_ID_BYTES)));
  t.notOk(isUsableId('x'.repeat(MAX_ID_BYTES + 1)));
  t.notOk(isUsableId('é'.repeat(MAX_ID_BYTES / 2 + 1)), 'bytes count, not characters');
  t.notOk(isUsableId(''));
  t.notOk(isUsableId(42));
  t.notOk(isUsableId(undefined));
});
