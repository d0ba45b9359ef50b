import t from 'tap';
import { DATASOURCES, streamIndexPattern } from '../../grafana/datasources.js';
import { anomaliesQuery, logsQuery } from '../../grafana/opensearch-query.js';

t.test('numbers metrics and buckets in the order they are added, outermost bucket first', async (t) => {
  const query = JSON.parse(
    JSON.stringify(
      anomaliesQuery('anomaly.is_anomaly:true')
        .count()
        .terms('anomaly.reasons', 5)
        .overTime()
        .alias('{{term anomaly.reasons.keyword}}')
        .build(),
    ),
  );
  t.same(query, {
    refId: 'A',
    datasource: DATASOURCES.anomalies,
    queryType: 'lucene',
    query: 'anomaly.is_anomaly:true',
    alias: '{{term anomaly.reasons.keyword}}',
    timeField: '@timestamp',
    metrics: [{ id: '1', type: 'count' }],
    bucketAggs: [
      {
        id: '2',
        type: 'terms',
        field: 'anomaly.reasons.keyword',
        settings: { size: '5', order: 'desc', orderBy: '_count', min_doc_count: '1' },
      },
      { id: '3', type: 'date_histogram', field: '@timestamp', settings: { interval: 'auto', min_doc_count: '0', trimEdges: '0' } },
    ],
  });
});

t.test('raw data, cardinality, max and histogram queries', async (t) => {
  t.same(logsQuery('*').rawData(50).build().metrics, [
    { id: '1', type: 'raw_data', settings: { size: '50', order: 'desc', useTimeRange: true } },
  ]);
  t.same(anomaliesQuery('*').cardinality('anomaly.entity').max('event.risk_score_norm').build().metrics, [
    { id: '1', type: 'cardinality', field: 'anomaly.entity' },
    { id: '2', type: 'max', field: 'event.risk_score_norm' },
  ]);
  t.same(anomaliesQuery('*').count().histogram('event.risk_score_norm', 5).build().bucketAggs, [
    { id: '2', type: 'histogram', field: 'event.risk_score_norm', settings: { interval: '5', min_doc_count: '0' } },
  ]);
});

t.test('a query without a metric does not build', async (t) => {
  t.throws(() => logsQuery('*').terms('event.dataset', 5).build(), /has no metric/);
});

t.test('index patterns cover every namespace of the default prefix without overlapping', async (t) => {
  t.equal(streamIndexPattern('logs'), 'logs-siemad-*');
  t.equal(streamIndexPattern('anomalies'), 'logs-siemad.anomalies-*');
});
