// The shape of the documentation: a README short enough to read in minutes, with a complete deploy
// snippet near its top and a link to every other page; each page saying what it is for and linking
// back; every relative link in README.md, CONTRIBUTING.md and docs/ reaching a file, and a heading
// when it names an anchor; and every pointer from the code to a page (an error's hint, a comment)
// naming a page that exists and, when it quotes a section, a heading or entry of that page.

import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { anchorsOf, codeBlocks, docFiles, headings, readDoc, relativeLinks } from './helpers/docs.js';
import { repoRoot } from './helpers/run-action.js';

const README_MAX_LINES = 200;
const SNIPPET_WITHIN_LINES = 60;

const readme = readDoc('README.md');
const pages = docFiles.filter((file) => file !== 'README.md');

describe('README.md', () => {
  it(`stays at most ${README_MAX_LINES} lines`, () => {
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it(`shows a complete deploy workflow using the action within its first ${SNIPPET_WITHIN_LINES} lines`, () => {
    const snippet = codeBlocks(readme).find(
      (b) => b.info === 'yaml' && /^\s+- uses: OWNER\/cache-purge-action@v\d+( #.*)?$/m.test(b.body),
    );
    expect(snippet, 'a ```yaml block with `- uses: OWNER/cache-purge-action@v1`').toBeDefined();
    expect(snippet!.body).toMatch(/^jobs:\n {2}deploy:/);
    expect(snippet!.body).toMatch(/^ {4}needs: deploy$/m);
    expect(snippet!.body).toMatch(/^ {6}id-token: write/m);
    const closingFenceLine = snippet!.line + snippet!.body.split('\n').length + 2; // 1-based
    expect(closingFenceLine).toBeLessThanOrEqual(SNIPPET_WITHIN_LINES);
  });

  it('names the three ways to trigger a purge', () => {
    const intro = readme.slice(0, readme.indexOf('\n## '));
    expect(intro).toMatch(/^1\. a `uses:` step/m);
    expect(intro).toMatch(/^2\. `workflow_dispatch` from the GitHub UI \(a `site` choice/m);
    expect(intro).toMatch(/^3\. a Slack slash command `\/clear-cache portal` through the relay/m);
  });

  it('links to every other page', () => {
    const linked = new Set(relativeLinks(readme).map((l) => l.target.split('#')[0]));
    for (const page of pages) expect(linked, page).toContain(page);
  });
});

describe.each(pages)('%s', (page) => {
  it('has one title, then one line saying what it is for that links back to the README', () => {
    const [title, blank, purpose, after] = readDoc(page).split('\n');
    expect(title).toMatch(/^# \S/);
    expect(blank).toBe('');
    const back = page.startsWith('docs/') ? '../README.md' : 'README.md';
    expect(purpose).toContain(`[README](${back})`);
    expect(after).toBe('');
    expect(headings(readDoc(page)).filter((h) => h.level === 1)).toHaveLength(1);
  });
});

describe.each(docFiles)('links in %s', (file) => {
  const links = relativeLinks(readDoc(file));

  it.each(links.map((link) => [`${link.target} (line ${link.line})`, link.target]))(
    '%s resolves',
    (_, target) => {
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const resolved = path === '' ? file : join(dirname(file), path);
      expect(resolved.startsWith('..'), `${target} leaves the repository`).toBe(false);
      expect(existsSync(join(repoRoot, resolved)), `${file}: ${target}: no file ${resolved}`).toBe(true);
      if (anchor === undefined) return;
      expect(resolved.endsWith('.md'), `${file}: ${target}: an anchor into a file that is not Markdown`).toBe(
        true,
      );
      expect(statSync(join(repoRoot, resolved)).isFile()).toBe(true);
      expect(
        anchorsOf(readDoc(resolved)),
        `${file}: ${target}: ${resolved} has no heading #${anchor}`,
      ).toContain(anchor);
    },
  );
});

/** Files whose messages and comments send readers to the docs. */
const POINTING = ['src', 'scripts', 'bench', 'examples', 'infra', '.ci', 'action.yml'];
const pointingFiles = POINTING.flatMap((entry) =>
  statSync(join(repoRoot, entry)).isFile()
    ? [entry]
    : readdirSync(join(repoRoot, entry), { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile() && !join(d.parentPath, d.name).includes('/infra/build/'))
        .map((d) => join(d.parentPath, d.name).slice(repoRoot.length + 1)),
);
const pointers = pointingFiles.flatMap((file) =>
  [
    ...readFileSync(join(repoRoot, file), 'utf8').matchAll(
      /\b(README(?:\.md)?|docs\/[A-Za-z0-9_.-]+\.md)(?:,? "([^"\n]+)")?/g,
    ),
  ].map((m) => ({ file, page: m[1] === 'README' ? 'README.md' : m[1]!, section: m[2] })),
);

describe('pointers from the code to the docs', () => {
  it('finds them', () => {
    expect(pointers.map((p) => `${p.file} → ${p.page}`)).toEqual(
      expect.arrayContaining([
        'src/action/inputs/input-variables.ts → docs/sites-file.md',
        'src/action/run/credential-messages.ts → docs/troubleshooting.md',
        'examples/deploy.yml → docs/setup.md',
      ]),
    );
  });

  it.each(pointers.map((p) => [`${p.file} → ${p.page}${p.section ? `, "${p.section}"` : ''}`, p]))(
    '%s exists',
    (_, { page, section }) => {
      expect(docFiles, `${page} is not one of the docs`).toContain(page);
      if (section === undefined) return;
      const text = readDoc(page);
      const entries = [
        ...headings(text).map((h) => h.text),
        ...[...text.matchAll(/^\*\*"?([^"*]+?)"?\.?\*\*/gm)].map((m) => m[1]!),
      ];
      expect(entries, `${page} has no heading or entry "${section}"`).toContain(section);
    },
  );
});
