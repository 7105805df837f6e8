// The OIDC subjects a trust policy's `sub` condition lists, checked one by one against the exact
// subjects asked for: GitHub's two forms only (branch, environment), nothing that widens a match.

import type { Json } from './cloudformation.js';

const sameSet = (a: string[], b: string[]) => [...a].sort().join('\n') === [...b].sort().join('\n');

/**
 * The trust policy's `sub` values, checked one by one: each must be an exact subject of the form
 * repo:OWNER/REPO:ref:refs/heads/BRANCH or repo:OWNER/REPO:environment:NAME, with no character that
 * widens a match (* ? [ ] or a ${} policy variable), and together exactly the subjects asked for.
 */
export function subjectViolations(actual: Json | undefined, wanted: string[]): string[] {
  const violations: string[] = [];
  const values = actual === undefined ? [] : [actual].flat();
  const subjects: string[] = [];
  for (const value of values) {
    if (typeof value !== 'string') {
      violations.push(`PurgeRole trust: sub value ${JSON.stringify(value)} is not a string`);
      continue;
    }
    subjects.push(value);
    if (/[*?[\]$]/.test(value))
      violations.push(`PurgeRole trust: sub ${JSON.stringify(value)} has a wildcard`);
    if (
      !/^repo:[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}:(ref:refs\/heads\/[A-Za-z0-9._/-]+|environment:[A-Za-z0-9._ -]+)$/.test(
        value,
      )
    )
      violations.push(`PurgeRole trust: sub ${JSON.stringify(value)} is not one exact repository subject`);
  }
  if (new Set(subjects).size !== subjects.length)
    violations.push(`PurgeRole trust: sub lists a subject twice: ${JSON.stringify(subjects)}`);
  if (!sameSet([...new Set(subjects)], [...new Set(wanted)])) {
    violations.push(
      `PurgeRole trust: sub ${JSON.stringify(subjects)}, expected exactly ${JSON.stringify(wanted)}`,
    );
  }
  return violations;
}
