// The plan-time check of the SSM document names of a site's steps: a name that differs from a document
// this action ships only in case or by a small edit ("did you mean"), or that is in our `CachePurge-`
// family without being one of ours, is an error at its line; any other name is the user's own
// document, run as written with its parameters unchecked (plan-view.ts says so per step). Pure.

import { formatPathAt, type Located, type SitesFileLocator } from '../sites-file/locations.js';
import { documentNameProblem } from '../sites-file/bundled-documents.js';
import { fileLocation, UserError } from '../../shared/errors.js';
import type { CheckedStep } from './checked-step.js';

/** One error listing every step whose document name looks like a mistake for one of ours; else undefined. */
export function documentNameError(
  steps: readonly CheckedStep[],
  site: string,
  configFile: string,
  locate: SitesFileLocator,
): UserError | undefined {
  const found: { at: Located | undefined; line: string; alone: string }[] = [];
  for (const step of steps) {
    if (!step.run) continue;
    const problem = documentNameProblem(step.run.document);
    if (!problem) continue;
    const path = ['sites', site, 'steps', step.position, 'ssm', 'document'];
    const at = locate(path);
    const where = `${formatPathAt(path, at)} (step ${step.position + 1}, ${step.name})`;
    found.push({
      at,
      line: `  - ${where}: ${problem}`,
      alone: `${where}: ${documentNameProblem(step.run.document, true)}`,
    });
  }
  if (found.length === 0) return undefined;
  return new UserError(
    'Unknown bundled document',
    [
      `${configFile}: ${found.length === 1 ? 'this document name is' : 'these document names are'} not among the documents bundled with cache-purge-action:`,
      ...found.map((f) => f.line),
    ].join('\n'),
    fileLocation(configFile, found[0]!.at),
    { items: found.map((f) => ({ text: f.alone, ...(f.at && { line: f.at.line }) })) },
  );
}
