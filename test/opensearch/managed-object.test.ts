import t from 'tap';
import { decide, fingerprint, managedMeta } from '../../opensearch/managed-object.js';

t.test('fingerprints ignore key order and see every value', async (t) => {
  t.equal(fingerprint({ a: 1, b: { c: [1, 2] } }), fingerprint({ b: { c: [1, 2] }, a: 1 }));
  t.not(fingerprint({ a: 1, b: { c: [1, 2] } }), fingerprint({ a: 1, b: { c: [2, 1] } }));
  t.not(fingerprint({ a: '1' }), fingerprint({ a: 1 }));
  t.match(managedMeta({ a: 1 }, 3), { managed_by: 'siemad', schema_version: 3, fingerprint: fingerprint({ a: 1 }) });
});

t.test('decide: create, unchanged, upgrade, option change, foreign object, newer version', async (t) => {
  t.same(decide(undefined, 2, 'f'), { action: 'create' });
  t.same(decide({ version: 2, fingerprint: 'f' }, 2, 'f'), { action: 'unchanged' });
  t.same(decide({ version: 1, fingerprint: 'f' }, 2, 'f'), { action: 'update', detail: 'updated from v1 to v2' });
  t.same(decide({ version: 2, fingerprint: 'e' }, 2, 'f'), { action: 'update', detail: 'options changed' });
  t.same(decide({ version: undefined, fingerprint: undefined }, 2, 'f'), { action: 'update', detail: 'not written by siemad before' });
  t.match(decide({ version: 3, fingerprint: 'x' }, 2, 'f'), { action: 'skip', detail: /v3, newer than this siemad's v2/ });
});
