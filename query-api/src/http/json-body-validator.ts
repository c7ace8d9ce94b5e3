import { Ajv, type Options } from "ajv";
import addFormats from "ajv-formats";
import type { FastifySchemaCompiler } from "fastify";

/**
 * Fastify's own options (@fastify/ajv-compiler) except `coerceTypes`: Fastify coerces every part,
 * which a query string needs ("5" is a number there) but which turns a JSON body's `null` into 0
 * and `false` into "false". A body is JSON: it has types of its own, and a wrong one is a 400.
 */
const BODY_OPTIONS: Options = { coerceTypes: false, useDefaults: true, removeAdditional: true, allErrors: false, allowUnionTypes: true, addUsedSchema: false };

/**
 * A route's validatorCompiler for its JSON body: validated as sent, without Fastify's type coercion.
 * It compiles every part of the route it is given, and knows none of app.addSchema's shared schemas:
 * for routes whose only schema is a self-contained body (the two writes).
 */
export function jsonBodyValidator(): FastifySchemaCompiler<unknown> {
  const ajv = new Ajv(BODY_OPTIONS);
  addFormats(ajv);
  return ({ schema }) => ajv.compile(schema as object);
}
