/**
 * Composable templates: component templates for the ECS mappings, the anomaly mappings and each
 * stream's index settings, and one index template per data stream composed of them.
 */
import { anomalyMappings, ecsMappings } from './ecs-mappings.js';
import type { OpenSearchLayout, StreamLayout } from './layout.js';
import { SCHEMA_VERSION, managedMeta, type ManagedMeta } from './managed-object.js';
import type { TemplateMappings } from './mapping-types.js';

export interface ComponentTemplateBody {
  version: number;
  _meta: ManagedMeta;
  template: { settings?: Record<string, unknown>; mappings?: TemplateMappings };
}

export interface IndexTemplateBody {
  version: number;
  _meta: ManagedMeta & { description: string };
  index_patterns: string[];
  data_stream: Record<string, never>;
  composed_of: string[];
  priority: number;
}

export interface NamedBody<Body> {
  name: string;
  body: Body;
}

// Above the priority of catch-all templates users commonly have (e.g. `logs-*` at 100).
const INDEX_TEMPLATE_PRIORITY = 500;

function component(template: ComponentTemplateBody['template']): ComponentTemplateBody {
  return { version: SCHEMA_VERSION, _meta: managedMeta(template), template };
}

function streamSettings(layout: OpenSearchLayout): Record<string, unknown> {
  const { options } = layout;
  return {
    'index.number_of_shards': options.shards,
    'index.number_of_replicas': options.replicas,
    'index.refresh_interval': options.refreshInterval,
    'index.codec': 'best_compression',
    'index.mapping.total_fields.limit': options.totalFieldsLimit,
    // A malformed value (an `ip` that is not an address) drops that field, not the whole event.
    'index.mapping.ignore_malformed': true,
    'index.query.default_field': ['message'],
  };
}

export function componentTemplates(layout: OpenSearchLayout): NamedBody<ComponentTemplateBody>[] {
  const settings = streamSettings(layout);
  return [
    { name: layout.ecsComponent, body: component({ mappings: ecsMappings() }) },
    { name: layout.anomalyComponent, body: component({ mappings: anomalyMappings() }) },
    ...layout.streams.map((stream) => ({ name: stream.settingsComponent, body: component({ settings }) })),
  ];
}

/** The component templates an index template of `stream` is composed of, in order. */
export function composedOf(layout: OpenSearchLayout, stream: StreamLayout): string[] {
  return [layout.ecsComponent, layout.anomalyComponent, stream.settingsComponent];
}

export function indexTemplates(layout: OpenSearchLayout): NamedBody<IndexTemplateBody>[] {
  return layout.streams.map((stream) => {
    const shape = {
      index_patterns: [stream.dataStream],
      data_stream: {},
      composed_of: composedOf(layout, stream),
      priority: INDEX_TEMPLATE_PRIORITY,
    };
    return {
      name: stream.indexTemplate,
      body: {
        version: SCHEMA_VERSION,
        _meta: { ...managedMeta(shape), description: `siemad ${stream.kind} data stream ${stream.dataStream}` },
        ...shape,
      },
    };
  });
}
