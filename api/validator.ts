import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { isInstant } from './instant.js';

/**
 * Request validation. Query strings and path parameters are text, so their values are coerced to
 * the schema's types (`limit=20` is a number, one `status=open` a list); a JSON body is not: an
 * assignee of 42 is a mistake to report, not a string to invent. Unknown properties are errors.
 */
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function build(options: Options): Ajv {
  const ajv = new Ajv({ removeAdditional: false, useDefaults: true, allErrors: false, strict: false, ...options });
  addFormats(ajv);
  ajv.addFormat('instant', { type: 'string', validate: isInstant });
  return ajv;
}

export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const text = build({ coerceTypes: 'array' });
  const json = build({ coerceTypes: false });
  return ({ schema, httpPart }) => (httpPart === 'body' ? json : text).compile(schema as object);
}
