// The plan-time check of the parameters of the documents this action ships: what SSM would refuse at
// SendCommand (an undeclared or missing parameter, a value outside its allowedPattern), and parameters
// the document's script refuses together, is an error now, before any AWS call, at its line in the
// sites file. Pure.

import { bundledDocumentProblems, documentKind } from '../sites-file/bundled-documents.js';
import { formatPathAt, type Located, type SitesFileLocator } from '../sites-file/locations.js';
import { fileLocation, UserError } from '../../shared/errors.js';
import type { CheckedStep } from './checked-step.js';
import type { SiteRoots } from '../sites-file/roots.js';

/**
 * SSM refuses, at SendCommand, parameters its document does not declare, a missing required one and
 * a value outside its allowedPattern. For the documents we ship, say so now, each at its path in the
 * sites file, against the definition bundled with this action (a copy pinned with document-version is
 * still checked against ours: the names are this action's). CachePath and WordPressPath are checked
 * against the site's `roots` (a kind missing from `roots` is unknown: its values' pattern is not checked).
 */
export function bundledDocumentParameterError(
  steps: readonly CheckedStep[],
  site: string,
  configFile: string,
  locate: SitesFileLocator,
  roots: Partial<SiteRoots>,
): UserError | undefined {
  const found: { at: Located | undefined; line: string }[] = [];
  const documents = new Set<string>();
  let onInstance = false;
  for (const step of steps) {
    if (!step.run) continue;
    // a near miss of one of ours is checked as the one it means: fixing the name reveals nothing new
    const kind = documentKind(step.run.document);
    if (kind.kind !== 'bundled' && kind.kind !== 'near-miss') continue;
    const checkedAs = kind.kind === 'bundled' ? kind.name : kind.meant;
    const problems = bundledDocumentProblems(checkedAs, step.run.parameters, roots);
    if (problems.length === 0) continue;
    documents.add(kind.bundled);
    const path = ['sites', site, 'steps', step.position, 'ssm', 'parameters'];
    if (problems.some((p) => p.onInstance)) onInstance = true;
    for (const { parameter, problem, about } of problems) {
      // a missing parameter is shown at the step's parameters (or its ssm), an unknown name at the
      // name, a bad value at the value
      const at =
        parameter === undefined
          ? locate(path)
          : about === 'name'
            ? locate(path, parameter)
            : locate([...path, parameter]);
      found.push({
        at,
        line: `${formatPathAt(parameter === undefined ? path : [...path, parameter], at)} (step ${step.position + 1}, ${step.name}): ${problem}`,
      });
    }
  }
  if (found.length === 0) return undefined;
  // in the order of the file (a sites file may list its steps' keys in any order); stable
  found.sort((a, b) => (a.at?.line ?? Infinity) - (b.at?.line ?? Infinity));
  const lines = found.map((f) => f.line);
  const names = [...documents];
  const checked = `Checked before any AWS call against the definition${names.length === 1 ? '' : 's'} of ${names.join(' and ')} bundled with cache-purge-action (ssm-documents/${names.length === 1 ? `${names[0]}.json` : '*.json'}).`;
  return new UserError(
    'Invalid document parameters',
    [
      onInstance
        ? `${configFile}: ${lines.length === 1 ? 'this parameter would be' : 'these parameters would be'} refused (by SSM at SendCommand, or by the document itself on the instance):`
        : `${configFile}: SSM would refuse ${lines.length === 1 ? 'this parameter' : 'these parameters'} at SendCommand:`,
      ...lines.map((line) => `  - ${line}`),
      checked,
    ].join('\n'),
    fileLocation(configFile, found[0]!.at),
    { items: found.map((f) => ({ text: f.line, ...(f.at && { line: f.at.line }) })), notes: [checked] },
  );
}
