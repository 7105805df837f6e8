// The JSON Schema of the sites file (schema/sites-file.schema.json), generated from the zod schema the
// action validates with (sites-file-schema.ts's sitesFileSchema): the file as written (zod's input side), its keys'
// descriptions from the schema's own `.describe()`, unknown keys refused where the action refuses them.
// What zod cannot say by itself is added here: a field read through asText/asTextList (text-fields.ts's
// readAsText) also takes a YAML number or yes/no value, and for a list a single value. Checks written
// as code (exactly one of "ssm" or "cloudfront", the bundled documents' parameters) stay the action's.
// Pure; scripts/generate-schema.mjs writes it, __tests__/sites-file-schema.test.ts keeps it in sync.

import { z } from 'zod';
import { sitesFileSchema } from './sites-file-schema.js';
import { readAsText } from './text-fields.js';

type JsonSchema = Record<string, unknown>;

/** Where the generated schema is committed, from the repository root. */
export const SITES_FILE_SCHEMA_PATH = 'schema/sites-file.schema.json';

/** Whether `schema`, or a schema it was cloned from (`.describe()` clones), reads its value as text. */
function textReading(schema: z.core.$ZodType): { list: boolean } | undefined {
  for (let s: z.core.$ZodType | undefined = schema; s; s = s._zod.parent) {
    const found = readAsText.get(s);
    if (found) return found;
  }
  return undefined;
}

/** A text schema that also takes the number or yes/no value YAML may read there (asText). */
function scalarAsText(text: JsonSchema): JsonSchema {
  const pattern = typeof text.pattern === 'string' ? new RegExp(text.pattern, 'u') : undefined;
  // "true"/"false" are only worth allowing where the text they become would pass
  const booleanFits = !pattern || pattern.test('true') || pattern.test('false');
  return { ...text, type: ['string', 'number', ...(booleanFits ? ['boolean'] : [])] };
}

/** Rewrites `json` in place (zod's override hook edits the object it is given). */
function replaceWith(json: JsonSchema, replacement: JsonSchema): void {
  for (const key of Object.keys(json)) delete json[key];
  Object.assign(json, replacement);
}

function widenTextFields(ctx: { zodSchema: z.core.$ZodType; jsonSchema: JsonSchema }): void {
  const reading = textReading(ctx.zodSchema);
  if (!reading) return;
  const { description, title, ...rest } = ctx.jsonSchema;
  const annotations = {
    ...(title !== undefined && { title }),
    ...(description !== undefined && { description }),
  };
  if (!reading.list) {
    replaceWith(ctx.jsonSchema, { ...annotations, ...scalarAsText(rest) });
    return;
  }
  const item = scalarAsText((rest.items ?? { type: 'string' }) as JsonSchema);
  replaceWith(ctx.jsonSchema, { ...annotations, anyOf: [item, { ...rest, items: item }] });
}

/** The sites file's JSON Schema (draft-07), as an object. */
export function sitesFileJsonSchema(): JsonSchema {
  return z.toJSONSchema(sitesFileSchema, {
    target: 'draft-07',
    io: 'input',
    unrepresentable: 'throw',
    override: (ctx) => widenTextFields(ctx as { zodSchema: z.core.$ZodType; jsonSchema: JsonSchema }),
  }) as JsonSchema;
}

/** The committed file's exact text: two-space JSON and a final new line. */
export function sitesFileJsonSchemaText(): string {
  return `${JSON.stringify(sitesFileJsonSchema(), null, 2)}\n`;
}
