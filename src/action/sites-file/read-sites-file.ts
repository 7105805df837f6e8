// Reads the sites file's text (YAML or JSON) into its typed content (SitesConfig) and a locator of its
// lines, or into a UserError whose every line names the exact path (`sites.portal.steps[1].ssm.document`),
// what is wrong and what is allowed, at its line and column. A file that fails the schema still yields
// what of it is sound to check further (readSitesFile's `salvaged`), so the plan's checks report in the
// same run. Pure: the parts are in syntax-errors.ts, sites-file-schema.ts, schema-problems.ts, salvage.ts
// and sites-config.ts.

import { LineCounter, parseDocument } from 'yaml';
import { UserError } from '../../shared/errors.js';
import { locateNode, type SitesFileLocator } from './locations.js';
import { salvage, type SalvagedSitesFile } from './salvage.js';
import { fallbackError } from './schema-messages.js';
import { byLine, explainIssues, schemaError, type SchemaProblem } from './schema-problems.js';
import { sitesFileSchema } from './sites-file-schema.js';
import { toConfig, type SitesConfig } from './sites-config.js';
import { syntaxError } from './syntax-errors.js';

/** A parsed sites file: its typed content, and where each of its paths is written in the text. */
interface SitesFile {
  config: SitesConfig;
  /** For later checks of the content (the plan's): names the line of the node a problem is about. */
  locate: SitesFileLocator;
}

/**
 * Parses the sites file. `file` is the name shown to the user (the `config` input). Throws a UserError
 * listing every problem, each with its path, what is wrong and what is allowed.
 */
export function parseSitesConfig(text: string, file: string): SitesConfig {
  return parseSitesFile(text, file).config;
}

/** parseSitesConfig, keeping the parsed document so that later errors can name lines too. */
export function parseSitesFile(text: string, file: string): SitesFile {
  const reading = readSitesFile(text, file);
  if (!reading.ok) throw reading.error;
  return reading.file;
}

/** A sites file read: its content, or the schema's error and what can still be checked. */
type SitesFileReading =
  | { ok: true; file: SitesFile }
  | { ok: false; error: UserError; problems: SchemaProblem[]; salvaged: SalvagedSitesFile };

/**
 * parseSitesFile that does not stop at the schema: a file that fails it gives the error and what
 * of it is still sound to check. Syntax errors and an empty file still throw (nothing is readable).
 */
export function readSitesFile(text: string, file: string): SitesFileReading {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw syntaxError(text, file, doc.errors[0]!);
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || data === undefined) {
    throw new UserError(
      'Sites file is empty',
      `${file} is empty; it needs a "sites:" mapping (see examples/cache-purge.yml).`,
      { file },
    );
  }

  const locateInFile: SitesFileLocator = (path, keyName) => locateNode(doc.contents, path, lines, keyName);
  const parsed = sitesFileSchema.safeParse(data, { error: fallbackError });
  if (parsed.success) return { ok: true, file: { config: toConfig(parsed.data), locate: locateInFile } };

  const problems = byLine(explainIssues(parsed.error.issues, data, locateInFile));
  return {
    ok: false,
    error: schemaError(file, problems),
    problems,
    salvaged: salvage(data, parsed.error.issues, locateInFile),
  };
}
