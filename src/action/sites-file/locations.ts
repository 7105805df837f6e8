// Where a problem is in the sites file: a path into its content (`['sites', 'portal', 'steps', 1]`),
// how a message names it (`sites.portal.steps[1] (line 15)`), and the line and column of the YAML node
// at a path (locateNode, behind a SitesFileLocator). Also the path and value helpers the schema's
// problem reports and the salvage share (valueAt, samePath, isPrefix, isMapping). Pure.

import { isMap, isPair, isScalar, isSeq, type LineCounter, type Node as YamlNode } from 'yaml';

export type PathKey = string | number | symbol;

/** `sites.portal.steps[1].ssm.document`; keys that are not plain words are quoted. */
export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][\w-]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === '' ? '(top level)' : out;
}

/** Where a node of the sites file starts: 1-based line and column. */
export interface Located {
  line: number;
  column: number;
}

/** A path inside the file as messages show it, with the line it is on when known: `sites.portal.steps[0] (line 15)`. */
export function formatPathAt(path: readonly PathKey[], at: Located | undefined): string {
  return `${formatPath(path)}${lineNote(at)}`;
}

/** ` (line 15)` after what a message names in the file; '' when its line is not known. */
export const lineNote = (at: Located | undefined) => (at ? ` (line ${at.line})` : '');

/**
 * Where a path of the sites file is written (`['sites', 'portal', 'steps', 0]`): the node at that
 * path, or with `keyName`, the key `keyName` of the mapping there (a misspelt or unknown key is best
 * shown at itself). When the path goes further than the file, the deepest node that exists.
 */
export type SitesFileLocator = (path: readonly PathKey[], keyName?: string) => Located | undefined;

/** Where the node at `path` (or with `keyName`, that key of the mapping there) starts in the YAML. */
export function locateNode(
  root: YamlNode | null | undefined,
  path: readonly PathKey[],
  lines: LineCounter,
  keyName?: string,
): Located | undefined {
  let node: unknown = root;
  let best: unknown = root;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key),
      );
      if (!pair) break;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
    } else break;
    if (node) best = node;
  }
  if (keyName !== undefined && isMap(best)) {
    const pair = best.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === keyName);
    if (pair && isScalar(pair.key)) best = pair.key;
  }
  const range = (best as { range?: [number, number, number] } | undefined)?.range;
  if (!range) return undefined;
  const pos = lines.linePos(range[0]);
  return { line: pos.line, column: pos.col };
}

/** The value at `path` in the data as parsed; undefined where the path goes further than the data. */
export function valueAt(data: unknown, path: readonly PathKey[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** A YAML mapping as parsed: a plain object, not a list. */
export const isMapping = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Whether two paths are the same path. */
export const samePath = (a: readonly PathKey[], b: readonly PathKey[]) =>
  a.length === b.length && a.every((key, i) => key === b[i]);

/** Whether `path` is `prefix` or lies inside it. */
export const isPrefix = (prefix: readonly PathKey[], path: readonly PathKey[]) =>
  prefix.length <= path.length && prefix.every((key, i) => key === path[i]);
