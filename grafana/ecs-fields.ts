/**
 * Event fields as the dashboards query them: dotted paths typed from `EcsEvent` (a renamed field
 * stops the build at compile time) and checked against the index mappings (a field that is not
 * mapped, or cannot be aggregated, throws when the dashboards are generated).
 */
import type { EcsEvent } from '../collector/ecs/event.js';
import { ANOMALY_PROPERTIES, ECS_PROPERTIES } from '../opensearch/ecs-mappings.js';

type Leaf = string | number | boolean;

/** Dotted paths of the leaves of T; a string-keyed record (flat object) is a leaf. */
type LeafPaths<T, Prefix extends string = ''> = {
  [K in keyof T & string]-?: NonNullable<T[K]> extends Leaf | readonly Leaf[]
    ? `${Prefix}${K}`
    : string extends keyof NonNullable<T[K]>
      ? `${Prefix}${K}`
      : LeafPaths<NonNullable<T[K]>, `${Prefix}${K}.`>;
}[keyof T & string];

export type EcsFieldPath = LeafPaths<EcsEvent>;

/** A leaf mapping as far as queries care: its type, whether it has doc values, its sub-fields. */
export interface LeafMapping {
  type: string;
  doc_values?: boolean;
  index?: boolean;
  fields?: Record<string, { type: string }>;
}

const ROOT: Record<string, unknown> = { ...ECS_PROPERTIES, ...ANOMALY_PROPERTIES };

/** Types OpenSearch can aggregate and sort on (through doc values). */
const AGGREGATABLE_TYPES: ReadonlySet<string> = new Set([
  'keyword',
  'long',
  'integer',
  'short',
  'byte',
  'double',
  'float',
  'half_float',
  'ip',
  'date',
  'boolean',
]);

/** The mapping of a dotted path (sub-fields such as `message.keyword` included), or undefined. */
export function mappingOf(path: string): LeafMapping | undefined {
  let properties: Record<string, unknown> | undefined = ROOT;
  let leaf: LeafMapping | undefined;
  for (const part of path.split('.')) {
    if (leaf !== undefined) {
      // Only a multi-field can follow a leaf.
      const sub: { type: string } | undefined = leaf.fields?.[part];
      if (sub === undefined) return undefined;
      leaf = sub;
      continue;
    }
    const node = properties?.[part] as { properties?: Record<string, unknown>; type?: string } | undefined;
    if (node === undefined) return undefined;
    if (node.properties !== undefined) {
      properties = node.properties;
    } else {
      leaf = node as LeafMapping;
      properties = undefined;
    }
  }
  return leaf;
}

export function isAggregatable(mapping: LeafMapping): boolean {
  return AGGREGATABLE_TYPES.has(mapping.type) && mapping.doc_values !== false && mapping.index !== false;
}

/**
 * The field to aggregate or sort `path` by: the path itself, or its `keyword` sub-field when the
 * field is text. Throws when neither is aggregatable, so a dashboard cannot ask for a terms
 * aggregation OpenSearch would refuse.
 */
export function aggregatable(path: EcsFieldPath): string {
  const mapping = mappingOf(path);
  if (mapping === undefined) throw new Error(`dashboard field ${path} is not in the index mappings`);
  if (isAggregatable(mapping)) return path;
  const keyword = mapping.fields?.keyword;
  if (keyword !== undefined && isAggregatable(keyword)) return `${path}.keyword`;
  throw new Error(`dashboard field ${path} (${mapping.type}) cannot be aggregated`);
}

/** A field that must be searchable (a Lucene clause or a column); throws when it is not mapped or not indexed. */
export function searchable(path: EcsFieldPath): EcsFieldPath {
  const mapping = mappingOf(path);
  if (mapping === undefined) throw new Error(`dashboard field ${path} is not in the index mappings`);
  if (mapping.index === false) throw new Error(`dashboard field ${path} is not indexed`);
  return path;
}

function quote(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `field:value`, or `field:("a" OR "b")` for several values. */
export function luceneTerm(path: EcsFieldPath, ...values: readonly (string | number | boolean)[]): string {
  if (values.length === 0) throw new Error(`luceneTerm(${path}) needs a value`);
  const field = searchable(path);
  return values.length === 1 ? `${field}:${quote(values[0]!)}` : `${field}:(${values.map(quote).join(' OR ')})`;
}

/** Clauses joined with AND (Lucene query string syntax, also read by OpenSearch Dashboards). */
export function luceneAnd(...clauses: readonly string[]): string {
  return clauses.join(' AND ');
}

/**
 * `field:$variable`: Grafana formats the variable's value(s) for Lucene itself (`("a" OR "b")`
 * for several), so the value must not be quoted here.
 */
export function luceneVariable(path: EcsFieldPath, variable: string): string {
  return `${searchable(path)}:$${variable}`;
}
