// The sites file's `roots` setting (#15): the directories below which the stack's documents may work,
// as the sites file says the stack was deployed (its CacheRoots and WordPressRoots parameters). The
// roots a site's steps are checked against: the stack's defaults, then the file's `roots`, then the
// site's, key by key; how they read in messages. Pure.

import { ROOT_SETTINGS, type RootKind, type RootSetting } from '../../shared/stack-roots.js';

/** `roots` as written in the sites file: any of its keys, each a list of roots. */
export type RootsSetting = Partial<Record<RootKind, string[]>>;

/** The roots a site's steps are checked against, for every kind. */
export type SiteRoots = Record<RootKind, readonly string[]>;

export const ROOT_KINDS = Object.keys(ROOT_SETTINGS) as RootKind[];

/** The stack's defaults (what ssm-documents/ holds): the roots of a site whose file sets none. */
export const DEFAULT_ROOTS: SiteRoots = {
  cache: ROOT_SETTINGS.cache.defaults,
  wordpress: ROOT_SETTINGS.wordpress.defaults,
};

/** The stack's defaults, overridden by the file's `roots`, then by the site's, key by key. */
export function siteRoots(file: RootsSetting | undefined, site: RootsSetting | undefined): SiteRoots {
  return Object.fromEntries(
    ROOT_KINDS.map((kind) => [kind, site?.[kind] ?? file?.[kind] ?? DEFAULT_ROOTS[kind]]),
  ) as SiteRoots;
}

/** The same roots, in any order and with repeats ignored. */
export function sameRoots(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((root) => right.has(root));
}

/** True when every kind has the stack's defaults. */
export const areDefaultRoots = (roots: SiteRoots): boolean =>
  ROOT_KINDS.every((kind) => sameRoots(roots[kind], DEFAULT_ROOTS[kind]));

/** `/var/www, /srv/www` */
export const listRoots = (roots: readonly string[]): string => roots.join(', ');

/** `[/var/www, /srv/www]`, as the sites file writes the list. */
export const yamlRoots = (roots: readonly string[]): string => `[${roots.join(', ')}]`;

/** `roots.cache (/var/cache/nginx, the default)` or `roots.cache (/run/nginx-cache)`. */
export function describeSiteRoots(setting: RootSetting, roots: readonly string[]): string {
  const isDefault = sameRoots(roots, setting.defaults);
  return `roots.${setting.sitesFileKey} (${listRoots(roots)}${isDefault ? `, the default` : ''})`;
}
