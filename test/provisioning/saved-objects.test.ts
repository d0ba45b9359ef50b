import t from 'tap';
import { TIME_FIELD, streamIndexPattern } from '../../grafana/datasources.js';
import { isAggregatable, mappingOf } from '../../grafana/ecs-fields.js';
import { INDEX_PATTERN_IDS, type SavedObject } from '../../grafana/opensearch-dashboards/saved-objects.js';
import { readRepoFile } from './provisioning-files.js';

const TYPES = new Set(['index-pattern', 'search', 'visualization', 'dashboard']);

const lines = readRepoFile('provisioning', 'opensearch-dashboards', 'saved-objects.ndjson').split('\n');
const objects = lines.filter((line) => line !== '').map((line) => JSON.parse(line) as SavedObject);

function searchSourceOf(object: SavedObject): { query?: { query: string; language: string }; filter?: unknown[]; indexRefName?: string } {
  const meta = object.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string } | undefined;
  return meta === undefined ? {} : (JSON.parse(meta.searchSourceJSON) as ReturnType<typeof searchSourceOf>);
}

function queryFields(query: string): string[] {
  return [...query.matchAll(/([A-Za-z_@][\w.@]*):/g)].map((match) => match[1]!);
}

t.test('every line is a saved object the import API reads, ending with a newline', async (t) => {
  t.equal(lines.at(-1), '', 'the file ends with a newline');
  t.equal(lines.filter((line) => line === '').length, 1, 'no blank lines');
  t.equal(new Set(objects.map((object) => `${object.type}:${object.id}`)).size, objects.length, 'ids unique per type');
  for (const object of objects) {
    t.ok(TYPES.has(object.type), `${object.id}: type ${object.type}`);
    t.match(object.id, /^siemad-[a-z0-9-]+$/, `${object.id}: a stable id`);
    t.type(object.attributes.title, 'string', `${object.id}: title`);
    t.ok(Array.isArray(object.references), `${object.id}: references`);
    // Attributes holding JSON text must hold valid JSON.
    for (const key of ['visState', 'uiStateJSON', 'panelsJSON', 'optionsJSON']) {
      const value = object.attributes[key];
      if (value !== undefined) t.doesNotThrow(() => JSON.parse(value as string), `${object.id}: ${key} is JSON`);
    }
    if (object.type !== 'index-pattern') t.doesNotThrow(() => searchSourceOf(object), `${object.id}: searchSourceJSON is JSON`);
  }
  t.same([...new Set(objects.map((object) => object.type))].sort(), ['dashboard', 'index-pattern', 'search', 'visualization']);
});

t.test('references resolve to objects earlier in the file, by the names the attributes use', async (t) => {
  const seen = new Map<string, SavedObject>();
  for (const object of objects) {
    for (const reference of object.references) {
      t.ok(seen.has(`${reference.type}:${reference.id}`), `${object.id} -> ${reference.type}:${reference.id} is defined before it`);
    }
    const names = new Set(object.references.map((reference) => reference.name));
    const source = searchSourceOf(object);
    if (source.indexRefName !== undefined) t.ok(names.has(source.indexRefName), `${object.id}: ${source.indexRefName} is a reference`);
    const savedSearch = object.attributes.savedSearchRefName as string | undefined;
    if (savedSearch !== undefined) t.ok(names.has(savedSearch), `${object.id}: ${savedSearch} is a reference`);
    if (object.type === 'search' || (object.type === 'visualization' && savedSearch === undefined)) {
      t.ok(source.indexRefName !== undefined, `${object.id} names its index pattern`);
    }
    if (object.type === 'dashboard') {
      const panels = JSON.parse(object.attributes.panelsJSON as string) as { panelRefName: string }[];
      t.ok(panels.length >= 6, `${object.id}: ${panels.length} panels`);
      for (const panel of panels) t.ok(names.has(panel.panelRefName), `${object.id}: ${panel.panelRefName} is a reference`);
    }
    seen.set(`${object.type}:${object.id}`, object);
  }
});

t.test('index patterns cover the logs and anomalies data streams, timed by @timestamp', async (t) => {
  const patterns = objects.filter((object) => object.type === 'index-pattern');
  t.same(
    patterns.map((object) => [object.id, object.attributes.title, object.attributes.timeFieldName]),
    [
      [INDEX_PATTERN_IDS.logs, streamIndexPattern('logs'), TIME_FIELD],
      [INDEX_PATTERN_IDS.anomalies, streamIndexPattern('anomalies'), TIME_FIELD],
    ],
  );
});

t.test('saved searches for failed logins, firewall denies and high and critical anomalies', async (t) => {
  const searches = new Map(objects.filter((object) => object.type === 'search').map((object) => [object.id, object]));
  const expectations: [id: string, pattern: string, query: RegExp][] = [
    ['siemad-failed-logins', INDEX_PATTERN_IDS.logs, /event\.category:"authentication" AND event\.outcome:"failure"/],
    ['siemad-firewall-denies', INDEX_PATTERN_IDS.logs, /event\.dataset:"iptables\.log" AND event\.type:"denied"/],
    ['siemad-anomalies-high-critical', INDEX_PATTERN_IDS.anomalies, /anomaly\.level:\("high" OR "critical"\)/],
  ];
  for (const [id, pattern, query] of expectations) {
    const search = searches.get(id);
    t.ok(search, `${id} exists`);
    if (search === undefined) continue;
    t.equal(search.references[0]?.id, pattern, `${id} searches ${pattern}`);
    const source = searchSourceOf(search);
    t.equal(source.query?.language, 'lucene');
    t.match(source.query?.query, query);
    t.same(search.attributes.sort, [[TIME_FIELD, 'desc']], `${id}: newest first`);
  }
});

t.test('searches and visualizations use mapped fields, and aggregate only aggregatable ones', async (t) => {
  let checked = 0;
  for (const object of objects) {
    for (const field of queryFields(searchSourceOf(object).query?.query ?? '')) {
      checked++;
      t.ok(mappingOf(field) !== undefined, `${object.id}: query field ${field} is mapped`);
    }
    for (const column of (object.attributes.columns as string[] | undefined) ?? []) {
      checked++;
      t.ok(mappingOf(column) !== undefined, `${object.id}: column ${column} is mapped`);
    }
    if (object.type !== 'visualization') continue;
    const visState = JSON.parse(object.attributes.visState as string) as {
      type: string;
      aggs: { id: string; type: string; schema: string; params: { field?: string } }[];
    };
    t.equal(
      visState.aggs.filter((agg) => agg.schema === 'metric')[0]?.id,
      '1',
      `${object.id}: the metric is agg 1, as the vis defaults expect`,
    );
    for (const agg of visState.aggs) {
      if (agg.params.field === undefined) continue;
      checked++;
      const mapping = mappingOf(agg.params.field);
      t.ok(mapping !== undefined && isAggregatable(mapping), `${object.id}: ${agg.type} on ${agg.params.field} (${mapping?.type})`);
    }
  }
  t.ok(checked >= 30, `${checked} fields checked`);
});
