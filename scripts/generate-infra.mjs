// `npm run generate:infra`: writes into infra/cache-purge.yml the values it copies from files:
//   - the SSM documents (ssm-documents/*.json) as the Content of their AWS::SSM::Document
//     resources, literal blocks holding the files' exact bytes, so the stack creates byte-for-byte the
//     documents the repository tests;
//   - infra/prune-document-versions.cjs as the inline code (Code.ZipFile) of DocumentVersionsFunction;
//   - the sha256 of the documents as OldDocumentVersions' DocumentsDigest, so the custom resource
//     that deletes old document versions runs again whenever a document changes.
// A document confined to the stack's roots (#15: CacheRoots, WordPressRoots) gets its Content as an
// Fn::Join of literal pieces of its file and, at each root slot, the stack parameter's list joined the
// way that slot writes it: the script's `readonly CACHE_ROOTS=(a b)` line, the allowedPattern's
// `^(a|b)(/…` and the descriptions' `CacheRoots (a, b)`. With the parameters' defaults it is the file
// again, byte for byte (the file holds the defaults; a slot holding anything else is an error).
// Only those values change; every other byte of the template (comments, formatting) stays as it is.
//
// Options: --check (change nothing; exit 1 when the template is stale), --template <file>,
// --documents <folder>.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isMap, isScalar, parseDocument } from 'yaml';
import { DOCUMENT_ROOTS, renderJoin, splitAtRootSlots } from './document-root-slots.mjs';
import { GenerateInfraError } from './generate-infra-error.mjs';

export { GenerateInfraError };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Logical id in the template → document file (its name is the document's Name). */
export const DOCUMENTS = {
  W3TotalCacheDocument: 'CachePurge-W3TotalCache.json',
  WPRocketDocument: 'CachePurge-WPRocket.json',
  ObjectCacheDocument: 'CachePurge-ObjectCache.json',
  OPcacheDocument: 'CachePurge-OPcache.json',
  FastCGIDocument: 'CachePurge-FastCGI.json',
};

/** Where the pruning function's code and the documents' digest go, and the code's file. */
export const PRUNE_FUNCTION = { id: 'DocumentVersionsFunction', file: 'infra/prune-document-versions.cjs' };
export const PRUNE_RESOURCE = 'OldDocumentVersions';

/** sha256 over the documents (logical id and text of each, in DOCUMENTS order). */
export function documentsDigest(contents) {
  const hash = createHash('sha256');
  for (const id of Object.keys(DOCUMENTS)) hash.update(`${id}\0${contents[id] ?? ''}\0`);
  return `sha256:${hash.digest('hex')}`;
}

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

/** The value at `path` (a key of a mapping) and where its text starts and ends in `templateText`. */
function valueAt(doc, templateText, path, file) {
  const parent = doc.getIn(path.slice(0, -1), true);
  const key = path.at(-1);
  const where = path.slice(0, -1).join('.');
  if (!isMap(parent)) throw new GenerateInfraError(`${file} has no ${where}`);
  const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === key);
  if (!pair || !pair.value?.range) throw new GenerateInfraError(`${file} has no ${where}.${key}`);
  const keyStart = pair.key.range[0];
  const lineStart = templateText.lastIndexOf('\n', keyStart) + 1;
  const [start, valueEnd, end] = pair.value.range;
  const afterColon = templateText.indexOf(':', pair.key.range[1]) + 1;
  return { start, valueEnd, end, afterColon, indent: keyStart - lineStart + 2 };
}

/**
 * Returns the template text with each document's Content replaced by its file's text and, when given,
 * the pruning function's code and the documents' digest written in.
 * @param {string} templateText
 * @param {Record<string, string>} contents logical id → document text
 * @param {string} [file]
 * @param {{ functionCode?: string }} [extra]
 */
export function withDocumentContents(templateText, contents, file = 'template', extra = {}) {
  const doc = parse(templateText, file);
  const blocks = []; // [path, text]: literal blocks holding the text exactly
  for (const [id, text] of Object.entries(contents)) {
    try {
      JSON.parse(text);
    } catch (error) {
      throw new GenerateInfraError(`the document for ${id} is not valid JSON: ${error.message}`);
    }
    blocks.push([['Resources', id, 'Properties', 'Content'], text]);
  }
  if (extra.functionCode !== undefined)
    blocks.push([['Resources', PRUNE_FUNCTION.id, 'Properties', 'Code', 'ZipFile'], extra.functionCode]);
  const edits = [];
  const joins = []; // [path, pieces, parameter]: Contents joined with a stack parameter's roots
  for (const [path, text] of blocks) {
    const { end, afterColon, indent } = valueAt(doc, templateText, path, file);
    const id = path[1];
    const parameter = path.at(-1) === 'Content' ? DOCUMENT_ROOTS[id] : undefined;
    // A block scalar's range ends after its last line break; a flow scalar's does not.
    const endsWithBreak = templateText[end - 1] === '\n';
    if (parameter === undefined) {
      const replacement = literalBlock(text, indent);
      const block = endsWithBreak ? replacement : replacement.slice(0, -1);
      // after "Content:" whatever was there (a literal block, or an Fn::Join of an earlier version)
      edits.push({ start: afterColon, end, text: ` ${block}` });
      continue;
    }
    const pieces = splitAtRootSlots(text, parameter, rootDefaults(doc, parameter, file), id);
    joins.push([path, pieces, parameter]);
    const pad = ' '.repeat(indent);
    const lines = [`${pad}Fn::Join:`, `${pad}  - ''`];
    pieces.forEach((piece, i) => {
      const dash = i === 0 ? `${pad}  - - ` : `${pad}    - `;
      if (typeof piece === 'string') {
        if (piece === '' || piece.startsWith(' ') || piece.startsWith('\n'))
          throw new GenerateInfraError(
            `internal error: a piece of ${id}'s Content cannot be a literal block`,
          );
        lines.push(dash + literalBlock(piece, indent + 6).slice(0, -1));
      } else lines.push(`${dash}Fn::Join: ['${piece.separator}', { Ref: ${parameter} }]`);
    });
    // "Content:" and the Fn::Join below it, whatever was there before (a literal block, an Fn::Join)
    edits.push({ start: afterColon, end, text: `\n${lines.join('\n')}${endsWithBreak ? '\n' : ''}` });
  }
  const digestPath = ['Resources', PRUNE_RESOURCE, 'Properties', 'DocumentsDigest'];
  const digest = extra.functionCode !== undefined ? documentsDigest(contents) : undefined;
  if (digest !== undefined) {
    // a plain scalar: replace the value only, not the line break after it
    const { start, valueEnd } = valueAt(doc, templateText, digestPath, file);
    edits.push({ start, end: valueEnd, text: digest });
  }
  let out = templateText;
  for (const edit of edits.sort((a, b) => b.start - a.start))
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  // Self-check: the generated template must hold each text exactly.
  const check = parse(out, file);
  for (const [path, text] of blocks) {
    const join = joins.find(([joined]) => joined === path);
    const value = join
      ? renderJoin(check.getIn(path, true)?.toJS(check), join[2], rootDefaults(check, join[2], file))
      : check.getIn(path);
    if (value !== text)
      throw new GenerateInfraError(`internal error: ${path.slice(1).join('.')} does not round-trip`);
  }
  if (digest !== undefined && check.getIn(digestPath) !== digest)
    throw new GenerateInfraError('internal error: DocumentsDigest does not round-trip');
  return out;
}

/** The template's default list of a roots parameter. */
function rootDefaults(doc, parameter, file) {
  const value = doc.getIn(['Parameters', parameter, 'Default']);
  if (typeof value !== 'string' || value === '')
    throw new GenerateInfraError(
      `${file} has no default for the Parameters.${parameter} its documents are confined by`,
    );
  return value.split(',');
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
  const codePath = resolve(cwd, PRUNE_FUNCTION.file);
  let functionCode;
  try {
    functionCode = readFileSync(codePath, 'utf8');
  } catch {
    throw new GenerateInfraError(
      `generate:infra: ${relative(cwd, codePath)} was not found; the template's ${PRUNE_FUNCTION.id} takes its inline code from it.`,
    );
  }
  const before = readFileSync(templatePath, 'utf8');
  const after = withDocumentContents(before, contents, template, { functionCode });
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
        `generate:infra: ${name} is stale: its SSM document contents, document digest or pruning function code differ from ssm-documents/ and ${PRUNE_FUNCTION.file}. Run \`npm run generate:infra\`.`,
      );
      process.exitCode = 1;
    } else console.log(`generate:infra: ${name} ${stale ? 'updated' : 'already up to date'}.`);
  } catch (error) {
    if (!(error instanceof GenerateInfraError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
