// Hostile values for the confined directory parameters of our SSM documents (CachePath, WordPressPath),
// for the document tests: empty, roots, relative paths, . and .. segments, shell syntax, newlines, the
// here-document terminator, quotes, globs, and values too long or too deep.

/** Values a caller could send for a confined directory; the service must refuse every one before sending. */
export const hostileDirectoryValues = (param: 'CachePath' | 'WordPressPath') => {
  const base = param === 'CachePath' ? '/var/cache/nginx' : '/var/www';
  return {
    empty: '',
    'the filesystem root': '/',
    'the allow-listed root itself': base,
    'the root with a trailing slash': `${base}/`,
    'a .. segment': `${base}/portal/../../../etc`,
    'a . segment': `${base}/./portal`,
    'a relative path': base.slice(1) + '/portal',
    'a bare name': 'portal',
    'another root': param === 'CachePath' ? '/var/www/portal' : '/var/cache/nginx/portal',
    'a ; command': `${base}/portal;rm -rf /`,
    'a $(...) substitution': `${base}/$(rm -rf /)`,
    'a ${...} expansion': `${base}/\${HOME}`,
    backticks: `${base}/\`rm -rf /\``,
    'a newline': `${base}/portal\nrm -rf /`,
    'a trailing newline': `${base}/portal\n`,
    'the here-document terminator on its own line': `${base}/portal\nCACHE_PURGE_PARAMETER\nrm -rf /`,
    'double quotes': `${base}/portal"; rm -rf / #`,
    'single quotes': `${base}/portal'; rm -rf / #`,
    'a space': `${base}/portal /`,
    'a glob': `${base}/*`,
    'a double slash': `${base}//portal`,
    'a very long value': `${base}/${'a'.repeat(50_000)}`,
    'too many levels': `${base}${'/a'.repeat(9)}`,
  };
};
