// The parameters of the SSM documents this action ships (ssm-documents/CachePurge-*.json), read from
// those very files (imported as JSON: ncc inlines them into the bundle, so nothing is read at run
// time), and the check of a step's parameters against them at plan time: unknown names (with a
// did-you-mean: names are case-sensitive), missing required ones, and each value (parameter-values.ts:
// CachePath and WordPressPath against the site's roots; a misspelt name's value too, against the
// parameter it means) — what SSM would otherwise refuse only at SendCommand. A stack deployed with a NamePrefix names them `<prefix>CachePurge-…`: those
// are ours too, checked the same way. A name that is a near miss of ours (case, a small edit) or in our
// CachePurge- family without being ours is a mistake (documentKind); other names are the user's own. Pure.

import fastCgi from '../../../ssm-documents/CachePurge-FastCGI.json' with { type: 'json' };
import w3TotalCache from '../../../ssm-documents/CachePurge-W3TotalCache.json' with { type: 'json' };
import wpRocket from '../../../ssm-documents/CachePurge-WPRocket.json' with { type: 'json' };
import objectCache from '../../../ssm-documents/CachePurge-ObjectCache.json' with { type: 'json' };
import opcache from '../../../ssm-documents/CachePurge-OPcache.json' with { type: 'json' };
import { formats } from '../../shared/aws-formats.js';
import { closestMatch } from '../../shared/suggest.js';
import {
  purpose,
  shown,
  valueProblems,
  type ConfinedTo,
  type DocumentParameter,
} from './parameter-values.js';
import { rootSettingOf } from '../../shared/stack-roots.js';
import { DEFAULT_ROOTS, listRoots, sameRoots, type SiteRoots } from './roots.js';

/** The parameter types the check understands; a bundled document using another one fails a test. */
export const CHECKED_PARAMETER_TYPES = ['String', 'StringList'] as const;

/** Document name (the file name without .json) → its parameters. */
export const BUNDLED_DOCUMENTS: Record<string, Record<string, DocumentParameter>> = {
  'CachePurge-FastCGI': fastCgi.parameters,
  'CachePurge-W3TotalCache': w3TotalCache.parameters,
  'CachePurge-WPRocket': wpRocket.parameters,
  'CachePurge-ObjectCache': objectCache.parameters,
  'CachePurge-OPcache': opcache.parameters,
};

/** The name a step's `document` gives: itself, or the part of an ARN after its last "/". */
const documentNameOf = (document: string) =>
  document.startsWith('arn:') ? document.slice(document.lastIndexOf('/') + 1) : document;

/** The prefix of the documents this action ships: a name with it is taken to mean one of them. */
const BUNDLED_DOCUMENT_PREFIX = 'CachePurge-';

/**
 * A document name split into a stack's NamePrefix and the rest, at the last "CachePurge-" (any case):
 * `blog-CachePurge-FastCGI` → `blog-` + `CachePurge-FastCGI`. No prefix when the name has no
 * "CachePurge-", or when what comes before it is no NamePrefix a stack accepts.
 */
function splitNamePrefix(name: string): { prefix: string; rest: string } {
  const at = name.toLowerCase().lastIndexOf(BUNDLED_DOCUMENT_PREFIX.toLowerCase());
  if (at <= 0) return { prefix: '', rest: name };
  const prefix = name.slice(0, at);
  return formats.documentNamePrefix.pattern.test(prefix)
    ? { prefix, rest: name.slice(at) }
    : { prefix: '', rest: name };
}

/**
 * The bundled document a step's `document` names (by name, or by an ARN ending in /<name>; with or
 * without a stack's NamePrefix), if any: its name as this action ships it (`CachePurge-FastCGI`).
 */
export function bundledDocumentName(document: string): string | undefined {
  const { rest } = splitNamePrefix(documentNameOf(document));
  return Object.hasOwn(BUNDLED_DOCUMENTS, rest) ? rest : undefined;
}
/** At most this many edits (case aside) from a bundled name reads as a misspelling of it. */
const NEAR_MISS_EDITS = 2;

/**
 * What a step's `document` is to the plan-time checks: one of ours (its parameters are checked), a
 * near miss of one of ours (a different case or a small edit: `meant`), a name in our `CachePurge-`
 * family that is none of ours, or the user's own document (passed through unchecked). `name` is the
 * name as written (a stack's NamePrefix included); `bundled` the document it is (or means) as shipped;
 * `prefix` the stack's NamePrefix the name carries ('' for none).
 */
type DocumentKind =
  | { kind: 'bundled'; name: string; bundled: string; prefix: string }
  | { kind: 'near-miss'; name: string; meant: string; bundled: string; prefix: string }
  | { kind: 'unknown-bundled'; name: string; prefix: string }
  | { kind: 'custom'; name: string };

export function documentKind(document: string): DocumentKind {
  const name = documentNameOf(document);
  const { prefix, rest } = splitNamePrefix(name);
  const bundled = Object.keys(BUNDLED_DOCUMENTS);
  if (bundled.includes(rest)) return { kind: 'bundled', name, bundled: rest, prefix };
  const meant = closestMatch(rest, bundled, NEAR_MISS_EDITS);
  if (meant) return { kind: 'near-miss', name, meant: `${prefix}${meant}`, bundled: meant, prefix };
  if (rest.toLowerCase().startsWith(BUNDLED_DOCUMENT_PREFIX.toLowerCase())) {
    return { kind: 'unknown-bundled', name, prefix };
  }
  return { kind: 'custom', name };
}

/**
 * Why a step's `document` looks like a mistake for one of ours, with the fix; undefined for ours and
 * for the user's own documents. SSM would otherwise run (or refuse) a document that is not ours, and
 * its parameters would go unchecked. `alone`: worded to be read without the list's header ("… is not a
 * document bundled with cache-purge-action"), as when it is listed with other checks' problems.
 */
export function documentNameProblem(document: string, alone = false): string | undefined {
  const found = documentKind(document);
  const ours = Object.keys(BUNDLED_DOCUMENTS);
  if (found.kind === 'near-miss') {
    const caseOnly = found.name.toLowerCase() === found.meant.toLowerCase();
    const prefix = document.slice(0, document.length - found.name.length);
    const what = alone ? ' is not a document bundled with cache-purge-action' : '';
    return `${shown(found.name)}${what} — did you mean \`${found.meant}\`?${caseOnly ? ' (Document names are case-sensitive.)' : ''} Write \`document: ${prefix}${found.meant}\`.`;
  }
  if (found.kind === 'unknown-bundled') {
    const what = alone ? 'none of the documents bundled with cache-purge-action' : 'none of them';
    const p = found.prefix;
    const stack = p ? ` (as named by a stack with NamePrefix ${JSON.stringify(p)})` : '';
    return `${shown(found.name)} is ${what}${stack}: ${ours.map((d) => `\`${p}${d}\``).join(', ')} (the nginx FastCGI cache is \`${p}CachePurge-FastCGI\`). Write one of them; a document of your own needs a name without "${BUNDLED_DOCUMENT_PREFIX}" in it.`;
  }
  return undefined;
}

/** Optional parameters a document refuses together (its script exits 2), checked before any run. */
export const EXCLUSIVE_PARAMETERS: Record<string, [string, string][]> = {
  'CachePurge-OPcache': [['PhpFpmService', 'PhpFpmPidFile']],
};

/**
 * What a missing parameter is for: the document's description, which names the default roots; for a
 * site whose roots are others, those roots instead (a Bitnami site must not read "below /var/www").
 */
function missingPurpose(spec: DocumentParameter, confined: ConfinedTo | undefined): string {
  const roots = confined?.roots;
  if (!confined || !roots || sameRoots(roots, confined.setting.defaults)) return purpose(spec);
  return `a directory strictly below one of roots.${confined.setting.sitesFileKey} (${listRoots(roots)}), e.g. ${roots[0]}/portal`;
}

interface ParameterProblem {
  /** The parameter the problem is about; undefined for the parameters as a whole. */
  parameter?: string;
  /** What of it is wrong: its name (unknown), its value(s), or the parameters as a whole (one missing). */
  about: 'name' | 'value' | 'parameters';
  problem: string;
  /** Refused by the document's script on the instance, not by SSM at SendCommand. */
  onInstance?: true;
}

/**
 * Problems of a step's parameters against the bundled definition of `document`; [] when they fit or
 * when `document` is not one of ours. CachePath and WordPressPath are checked against `roots` (the
 * site's; default the stack's defaults), not the file's allowedPattern.
 */
export function bundledDocumentProblems(
  document: string,
  parameters: Record<string, string[]>,
  roots: Partial<SiteRoots> = DEFAULT_ROOTS,
): ParameterProblem[] {
  // CachePath and WordPressPath: against the site's roots (a kind missing from `roots`: not known)
  const confinedTo = (parameter: string): ConfinedTo | undefined => {
    const setting = rootSettingOf(parameter);
    return setting && { setting, roots: roots[setting.sitesFileKey] };
  };
  const bundled = bundledDocumentName(document);
  if (!bundled) return [];
  const declared = BUNDLED_DOCUMENTS[bundled]!;
  // messages name the document as the sites file does (with a stack's NamePrefix)
  const name = documentNameOf(document);
  const declaredNames = Object.keys(declared);
  const problems: ParameterProblem[] = [];
  const meant = new Set<string>();
  for (const [parameter, values] of Object.entries(parameters)) {
    const spec = declared[parameter];
    if (!spec) {
      const guess = closestMatch(parameter, declaredNames);
      if (guess) meant.add(guess);
      problems.push({
        parameter,
        about: 'name',
        problem: `${name} has no parameter "${parameter}"${
          guess
            ? `; did you mean "${guess}"? (Parameter names are case-sensitive.)`
            : `; it takes ${declaredNames.map((d) => `"${d}"`).join(', ')}.`
        }`,
      });
      // the value of a misspelt name is checked as the parameter it means: fixing the name alone
      // must not reveal a second problem on the next run
      if (guess) {
        for (const problem of valueProblems(name, guess, declared[guess]!, values, confinedTo(guess))) {
          problems.push({ parameter, about: 'value', problem: `(checked as "${guess}") ${problem}` });
        }
      }
      continue;
    }
    for (const problem of valueProblems(name, parameter, spec, values, confinedTo(parameter))) {
      problems.push({ parameter, about: 'value', problem });
    }
  }
  for (const pair of EXCLUSIVE_PARAMETERS[bundled] ?? []) {
    const given = pair.filter((p) => (parameters[p] ?? []).some((value) => value !== ''));
    if (given.length === pair.length) {
      problems.push({
        about: 'parameters',
        onInstance: true,
        problem: `${pair.join(' and ')} are both set; ${name} takes one of them, or neither (its script refuses both on the instance): remove one.`,
      });
    }
  }
  for (const [parameter, spec] of Object.entries(declared)) {
    if ('default' in spec || Object.hasOwn(parameters, parameter) || meant.has(parameter)) continue;
    const what = missingPurpose(spec, confinedTo(parameter));
    problems.push({
      about: 'parameters',
      problem: `"${parameter}" is missing; ${name} requires it: add ${parameter}: <value>${what ? ` (${what.replace(/\.$/, '')})` : ''}.`,
    });
  }
  return problems;
}
