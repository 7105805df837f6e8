// A document parameter as a Command document declares it, and the check of its values at plan
// time: one value (a String) or a number of them (a StringList), each against the parameter's
// allowedValues, maxChars/minChars and allowedPattern, with a hint for the usual path mistakes (a
// trailing "/", whitespace, "." and ".." segments). A parameter confined to the stack's roots
// (CachePath, WordPressPath: stack-roots.ts) is checked against the pattern of the site's `roots`
// instead of the file's, and a value below none of them is said so, with the roots in force and the
// fix. Pure.

import { allowedPatternFor, rootProblem, type RootSetting } from '../../shared/stack-roots.js';
import { quoteCut } from '../../shared/text.js';
import { describeSiteRoots, listRoots, sameRoots } from './roots.js';

/** A parameter as a Command document (schema 2.2) declares it; only the fields we check. */
export interface DocumentParameter {
  type: string;
  description?: string;
  /** Present → optional; absent → SendCommand must give a value. */
  default?: unknown;
  allowedValues?: string[];
  allowedPattern?: string;
  minChars?: number;
  maxChars?: number;
  minItems?: number;
  maxItems?: number;
}

/**
 * A parameter confined to the stack's roots: the setting, and the roots the site's `roots` give it
 * (undefined: not known, because the sites file's `roots` failed the schema; its pattern is then not checked).
 */
export interface ConfinedTo {
  setting: RootSetting;
  roots: readonly string[] | undefined;
}

/** "(Required) The WordPress directory …" → "The WordPress directory …" */
export const purpose = (parameter: DocumentParameter) =>
  (parameter.description ?? '').replace(/^\((Required|Optional)\)\s*/, '').trim();

/** A value as messages quote it: JSON, cut after 120 characters. */
export const shown = (value: string) => quoteCut(value, 120);

/** `{{ssm:/portal/cache-path}}`: a Parameter Store value SSM fills in when it runs the command. */
export const PARAMETER_STORE_REFERENCE = /^\{\{\s*ssm:[^{}]+\}\}$/;

/**
 * Why a path most likely fails a bundled document's pattern, in words: "." or ".." segments, a
 * trailing "/", whitespace. With the fix when removing that one thing makes the value fit.
 */
function patternHints(value: string, allowedPattern: string): string {
  const fits = (candidate: string) => candidate !== value && new RegExp(allowedPattern).test(candidate);
  const hints: string[] = [];
  if (/(^|\/)\.\.?(\/|$)/.test(value)) {
    hints.push('"." and ".." path segments are not allowed: give the directory itself.');
  }
  if (/.\/+$/.test(value)) {
    const trimmed = value.replace(/\/+$/, '');
    hints.push(
      `It ends with "/", which the pattern does not allow: remove the trailing "/"${fits(trimmed) ? ` (${shown(trimmed)} fits)` : ''}.`,
    );
  }
  if (/\s/.test(value)) {
    const squeezed = value.trim();
    const edge = squeezed !== value;
    hints.push(
      edge
        ? `It starts or ends with whitespace, which the pattern does not allow: remove it${fits(squeezed) ? ` (${shown(squeezed)} fits)` : ''}.`
        : 'It contains whitespace, which the pattern does not allow: use a directory whose path has no spaces.',
    );
  }
  return hints.map((hint) => ` ${hint}`).join('');
}

/** Why `value` does not fit the pattern of `roots` (it is outside them, or the root itself), with the fix. */
function rootsProblem(
  value: string,
  { setting, roots }: ConfinedTo & { roots: readonly string[] },
): string | undefined {
  const root = roots.find((r) => value === r || value.startsWith(`${r}/`));
  if (root === value) {
    const parent = root.slice(0, root.lastIndexOf('/')) || '/';
    // /dev/shm/nginx-cache itself: its parent /dev/shm is no root the stack accepts, so "make its
    // parent the root" would only lead to the next refusal
    const ownDirectory =
      rootProblem(parent) === undefined
        ? `make its parent the root, in \`roots.${setting.sitesFileKey}\` and in the stack's ${setting.stackParameter} parameter`
        : `its parent ${parent} cannot be a root (the stack refuses it), so move the directory one level down, below ${root} (${setting.sitesFileKey === 'cache' ? `nginx's fastcgi_cache_path ${root}/portal, then CachePath: ${root}/portal` : `e.g. ${root}/portal`})`;
    return `${shown(value)} is the root ${root} itself, and a path must lie strictly below a root: give the directory below it that this site uses (e.g. ${root}/portal), or, if ${root} is this site's own directory${setting.sitesFileKey === 'wordpress' ? ' (as on Bitnami: WordPressPath /opt/bitnami/wordpress, root /opt/bitnami)' : ''}, ${ownDirectory}.`;
  }
  if (root) return undefined;
  const example = roots[0]!;
  return `${shown(value)} is not below ${describeSiteRoots(setting, roots)}: give a path below ${roots.length === 1 ? example : `one of them (e.g. ${example}/…)`}, or, if the stack was deployed with another root for it, add that root to \`roots.${setting.sitesFileKey}\` in the sites file and to the stack's ${setting.stackParameter} parameter (they must list the same roots).`;
}

export function valueProblems(
  document: string,
  name: string,
  spec: DocumentParameter,
  values: string[],
  confined?: ConfinedTo,
): string[] {
  const problems: string[] = [];
  const what = purpose(spec);
  const expected = what ? ` Expected: ${what}` : '';
  if (spec.type === 'String' && values.length !== 1) {
    problems.push(
      `has ${values.length} values; ${document} takes exactly one (a String parameter): give one value.`,
    );
  }
  if (spec.type === 'StringList') {
    if (spec.minItems !== undefined && values.length < spec.minItems)
      problems.push(`has ${values.length} values; ${document} needs at least ${spec.minItems}.`);
    if (spec.maxItems !== undefined && values.length > spec.maxItems)
      problems.push(`has ${values.length} values; ${document} takes at most ${spec.maxItems}.`);
  }
  for (const value of values) {
    // a Parameter Store reference is resolved by SSM itself: its value is not ours to check
    if (PARAMETER_STORE_REFERENCE.test(value)) continue;
    if (spec.allowedValues && !spec.allowedValues.includes(value)) {
      problems.push(
        `${shown(value)} is not one of the values ${document} allows: ${spec.allowedValues.map((v) => JSON.stringify(v)).join(', ')}.`,
      );
      continue;
    }
    if (spec.maxChars !== undefined && value.length > spec.maxChars) {
      problems.push(
        `${shown(value)} is ${value.length} characters long; ${document} allows at most ${spec.maxChars}.${expected}`,
      );
      continue;
    }
    if (spec.minChars !== undefined && value.length < spec.minChars) {
      problems.push(
        `${shown(value)} is ${value.length} characters long; ${document} needs at least ${spec.minChars}.${expected}`,
      );
      continue;
    }
    // a confined parameter whose roots are not known is not checked against a pattern
    if (confined && !confined.roots) continue;
    const pattern = confined?.roots ? allowedPatternFor(confined.roots) : spec.allowedPattern;
    if (pattern !== undefined && !new RegExp(pattern).test(value)) {
      const outside = confined?.roots && rootsProblem(value, { ...confined, roots: confined.roots });
      // the document's description names the default roots: said only when they are in force
      const custom = confined?.roots && !sameRoots(confined.roots, confined.setting.defaults);
      const forRoots = custom
        ? ` (the pattern of roots.${confined.setting.sitesFileKey}: ${listRoots(confined.roots!)})`
        : '';
      problems.push(
        outside
          ? `${outside}${patternHints(value, pattern)}`
          : `${shown(value)} does not match ${document}'s allowedPattern ${pattern}${forRoots}.${patternHints(value, pattern)}${custom ? '' : expected}`,
      );
    }
  }
  return problems;
}
