import t from 'tap';
import { aggregatable, luceneAnd, luceneTerm, luceneVariable, mappingOf, searchable, type EcsFieldPath } from '../../grafana/ecs-fields.js';

t.test('aggregates keyword, ip, number and date fields as they are and text through its keyword sub-field', async (t) => {
  t.equal(aggregatable('source.ip'), 'source.ip');
  t.equal(aggregatable('destination.port'), 'destination.port');
  t.equal(aggregatable('event.dataset'), 'event.dataset');
  t.equal(aggregatable('@timestamp'), '@timestamp');
  t.equal(aggregatable('anomaly.reasons'), 'anomaly.reasons.keyword');
  t.equal(aggregatable('message'), 'message.keyword');
});

t.test('refuses fields OpenSearch cannot aggregate or that are not mapped', async (t) => {
  t.throws(() => aggregatable('event.original'), /cannot be aggregated/, 'stored only, not indexed');
  t.throws(() => aggregatable('error.message'), /cannot be aggregated/, 'text without a keyword sub-field');
  t.throws(() => aggregatable('no.such.field' as EcsFieldPath), /not in the index mappings/);
  t.throws(() => searchable('event.original'), /not indexed/);
});

t.test('resolves sub-fields and stops at unknown ones', async (t) => {
  t.equal(mappingOf('anomaly.reasons.keyword')?.type, 'keyword');
  t.equal(mappingOf('user.target.group.name')?.type, 'keyword');
  t.equal(mappingOf('source.ip.keyword'), undefined);
  t.equal(mappingOf('source'), undefined, 'an object is not a field');
});

t.test('builds Lucene clauses with quoted and escaped values', async (t) => {
  t.equal(luceneTerm('event.dataset', 'iptables.log'), 'event.dataset:"iptables.log"');
  t.equal(luceneTerm('anomaly.is_anomaly', true), 'anomaly.is_anomaly:true');
  t.equal(luceneTerm('anomaly.level', 'high', 'critical'), 'anomaly.level:("high" OR "critical")');
  t.equal(luceneTerm('user.name', 'a"b\\c'), 'user.name:"a\\"b\\\\c"');
  t.equal(luceneVariable('anomaly.level', 'level'), 'anomaly.level:$level');
  t.equal(luceneAnd('a:1', 'b:2'), 'a:1 AND b:2');
  t.throws(() => luceneTerm('user.name'), /needs a value/);
});
