// `npm run package:relay` (scripts/package-relay.mjs) run as a CLI on a tiny ESM fixture in a temp
// folder: the zip is read back with yauzl (entries, contents, fixed timestamps), extracted and its
// handler imported and called the way Lambda does (`lambda.handler` from an ESM package).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { repoRoot } from './helpers/run-action.js';

const script = join(repoRoot, 'scripts/package-relay.mjs');
let work: string;

function runScript(args: string[], cwd = repoRoot) {
  return spawnSync(process.execPath, [script, ...args], { cwd, encoding: 'utf8' });
}

interface ZipEntryRead {
  name: string;
  data: Buffer;
  modified: Date;
  mode: number;
}

async function readZip(path: string): Promise<ZipEntryRead[]> {
  const zip = await new Promise<yauzl.ZipFile>((done, fail) =>
    yauzl.open(path, { lazyEntries: true }, (error, file) => (error ? fail(error) : done(file))),
  );
  const entries: ZipEntryRead[] = [];
  await new Promise<void>((done, fail) => {
    zip.on('error', fail);
    zip.on('end', () => done());
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return fail(error);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          entries.push({
            name: entry.fileName,
            data: Buffer.concat(chunks),
            modified: entry.getLastModDate({ timezone: 'UTC' }),
            mode: (entry.externalFileAttributes >>> 16) & 0o777,
          });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return entries;
}

const fixture = {
  'lambda.js': [
    '// tiny ESM stand-in for the ncc bundle: a handler that loads a lazy chunk',
    'export const handler = async (event) => {',
    "  const { greeting } = await import('./42.index.js');",
    '  return { statusCode: 200, body: JSON.stringify({ greeting, path: event.rawPath }) };',
    '};',
    '',
  ].join('\n'),
  '42.index.js': "export const greeting = 'hello from a chunk';\n",
  'lambda.licenses.txt': 'some-dependency\nMIT\n',
  'server.js': 'export const notForLambda = true;\n', // another bundle in the same folder: must stay out
  'server.licenses.txt': 'other\n',
  'package.json': '{ "type": "module", "name": "should-not-be-copied" }\n',
};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'package-relay-'));
  mkdirSync(join(work, 'bundle'));
  for (const [name, text] of Object.entries(fixture)) writeFileSync(join(work, 'bundle', name), text);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run package:relay', () => {
  it('zips lambda.js, an ESM package.json, the chunks and the licences — nothing else', async () => {
    const out = join(work, 'out/relay.zip');
    const run = runScript(['--input', join(work, 'bundle/lambda.js'), '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^package:relay: wrote .*relay\.zip \(\d+ bytes\): lambda\.js, package\.json, 42\.index\.js, licenses\.txt\n$/,
    );

    const entries = await readZip(out);
    expect(entries.map((e) => e.name)).toEqual(['lambda.js', 'package.json', '42.index.js', 'licenses.txt']);
    const byName = Object.fromEntries(entries.map((e) => [e.name, e.data.toString('utf8')]));
    expect(byName['lambda.js']).toBe(fixture['lambda.js']);
    expect(JSON.parse(byName['package.json']!)).toEqual({ type: 'module' });
    expect(byName['42.index.js']).toBe(fixture['42.index.js']);
    expect(byName['licenses.txt']).toBe(fixture['lambda.licenses.txt']);
    for (const entry of entries) {
      expect(entry.modified.toISOString()).toBe('2000-01-01T00:00:00.000Z');
      expect(entry.mode).toBe(0o644);
    }
  });

  it('the extracted zip runs as Lambda runs it: import lambda.js (ESM) and call handler', async () => {
    const out = join(work, 'run/relay.zip');
    expect(runScript(['--input', join(work, 'bundle/lambda.js'), '--out', out]).status).toBe(0);
    const extracted = join(work, 'run/task');
    mkdirSync(extracted, { recursive: true });
    for (const entry of await readZip(out)) writeFileSync(join(extracted, entry.name), entry.data);
    const result = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const { handler } = await import(process.argv[1] + '/lambda.js'); console.log(JSON.stringify(await handler({ rawPath: '/slack/commands' })));",
        extracted,
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(result)).toEqual({
      statusCode: 200,
      body: JSON.stringify({ greeting: 'hello from a chunk', path: '/slack/commands' }),
    });
  });

  it('is reproducible: the same bundle gives the same bytes', () => {
    const a = join(work, 'a.zip');
    const b = join(work, 'b.zip');
    expect(runScript(['--input', join(work, 'bundle/lambda.js'), '--out', a]).status).toBe(0);
    expect(runScript(['--input', join(work, 'bundle/lambda.js'), '--out', b]).status).toBe(0);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });

  it('fails with a clear message when the bundle is missing', () => {
    const run = runScript(['--input', join(work, 'nope/lambda.js'), '--out', join(work, 'x.zip')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^package:relay: the relay bundle .*nope\/lambda\.js was not found\. Pass --input with the path of the bundled relay/,
    );
  });

  it('with the default input in a checkout without the relay, says what to do', () => {
    const empty = mkdtempSync(join(tmpdir(), 'package-relay-empty-'));
    try {
      const run = runScript([], empty);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(
        'package:relay: the relay bundle dist/relay/lambda.js was not found. This checkout has no relay yet (src/relay/lambda.ts is missing)',
      );
      mkdirSync(join(empty, 'src/relay'), { recursive: true });
      writeFileSync(join(empty, 'src/relay/lambda.ts'), 'export const handler = 1;\n');
      expect(runScript([], empty).stderr).toContain('Run `npm run build` first');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('refuses a file that cannot be the handler module', () => {
    writeFileSync(join(work, 'bundle/other.js'), 'export const x = 1;\n');
    const run = runScript(['--input', join(work, 'bundle/other.js'), '--out', join(work, 'y.zip')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/does not mention `handler`; the Lambda's Handler is lambda\.handler/);
  });
});
