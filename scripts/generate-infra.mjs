// `npm run generate:infra`: copies the three SSM documents (ssm-documents/*.json) into the Content of
// their AWS::SSM::Document resources in infra/cache-purge.yml, as literal blocks holding the files'
// exact bytes, so the stack creates byte-for-byte the documents the repository tests. Only the Content
// values change; every other byte of the template (comments, formatting) stays as it is.
//
// Options: --check (change nothing; exit 1 when the template is stale), --template <file>,
// --documents <folder>.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isMap, isScalar, parseDocument } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Logical id in the template → document file (its name is the document's Name). */
export const DOCUMENTS = {
  W3TotalCacheDocument: 'CachePurge-W3TotalCache.json',
  WPRocketDocument: 'CachePurge-WPRocket.json',
  FastCGIDocument: 'CachePurge-FastCGI.json',
};

export class GenerateInfraError extends Error {}

function parse(text, file) {
  const doc = parseDocument(text, { uniqueKeys: true, keepSourceTokens: true });
  const errors = doc.errors.map((e) => e.message);
  if (errors.length > 0) throw new GenerateInfraError(`${file} is not valid YAML:\n${errors.join('\n')}`);
  return doc;
}

/** A YAML literal block holding `text` exactly, indented by `indent` spaces. */
function literalBlock(text, indent) {
  const chomping = text.endsWith('\n\n') ? '+' : text.endsWith('\n') ? '' : '-';
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const pad = ' '.repeat(indent);
  const lines = body.split('\n').map((line) => (line === '' ? '' : pad + line));
  return `|${chomping}\n${lines.join('\n')}\n`;
}

/**
 * Returns the template text with each document's Content replaced by its file's text.
 * @param {string} templateText
 * @param {Record<string, string>} contents logical id → document text
 */
export function withDocumentContents(templateText, contents, file = 'template') {
  const doc = parse(templateText, file);
  const edits = [];
  for (const [id, text] of Object.entries(contents)) {
    try {
      JSON.parse(text);
    } catch (error) {
      throw new GenerateInfraError(`the document for ${id} is not valid JSON: ${error.message}`);
    }
    const properties = doc.getIn(['Resources', id, 'Properties'], true);
    if (!isMap(properties)) throw new GenerateInfraError(`${file} has no Resources.${id}.Properties`);
    const pair = properties.items.find((item) => isScalar(item.key) && item.key.value === 'Content');
    if (!pair || !pair.value?.range)
      throw new GenerateInfraError(`${file} has no Resources.${id}.Properties.Content`);
    const keyStart = pair.key.range[0];
    const lineStart = templateText.lastIndexOf('\n', keyStart) + 1;
    const indent = keyStart - lineStart + 2;
    const [start, , end] = pair.value.range;
    // A block scalar's range ends after its last line break; a flow scalar's does not.
    const replacement = literalBlock(text, indent);
    const endsWithBreak = templateText[end - 1] === '\n';
    edits.push({ start, end, text: endsWithBreak ? replacement : replacement.slice(0, -1) });
  }
  let out = templateText;
  for (const edit of edits.sort((a, b) => b.start - a.start))
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  // Self-check: the generated template must hold each file's text exactly.
  const check = parse(out, file);
  for (const [id, text] of Object.entries(contents)) {
    if (check.getIn(['Resources', id, 'Properties', 'Content']) !== text) {
      throw new GenerateInfraError(`internal error: Content of ${id} does not round-trip`);
    }
  }
  return out;
}

export function generateInfra({
  template = 'infra/cache-purge.yml',
  documents = 'ssm-documents',
  check = false,
  cwd = root,
} = {}) {
  const templatePath = resolve(cwd, template);
  const contents = {};
  for (const [id, name] of Object.entries(DOCUMENTS)) {
    const path = resolve(cwd, documents, name);
    try {
      contents[id] = readFileSync(path, 'utf8');
    } catch {
      throw new GenerateInfraError(
        `generate:infra: ${relative(cwd, path)} was not found; the template's ${id} takes its Content from it (the SSM documents live in ${documents}/).`,
      );
    }
  }
  const before = readFileSync(templatePath, 'utf8');
  const after = withDocumentContents(before, contents, template);
  const stale = after !== before;
  if (stale && !check) writeFileSync(templatePath, after);
  return { stale, template: templatePath };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      check: { type: 'boolean', default: false },
      template: { type: 'string' },
      documents: { type: 'string' },
    },
  });
  try {
    const { stale, template } = generateInfra({ ...values, cwd: process.cwd() });
    const name = relative(process.cwd(), template);
    if (values.check && stale) {
      console.error(
        `generate:infra: ${name} is stale: its SSM document contents differ from ssm-documents/. Run \`npm run generate:infra\`.`,
      );
      process.exitCode = 1;
    } else console.log(`generate:infra: ${name} ${stale ? 'updated' : 'already up to date'}.`);
  } catch (error) {
    if (!(error instanceof GenerateInfraError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
