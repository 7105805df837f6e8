// The text fields of the sites file that also take what YAML reads as a number or yes/no value (and,
// for a list, a single value): textField and textList build them for the zod schema, and readAsText is
// the registry of them that the JSON Schema (sites-file-json-schema.ts) widens to accept what the file
// may hold. Pure.

import { z } from 'zod';

/** YAML turns `2` and `true` into numbers and booleans; SSM wants text. */
const asText = (value: unknown) =>
  typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
const asTextList = (value: unknown) => (Array.isArray(value) ? value.map(asText) : [asText(value)]);

/**
 * The fields read through asText (`list: false`) or asTextList (`list: true`): the file may hold a
 * number or yes/no value there, and for a list a single value. The JSON Schema of the file
 * (sites-file-json-schema.ts) widens them to accept what the file may hold.
 */
export const readAsText = z.registry<{ list: boolean }>();

/** A text field that also takes a YAML number or yes/no value. */
export function textField<T extends z.ZodType>(schema: T) {
  const field = z.preprocess(asText, schema);
  readAsText.add(field, { list: false });
  return field;
}

/** A list of text that also takes a single value, and numbers and yes/no values as items. */
export function textList<T extends z.ZodType>(list: T) {
  const field = z.preprocess(asTextList, list);
  readAsText.add(field, { list: true });
  return field;
}
