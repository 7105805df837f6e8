// Hostile parameter values against every document with a confined directory (CachePurge-OPcache names
// none: its hostile values are in opcache.test.ts), run as SSM Agent would run them (as root): each is
// refused with a clear message and nothing is deleted anywhere — not the canary tree outside the roots,
// not the real cache or site the value points next to, and WP-CLI (a recording `wp` stand-in) never runs.
// Three ways in: the service's own parameter checks (allowedPattern, maxChars) before sending; a current
// agent (ENV_VAR) given the value unchecked; a legacy agent (text pasted into the guarded here-document)
// given the value unchecked — except values with newlines, which only the allowedPattern can stop there.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chownSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DOCUMENT_NAMES,
  loadDocument,
  runDocument,
  type DocumentName,
} from '../helpers/ssm-document-runner.js';
import { listTree, makeCanary, requireSystem, scratchDir, wwwIds } from './helpers/system.js';
import { makeWpStandIn } from './helpers/wp-stand-in.js';

interface Fixture {
  root: string;
  victim: string;
  victimTree: string[];
  link: string;
  file: string;
  rootOwned: string;
  notWordPress: string;
}

const canary = makeCanary();
const wp = makeWpStandIn({ hasRocket: true, home: 'https://www.example.com' });
const fixtures = {} as Record<DocumentName, Fixture>;
const PATH_DOCUMENTS = DOCUMENT_NAMES.filter((name) => name !== 'CachePurge-OPcache');
const made: string[] = [];

function makeFixture(name: DocumentName): Fixture {
  const root =
    name === 'CachePurge-FastCGI'
      ? '/var/cache/nginx'
      : name === 'CachePurge-WPRocket'
        ? '/srv/www'
        : '/var/www';
  const owner = wwwIds();
  const victim = scratchDir(root, 'cpa-victim');
  made.push(victim);
  writeFileSync(join(victim, 'wp-load.php'), '<?php // stand-in WordPress');
  mkdirSync(join(victim, 'wp-content/cache/wp-rocket/www.example.com/blog'), { recursive: true });
  writeFileSync(join(victim, 'wp-content/cache/wp-rocket/www.example.com/blog/index.html'), '<p>cached</p>');
  mkdirSync(join(victim, 'a/bc'), { recursive: true });
  writeFileSync(join(victim, 'a/bc/0123456789abcdef0123456789abcbca'), 'KEY: cached page');
  chownSync(victim, owner.uid, owner.gid);
  const link = join(root, `cpa-link-${process.pid}-${name}`);
  rmSync(link, { force: true });
  symlinkSync(canary.dir, link);
  made.push(link);
  const file = join(root, `cpa-file-${process.pid}-${name}`);
  writeFileSync(file, 'not a directory');
  made.push(file);
  const rootOwned = scratchDir(root, 'cpa-rootowned');
  writeFileSync(join(rootOwned, 'wp-load.php'), '<?php');
  made.push(rootOwned);
  const notWordPress = scratchDir(root, 'cpa-notwp');
  chownSync(notWordPress, owner.uid, owner.gid);
  made.push(notWordPress);
  return { root, victim, victimTree: listTree(victim), link, file, rootOwned, notWordPress };
}

type Case = {
  label: string;
  value: (f: Fixture) => string;
  message: RegExp;
  patternPasses?: boolean;
  wordpressOnly?: boolean;
};
const rm = () => `rm -rf ${canary.dir}; touch ${canary.dir}/pwned`;
const notBelow = /is not an absolute path strictly below/;
const cases: Case[] = [
  { label: 'empty', value: () => '', message: /is empty; give the .* directory below/ },
  { label: '/', value: () => '/', message: notBelow },
  { label: 'the allow-listed root itself', value: (f) => f.root, message: notBelow },
  {
    label: 'a .. segment climbing out',
    value: (f) => `${f.victim}/../../../..${canary.dir}`,
    message: notBelow,
  },
  { label: 'a .. segment back to the root', value: (f) => `${f.victim}/..`, message: notBelow },
  { label: 'a relative path', value: (f) => f.victim.slice(1), message: notBelow },
  {
    label: 'a symlink pointing outside',
    value: (f) => f.link,
    message: /is a symbolic link/,
    patternPasses: true,
  },
  {
    label: 'a path through a symlink pointing outside',
    value: (f) => `${f.link}/sub`,
    message: /resolves to .*, which is not strictly below/,
    patternPasses: true,
  },
  {
    label: 'a file instead of a directory',
    value: (f) => f.file,
    message: /is not a directory/,
    patternPasses: true,
  },
  {
    label: 'a directory that does not exist',
    value: (f) => `${f.root}/cpa-missing-${process.pid}`,
    message: /does not exist/,
    patternPasses: true,
  },
  { label: '; and a command', value: (f) => `${f.victim};${rm()}`, message: notBelow },
  { label: '$(...)', value: (f) => `${f.victim}$(${rm()})`, message: notBelow },
  { label: 'backticks', value: (f) => `${f.victim}\`${rm()}\``, message: notBelow },
  { label: 'a newline and a command', value: (f) => `${f.victim}\n${rm()}`, message: notBelow },
  {
    label: 'the here-document terminator',
    value: (f) => `${f.victim}\nCACHE_PURGE_PARAMETER\n${rm()}\n`,
    message: notBelow,
  },
  { label: 'double quotes', value: (f) => `${f.victim}"; ${rm()}; echo "`, message: notBelow },
  { label: 'single quotes', value: (f) => `${f.victim}'; ${rm()}; echo '`, message: notBelow },
  {
    label: 'a very long value',
    value: (f) => `${f.victim}/${'a'.repeat(100_000)}`,
    message: /is 100\d+ characters long; at most 512/,
  },
  {
    label: 'a WordPress directory owned by root',
    value: (f) => f.rootOwned,
    message: /is owned by root; WP-CLI is never run as root/,
    patternPasses: true,
    wordpressOnly: true,
  },
  {
    label: 'a directory without wp-load.php',
    value: (f) => f.notWordPress,
    message: /has no wp-load.php/,
    patternPasses: true,
    wordpressOnly: true,
  },
];

beforeAll(() => {
  requireSystem();
  for (const name of PATH_DOCUMENTS) fixtures[name] = makeFixture(name);
});
afterAll(() => {
  for (const path of made) rmSync(path, { recursive: true, force: true });
  canary.cleanup();
  wp.cleanup();
});

describe.each(PATH_DOCUMENTS)('%s refuses hostile parameters', (name) => {
  const doc = loadDocument(name);
  const param = name === 'CachePurge-FastCGI' ? 'CachePath' : 'WordPressPath';
  const applicable = cases.filter((c) => !c.wordpressOnly || name !== 'CachePurge-FastCGI');
  const modes = [
    { mode: 'current agent, value unchecked by the service', agent: 'current', serviceChecks: false },
    { mode: 'legacy agent, value unchecked by the service', agent: 'legacy', serviceChecks: false },
    { mode: 'legacy agent behind the service checks', agent: 'legacy', serviceChecks: true },
  ] as const;
  const table = applicable.flatMap((c) => modes.map((m) => ({ ...c, ...m })));

  it.each(table)(
    `${param} = $label ($mode)`,
    async ({ value, message, patternPasses, agent, serviceChecks, label }) => {
      const fixture = fixtures[name];
      const text = value(fixture);
      if (agent === 'legacy' && !serviceChecks && text.includes('\n')) {
        // Only the allowedPattern protects a legacy agent from a newline: prove the service refuses it.
        const run = await runDocument(doc, { [param]: text }, { agent, serviceChecks: true });
        expect(run.refused, label).toMatch(/allowedPattern/);
        return;
      }
      const callsBefore = wp.calls().length;
      const run = await runDocument(doc, { [param]: text }, { agent, serviceChecks, pathPrefix: [wp.dir] });
      if (serviceChecks && !patternPasses) {
        expect(run.refused).toMatch(
          new RegExp(
            `InvalidParameters: parameter "${param}" (failed to satisfy constraint: allowedPattern|is \\d+ characters long)`,
          ),
        );
        expect(run.code).toBeNull();
      } else {
        expect(run.stderr).toMatch(new RegExp(`^${name}: refused: .*${message.source}`, 'm'));
        expect(run.code).toBe(2);
        expect(run.result).toBeUndefined();
        expect(run.stderr.length + run.stdout.length).toBeLessThan(2_000);
      }
      expect(canary.intact()).toBe(true);
      expect(listTree(fixture.victim)).toEqual(fixture.victimTree);
      expect(wp.calls().length).toBe(callsBefore);
    },
  );
});

describe('CachePurge-WPRocket refuses a hostile SiteHost', () => {
  const doc = loadDocument('CachePurge-WPRocket');
  it.each(['..', '../../..', 'a/../../..', `x;${rm()}`, `$(${rm()})`, `\`${rm()}\``, "a'b", 'a"b'])(
    'SiteHost = %s (current agent, unchecked by the service)',
    async (host) => {
      const run = await runDocument(
        doc,
        { WordPressPath: fixtures['CachePurge-WPRocket'].victim, SiteHost: host },
        { serviceChecks: false },
      );
      expect(run.stderr).toMatch(/CachePurge-WPRocket: refused: SiteHost .* is not a host name/);
      expect(run.code).toBe(2);
      expect(canary.intact()).toBe(true);
      expect(listTree(fixtures['CachePurge-WPRocket'].victim)).toEqual(
        fixtures['CachePurge-WPRocket'].victimTree,
      );
      expect((await runDocument(doc, { WordPressPath: '/srv/www/x', SiteHost: host })).refused).toMatch(
        /allowedPattern/,
      );
    },
  );
});
