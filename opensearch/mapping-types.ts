/**
 * OpenSearch mapping types tied to TypeScript types: `PropertiesOf<T>` demands a mapping for every
 * field of T (no more, no fewer) and a field type that fits the TypeScript type, so a field added
 * to the event type does not compile until it is mapped.
 */

/** Sub-fields (multi-fields) of a string field, e.g. `message.keyword`. */
export type SubFields = Record<string, KeywordMapping | TextMapping>;

export interface KeywordMapping {
  type: 'keyword';
  /** Longer values are kept in _source but not indexed. */
  ignore_above?: number;
  /** false: stored in _source only (not searchable, not aggregatable). */
  index?: boolean;
  doc_values?: boolean;
  fields?: SubFields;
}
export interface TextMapping {
  /** match_only_text (OpenSearch 2.12+): no positions/scores kept, much smaller than text. */
  type: 'text' | 'match_only_text';
  fields?: SubFields;
}
export interface IpMapping {
  type: 'ip';
}
export interface DateMapping {
  type: 'date';
  format?: string;
}
export type StringFieldMapping = KeywordMapping | TextMapping | IpMapping | DateMapping;
export interface NumberFieldMapping {
  type: 'long' | 'integer' | 'short' | 'byte' | 'double' | 'float' | 'half_float';
}
export interface BooleanFieldMapping {
  type: 'boolean';
}
/** A point on Earth: `{ lat, lon }` objects (ECS `*.geo.location`), for maps and distance queries. */
export interface GeoPointMapping {
  type: 'geo_point';
}
/** A whole object indexed as one field of keywords (OpenSearch 2.7+): its keys never add mappings. */
export interface FlatObjectMapping {
  type: 'flat_object';
}
/** An object whose keys are mapped on first sight by a dynamic template (bounded by total_fields.limit). */
export interface DynamicObjectMapping {
  type: 'object';
  dynamic: true;
}

export interface ObjectMapping<T> {
  /** false: unknown fields are kept in _source but never mapped. */
  dynamic?: false;
  properties: PropertiesOf<T>;
}

/** The mapping allowed for a value of TypeScript type V. */
export type MappingFor<V> = [V] extends [string]
  ? StringFieldMapping
  : [V] extends [number]
    ? NumberFieldMapping
    : [V] extends [boolean]
      ? BooleanFieldMapping
      : V extends readonly (infer Element)[]
        ? MappingFor<Element>
        : string extends keyof V
          ? FlatObjectMapping | DynamicObjectMapping
          : V extends { lat: number; lon: number }
            ? GeoPointMapping
            : V extends object
              ? ObjectMapping<V>
              : never;

export type PropertiesOf<T> = { [K in keyof T]-?: MappingFor<NonNullable<T[K]>> };

/** A mapping template applied to fields added dynamically (see DynamicObjectMapping). */
export interface DynamicTemplate {
  path_match: string;
  mapping: NumberFieldMapping | KeywordMapping | BooleanFieldMapping;
}

/** The `mappings` section of a component template. */
export interface TemplateMappings {
  dynamic?: false;
  dynamic_templates?: Array<Record<string, DynamicTemplate>>;
  properties: Record<string, unknown>;
}
