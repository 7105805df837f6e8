// Reads the sites file from the workspace; a missing or unreadable file becomes a UserError that says
// where we looked and what to do.

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '../core/errors.js';

export async function readConfigFile(workspace: string, configPath: string): Promise<string> {
  const fullPath = resolve(workspace, configPath);
  try {
    return await readFile(fullPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? `was not found (looked for ${fullPath}). Check out the repository first (actions/checkout) or set the "config" input to the file's path relative to the workspace.`
        : code === 'EISDIR'
          ? `is a directory (${fullPath}); set the "config" input to the sites file itself.`
          : code === 'EACCES'
            ? `cannot be read: permission denied (${fullPath}).`
            : `cannot be read (${fullPath}): ${(error as Error).message}.`;
    throw new UserError('Sites file not readable', `Sites file ${configPath} ${why}`, { file: configPath });
  }
}
