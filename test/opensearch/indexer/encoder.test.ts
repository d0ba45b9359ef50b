import t from 'tap';
import { encodeBulkBody } from '../../../opensearch/indexer/encoder.js';

t.test('each document becomes a create action with its id, followed by the JSON as buffered', async (t) => {
  const body = encodeBulkBody([
    { index: 'logs-siemad-default', id: 'a1', json: Buffer.from('{"message":"one"}') },
    { index: 'logs-siemad.anomalies-default', id: 'quote"and\\slash', json: Buffer.from('{"message":"two ü"}') },
  ]);
  const lines = body.toString('utf8').split('\n');
  t.equal(lines.length, 5, 'four lines and the final newline');
  t.equal(lines[4], '');
  t.same(JSON.parse(lines[0]!), { create: { _index: 'logs-siemad-default', _id: 'a1' } });
  t.equal(lines[1], '{"message":"one"}');
  t.same(JSON.parse(lines[2]!), { create: { _index: 'logs-siemad.anomalies-default', _id: 'quote"and\\slash' } }, 'ids are JSON-escaped');
  t.equal(lines[3], '{"message":"two ü"}');
});

t.test('an empty bulk is an empty body', async (t) => {
  t.equal(encodeBulkBody([]).length, 0);
});
