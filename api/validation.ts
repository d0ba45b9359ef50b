import type { FastifySchemaValidationError } from 'fastify';

/**
 * One clear line for a request that fails its schema: where (`body.status`, `querystring.limit`),
 * what was wrong, and what is allowed when the schema says it.
 */
export function formatValidationError(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const error = errors[0];
  if (error === undefined) return new Error(`${dataVar} is not valid`);
  const path = dataVar + error.instancePath.replace(/\//g, '.');
  const params = error.params as Record<string, unknown>;
  let text: string;
  switch (error.keyword) {
    case 'additionalProperties':
      text = `${path} has an unknown property "${String(params.additionalProperty)}"`;
      break;
    case 'enum':
      text = `${path} must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
      break;
    case 'required':
      text = `${path} must have the property "${String(params.missingProperty)}"`;
      break;
    case 'format':
      text =
        params.format === 'instant'
          ? `${path} must be an RFC 3339 time with zone (2026-05-01T12:00:00Z) or an age such as 30m, 24h or 7d`
          : `${path} must be an RFC 3339 ${String(params.format)} with zone (2026-05-01T12:00:00Z)`;
      break;
    default:
      text = `${path} ${error.message ?? 'is not valid'}`;
  }
  return new Error(text);
}
