// Reads the sites file from the workspace; a path outside the workspace, or a missing or unreadable
// file, becomes a UserError that says where we looked and what to do.

import { access, readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { UserError } from '../../shared/errors.js';

/**
 * The `config` input is a path relative to the workspace (action.yml, README). A path that leads out
 * of it — absolute elsewhere, or through `..` — is refused: the sites file belongs to the repository
 * being deployed, and an error about a file elsewhere would quote that file. Checked on the path as
 * written (symbolic links inside the repository are the repository's own business).
 */
export function resolveConfigPath(workspace: string, configPath: string): string {
  const root = resolve(workspace);
  const fullPath = resolve(root, configPath);
  const inside = relative(root, fullPath);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new UserError(
      'Invalid input',
      `Input "config" is ${JSON.stringify(configPath)}, which is ${inside === '' ? 'the workspace itself' : `outside the workspace (${root})`}. Set it to the sites file's path relative to the workspace, e.g. .github/cache-purge.yml; generate or copy the file into the workspace first if it lives elsewhere.`,
    );
  }
  return fullPath;
}

/** `.github/cache-purge.yml` ↔ `.github/cache-purge.yaml`: the spelling a user may have used instead. */
export function otherYamlExtension(configPath: string): string | undefined {
  const match = /\.(yml|yaml)$/i.exec(configPath);
  if (!match) return undefined;
  return configPath.slice(0, match.index) + (match[1]!.toLowerCase() === 'yml' ? '.yaml' : '.yml');
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

export async function readConfigFile(workspace: string, configPath: string): Promise<string> {
  const fullPath = resolveConfigPath(workspace, configPath);
  try {
    return await readFile(fullPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const alternative = code === 'ENOENT' ? otherYamlExtension(configPath) : undefined;
    const why =
      code === 'ENOENT'
        ? alternative && (await exists(resolve(workspace, alternative)))
          ? `was not found (looked for ${fullPath}), but ${alternative} exists. Set the "config" input to ${alternative}, or rename the file to ${configPath}.`
          : `was not found (looked for ${fullPath}). Check out the repository first (actions/checkout) or set the "config" input to the file's path relative to the workspace.`
        : code === 'EISDIR'
          ? `is a directory (${fullPath}); set the "config" input to the sites file itself.`
          : code === 'EACCES'
            ? `cannot be read: permission denied (${fullPath}).`
            : `cannot be read (${fullPath}): ${(error as Error).message}.`;
    throw new UserError('Sites file not readable', `Sites file ${configPath} ${why}`, { file: configPath });
  }
}
