// A minimal checker of the API's answers against the OpenAPI document it serves: types, required
// and unknown properties, enums, formats, patterns, $ref and allOf. Shared by the API's integration tests.

export interface SchemaObject {
  $ref?: string;
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  nullable?: boolean;
  required?: string[];
  properties?: Record<string, SchemaObject>;
  additionalProperties?: boolean | SchemaObject;
  items?: SchemaObject;
  allOf?: SchemaObject[];
}

export interface OpenApi {
  paths: Record<string, Record<string, { operationId: string; security?: unknown[]; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, SchemaObject> };
}

/** Where `value` departs from the spec's schema (types, required and unknown properties, enums, formats). */
export function mismatches(spec: OpenApi, value: unknown, schema: SchemaObject, at = '$'): string[] {
  if (schema.$ref) return mismatches(spec, value, spec.components.schemas[schema.$ref.replace('#/components/schemas/', '')], at);
  if (value === null) return schema.nullable ? [] : [`${at}: null`];
  const errors: string[] = [];
  for (const part of schema.allOf ?? []) errors.push(...mismatches(spec, value, part, at));
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: not an object`];
      const record = value as Record<string, unknown>;
      for (const key of schema.required ?? []) if (!(key in record)) errors.push(`${at}.${key}: missing`);
      for (const [key, v] of Object.entries(record)) {
        const property = schema.properties?.[key];
        if (property) errors.push(...mismatches(spec, v, property, `${at}.${key}`));
        else if (typeof schema.additionalProperties === 'object') errors.push(...mismatches(spec, v, schema.additionalProperties, `${at}.${key}`));
        else if (!schema.additionalProperties) errors.push(`${at}.${key}: not in the spec`);
      }
      break;
    }
    case 'array':
      if (!Array.isArray(value)) return [`${at}: not an array`];
      value.forEach((v, i) => errors.push(...mismatches(spec, v, schema.items ?? {}, `${at}[${i}]`)));
      break;
    case 'string':
      if (typeof value !== 'string') return [`${at}: not a string`];
      if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) errors.push(`${at}: not a date-time`);
      if (schema.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) errors.push(`${at}: not a date`);
      if (schema.pattern && !new RegExp(schema.pattern).test(value)) errors.push(`${at}: does not match ${schema.pattern}`);
      break;
    case 'integer':
      if (!Number.isInteger(value)) errors.push(`${at}: not an integer`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push(`${at}: not a boolean`);
      break;
  }
  return errors;
}

/** The answer has exactly the shape the spec gives it. */
export function expectSpec(spec: OpenApi, body: unknown, schemaName: string): void {
  expect(spec.components.schemas[schemaName]).toBeDefined();
  expect(mismatches(spec, body, { $ref: `#/components/schemas/${schemaName}` })).toEqual([]);
}
