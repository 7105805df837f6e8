// The roots slots of the SSM documents for `npm run generate:infra` (#15): which stack parameter
// confines which document (CacheRoots, WordPressRoots), where in a document's JSON text the roots are
// written — the script's `readonly CACHE_ROOTS=(a b)` line, the allowedPattern's `^(a|b)(/…` and the
// descriptions' `CacheRoots (a, b)` — and the text cut at them, for the template's Fn::Join; and what
// CloudFormation makes of that Fn::Join for given roots. Pure.

import { GenerateInfraError } from './generate-infra-error.mjs';

/** Logical id → the stack parameter listing the roots its document is confined to. */
export const DOCUMENT_ROOTS = {
  W3TotalCacheDocument: 'WordPressRoots',
  WPRocketDocument: 'WordPressRoots',
  ObjectCacheDocument: 'WordPressRoots',
  FastCGIDocument: 'CacheRoots',
};

/** The slots of a root parameter in a document's JSON text: the text before and after the list, its separator. */
const ROOT_SLOTS = {
  CacheRoots: [
    { kind: 'script line', before: 'readonly CACHE_ROOTS=(', after: ')', separator: ' ' },
    { kind: 'allowedPattern', before: '"allowedPattern": "^(', after: ')(/', separator: '|' },
    { kind: 'description', before: 'CacheRoots (', after: ')', separator: ', ' },
  ],
  WordPressRoots: [
    { kind: 'script line', before: 'readonly WORDPRESS_ROOTS=(', after: ')', separator: ' ' },
    { kind: 'allowedPattern', before: '"allowedPattern": "^(', after: ')(/', separator: '|' },
    { kind: 'description', before: 'WordPressRoots (', after: ')', separator: ', ' },
  ],
};

/**
 * A document's text cut at its root slots: literal pieces and, between them, { separator } where the
 * stack's list goes. Each slot must hold `defaults` joined by its separator; the script line and the
 * allowedPattern must be there. Throws GenerateInfraError otherwise.
 * @param {string} text @param {string} parameter @param {string[]} defaults @param {string} id
 * @returns {(string | { separator: string })[]}
 */
export function splitAtRootSlots(text, parameter, defaults, id) {
  const found = [];
  for (const slot of ROOT_SLOTS[parameter]) {
    let from = 0;
    for (;;) {
      const at = text.indexOf(slot.before, from);
      if (at < 0) break;
      const start = at + slot.before.length;
      const end = text.indexOf(slot.after, start);
      from = start;
      // a slot is a list of roots (the script's "WordPressRoots (${…})", SiteHost's "^([A-Za-z…" are not)
      if (end < 0 || text[start] !== '/') continue;
      const expected = defaults.join(slot.separator);
      if (text.slice(start, end) !== expected)
        throw new GenerateInfraError(
          `the document for ${id} holds ${JSON.stringify(text.slice(start, end))} in its ${parameter} ${slot.kind}, where the template's default ${parameter} (${defaults.join(',')}) is written ${JSON.stringify(expected)}; the files in ssm-documents/ hold the defaults.`,
        );
      found.push({ start, end, separator: slot.separator, kind: slot.kind });
    }
  }
  for (const kind of ['script line', 'allowedPattern'])
    if (!found.some((slot) => slot.kind === kind))
      throw new GenerateInfraError(
        `the document for ${id} has no ${parameter} ${kind} for the stack to write its roots into.`,
      );
  found.sort((a, b) => a.start - b.start);
  const pieces = [];
  let at = 0;
  for (const slot of found) {
    pieces.push(text.slice(at, slot.start), { separator: slot.separator });
    at = slot.end;
  }
  pieces.push(text.slice(at));
  return pieces;
}

/** What CloudFormation makes of a Content written by this script: the text for the parameter's `roots`. */
export function renderJoin(content, parameter, roots) {
  const [separator, parts] = content?.['Fn::Join'] ?? [];
  if (separator !== '' || !Array.isArray(parts)) return undefined;
  return parts
    .map((part) =>
      typeof part === 'string'
        ? part
        : part?.['Fn::Join']?.[1]?.Ref === parameter
          ? roots.join(part['Fn::Join'][0])
          : '\0unexpected part\0',
    )
    .join('');
}
