// `npm run generate:schema`: writes schema/sites-file.schema.json, the JSON Schema of the sites file,
// generated from the zod schema the action validates with (src/action/sites-file/sites-file-json-schema.ts), so
// there is no second copy to keep by hand. __tests__/sites-file-schema.test.ts fails when the committed
// file differs from a fresh generation.
//
// Options: --check (change nothing; exit 1 when the file is stale), --out <file>.

import '../bench/ts-source.mjs';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// after the hook above: the TypeScript sources import each other as `.js`
const { SITES_FILE_SCHEMA_PATH, sitesFileJsonSchemaText } =
  await import('../src/action/sites-file/sites-file-json-schema.ts');

const { values } = parseArgs({
  options: { check: { type: 'boolean', default: false }, out: { type: 'string' } },
});
const out = values.out ? resolve(process.cwd(), values.out) : join(root, SITES_FILE_SCHEMA_PATH);
const name = relative(process.cwd(), out);
const fresh = sitesFileJsonSchemaText();
let committed;
try {
  committed = readFileSync(out, 'utf8');
} catch {
  committed = undefined;
}
const stale = committed !== fresh;
if (values.check && stale) {
  console.error(
    `generate:schema: ${name} is ${committed === undefined ? 'missing' : 'stale'}: it differs from the schema in src/action/sites-file/sites-file-schema.ts. Run \`npm run generate:schema\` and commit it.`,
  );
  process.exitCode = 1;
} else {
  if (stale) writeFileSync(out, fresh);
  console.log(`generate:schema: ${name} ${stale ? 'written' : 'already up to date'}.`);
}
