// The allowed roots of the bundled SSM documents (#15): the directories below which CachePurge-FastCGI
// may empty a cache (the stack's CacheRoots) and the WordPress documents may work (WordPressRoots).
// One rule for a root, shared by the stack (its parameters' AllowedPattern is ROOT_RULE's source), the
// sites file's `roots` setting and the documents' own instance-side check; the allowedPattern a
// document gets for a list of roots, and the roots read back from a deployed document's pattern. Pure.

/** A root setting of the stack, and the document parameter whose values lie below one of its roots. */
export interface RootSetting {
  /** The stack parameter (infra/cache-purge.yml) that lists the roots. */
  stackParameter: 'CacheRoots' | 'WordPressRoots';
  /** The key of the sites file's `roots` setting that must list the same roots. */
  sitesFileKey: 'cache' | 'wordpress';
  /** The document parameter confined to them. */
  documentParameter: 'CachePath' | 'WordPressPath';
  /** The stack's default, what the documents in ssm-documents/ hold. */
  defaults: readonly string[];
}

export const ROOT_SETTINGS = {
  cache: {
    stackParameter: 'CacheRoots',
    sitesFileKey: 'cache',
    documentParameter: 'CachePath',
    defaults: ['/var/cache/nginx'],
  },
  wordpress: {
    stackParameter: 'WordPressRoots',
    sitesFileKey: 'wordpress',
    documentParameter: 'WordPressPath',
    defaults: ['/var/www', '/srv/www'],
  },
} as const satisfies Record<string, RootSetting>;

export type RootKind = keyof typeof ROOT_SETTINGS;

/** The system directories no root may be, or lie below (/dev only as /dev/shm/<name>). */
export const SYSTEM_DIRECTORIES = [
  'proc',
  'sys',
  'etc',
  'usr',
  'boot',
  'bin',
  'sbin',
  'lib',
  'lib32',
  'lib64',
  'libx32',
  'root',
] as const;

/**
 * A root: an absolute path of 1–6 segments of letters, digits, "_" and "-" (no ".", so a root is also
 * a literal in a regular expression), not / and not in or below a system directory; below /dev only
 * /dev/shm/<name>. Java and JavaScript read it alike: the stack's AllowedPattern is its source.
 */
export const ROOT_RULE = new RegExp(
  `^(?!/(?:${SYSTEM_DIRECTORIES.join('|')})(?:/|$))(?!/dev(?:/|$)(?!shm/[A-Za-z0-9_]))(?:/[A-Za-z0-9_][A-Za-z0-9_-]{0,99}){1,6}$`,
);

/** What ROOT_RULE allows, in words, to follow "… is not a root the stack accepts; use". */
export const ROOT_RULE_WORDS =
  'an absolute directory path of 1–6 segments of letters, digits, "_" and "-" (no "."), not / and not in or below /proc, /sys, /dev (except /dev/shm/<name>), /etc, /usr, /boot, /bin, /sbin, /lib, /lib32, /lib64, /libx32, /root';

/** Why `root` is not a root the stack accepts, or undefined when it is one. */
export function rootProblem(root: string): string | undefined {
  if (ROOT_RULE.test(root)) return undefined;
  if (root === '/') return '/ is every directory on the instance; name the directory that holds them';
  if (!root.startsWith('/')) return 'is not an absolute path; start it with /';
  if (root.length > 1 && root.endsWith('/')) return 'ends with "/"; remove it';
  const first = root.split('/')[1] ?? '';
  if ((SYSTEM_DIRECTORIES as readonly string[]).includes(first))
    return `is in /${first}, a system directory no purge may reach`;
  if (first === 'dev')
    return 'is in /dev, where only /dev/shm/<name> (a tmpfs directory of its own) may be a root';
  if (root.split('/').some((segment, i) => i > 0 && segment.includes('.')))
    return 'has a "." in a segment; roots are letters, digits, "_" and "-" only';
  return `is not ${ROOT_RULE_WORDS}`;
}

/** The segments a value may have below its root, as the documents' allowedPattern says it. */
const BELOW_ROOT = '(/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){1,8}';

/** The allowedPattern of a document parameter confined to `roots` (ROOT_RULE roots: no escaping). */
export const allowedPatternFor = (roots: readonly string[]): string => `^(${roots.join('|')})${BELOW_ROOT}$`;

/** The roots a document's allowedPattern confines its parameter to, or undefined for another form. */
export function rootsOfPattern(allowedPattern: string): string[] | undefined {
  if (!allowedPattern.startsWith('^(') || !allowedPattern.endsWith(`)${BELOW_ROOT}$`)) return undefined;
  const roots = allowedPattern.slice(2, -`)${BELOW_ROOT}$`.length).split('|');
  return roots.every((root) => ROOT_RULE.test(root)) ? roots : undefined;
}

/** The setting whose roots confine a document parameter, if any. */
export const rootSettingOf = (documentParameter: string): RootSetting | undefined =>
  Object.values(ROOT_SETTINGS).find((setting) => setting.documentParameter === documentParameter);
