// Sites files that the parser refuses, for its tests (config*.test.ts): the file name the action reads
// by default, the UserError a text gives, and a one-site file (portal) built from step lines.

import { parseSitesConfig } from '../../src/action/sites-file/read-sites-file.js';
import type { UserError } from '../../src/shared/errors.js';
import { refusal } from './refusal.js';

export const FILE = '.github/cache-purge.yml';

/** The UserError parsing `text` as the sites file `file` gives. */
export const problem = (text: string, file = FILE): UserError =>
  refusal(() => parseSitesConfig(text, file), file);

/** A sites file with one site, portal, whose steps are the YAML lines `steps` (indented 6). */
export const site = (steps: string, targets = 'targets: { instance-ids: [i-0123456789abcdef0] }') =>
  `region: us-east-1\nsites:\n  portal:\n    ${targets}\n    steps:\n${steps}`;
