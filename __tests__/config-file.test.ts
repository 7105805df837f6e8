// Reading the sites file named by the `config` input: only inside the workspace, and a missing
// .yml that exists as .yaml (or the other way round) says so.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  otherYamlExtension,
  readConfigFile,
  resolveConfigPath,
} from '../src/action/sites-file/config-file.js';
import { UserError } from '../src/shared/errors.js';

function workspace(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'config-file-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function refused(root: string, config: string): Promise<UserError> {
  try {
    await readConfigFile(root, config);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error(`${config} was read`);
}

describe('the config input', () => {
  it('reads a path relative to the workspace, or an absolute one inside it', async () => {
    const root = workspace({ '.github/cache-purge.yml': 'sites: {}\n', 'ops/sites.json': '{}' });
    expect(await readConfigFile(root, '.github/cache-purge.yml')).toBe('sites: {}\n');
    expect(await readConfigFile(root, join(root, 'ops/sites.json'))).toBe('{}');
    expect(await readConfigFile(root, 'ops/../.github/cache-purge.yml')).toBe('sites: {}\n');
  });

  it('refuses a path outside the workspace, naming the input and the fix, without reading it', async () => {
    const root = workspace();
    for (const config of ['/etc/passwd', '../../etc/passwd', '..', join(root, '..', 'other', 'sites.yml')]) {
      const error = await refused(root, config);
      expect(error.title).toBe('Invalid input');
      expect(error.message).toBe(
        `Input "config" is ${JSON.stringify(config)}, which is outside the workspace (${root}). Set it to the sites file's path relative to the workspace, e.g. .github/cache-purge.yml; generate or copy the file into the workspace first if it lives elsewhere.`,
      );
      expect(error.message).not.toContain('root:');
    }
    expect(() => resolveConfigPath(root, '.')).toThrow('which is the workspace itself');
  });

  it('a missing .yml that exists as .yaml points at it, and the other way round', async () => {
    const root = workspace({ '.github/cache-purge.yaml': 'sites: {}\n', 'ops/sites.yml': 'sites: {}\n' });
    expect((await refused(root, '.github/cache-purge.yml')).message).toBe(
      `Sites file .github/cache-purge.yml was not found (looked for ${join(root, '.github/cache-purge.yml')}), but .github/cache-purge.yaml exists. Set the "config" input to .github/cache-purge.yaml, or rename the file to .github/cache-purge.yml.`,
    );
    expect((await refused(root, 'ops/sites.yaml')).message).toContain(
      'but ops/sites.yml exists. Set the "config" input to ops/sites.yml',
    );
    // neither exists: the usual advice
    expect((await refused(root, 'other.yml')).message).toBe(
      `Sites file other.yml was not found (looked for ${join(root, 'other.yml')}). Check out the repository first (actions/checkout) or set the "config" input to the file's path relative to the workspace.`,
    );
  });

  it('otherYamlExtension swaps .yml and .yaml only', () => {
    expect(otherYamlExtension('a/b.yml')).toBe('a/b.yaml');
    expect(otherYamlExtension('a/b.YAML')).toBe('a/b.yml');
    expect(otherYamlExtension('a/b.json')).toBeUndefined();
  });
});
