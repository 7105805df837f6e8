// `npm run package:relay`: writes the zip the CloudFormation template's relay Lambda runs
// (infra/build/relay.zip, which `aws cloudformation package` uploads). The zip holds the ncc bundle
// of the relay's Lambda adapter as lambda.js (Handler `lambda.handler`), a package.json that makes it
// ESM, the bundle's lazy chunks and its third-party licences. Entries get a fixed timestamp, so the
// same bundle always gives the same bytes (and `package` does not upload a new object for nothing).
//
// Options: --input <bundle.js> (default dist/relay/lambda.js), --out <zip> (default infra/build/relay.zip).

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import yazl from 'yazl';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const DEFAULT_INPUT = 'dist/relay/lambda.js';
export const DEFAULT_OUTPUT = 'infra/build/relay.zip';
/** ncc names lazily loaded chunks `<id>.index.js` next to the bundle. */
const CHUNK = /^[\w-]+\.index\.js$/;
const FIXED_TIME = new Date('2000-01-01T00:00:00Z');

export class PackageRelayError extends Error {}

/**
 * Zips the relay bundle. Returns the zip's path and its entry names (in order).
 * @param {{ input?: string, out?: string, cwd?: string }} options
 */
export async function packageRelay({ input = DEFAULT_INPUT, out = DEFAULT_OUTPUT, cwd = root } = {}) {
  const bundle = resolve(cwd, input);
  if (!existsSync(bundle) || !statSync(bundle).isFile()) {
    const hint =
      input === DEFAULT_INPUT
        ? existsSync(join(cwd, 'src/relay/lambda.ts'))
          ? 'Run `npm run build` first: it bundles src/relay/lambda.ts into dist/relay/lambda.js.'
          : 'This checkout has no relay yet (src/relay/lambda.ts is missing), so there is nothing to package; deploy the stack with DeployRelay=false, or add the relay and run `npm run build`.'
        : 'Pass --input with the path of the bundled relay (an ESM file that exports `handler`).';
    throw new PackageRelayError(`package:relay: the relay bundle ${input} was not found. ${hint}`);
  }
  const source = readFileSync(bundle, 'utf8');
  if (!/\bhandler\b/.test(source)) {
    throw new PackageRelayError(
      `package:relay: ${input} does not mention \`handler\`; the Lambda's Handler is lambda.handler, so the bundle must export it.`,
    );
  }

  const folder = dirname(bundle);
  const stem = basename(bundle, '.js');
  const entries = [
    { name: 'lambda.js', data: Buffer.from(source, 'utf8') },
    { name: 'package.json', data: Buffer.from('{ "type": "module" }\n', 'utf8') },
  ];
  for (const file of readdirSync(folder).sort()) {
    if (CHUNK.test(file)) entries.push({ name: file, data: readFileSync(join(folder, file)) });
  }
  const licences = join(folder, `${stem}.licenses.txt`);
  if (existsSync(licences)) entries.push({ name: 'licenses.txt', data: readFileSync(licences) });

  const target = resolve(cwd, out);
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  const zip = new yazl.ZipFile();
  for (const entry of entries) zip.addBuffer(entry.data, entry.name, { mtime: FIXED_TIME, mode: 0o100644 });
  zip.end();
  await new Promise((done, fail) => {
    const stream = createWriteStream(partial);
    stream.on('close', done).on('error', fail);
    zip.outputStream.on('error', fail).pipe(stream);
  });
  renameSync(partial, target); // never leave a half-written zip where the template points
  return { zip: target, entries: entries.map((e) => e.name) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { input: { type: 'string' }, out: { type: 'string' } },
    allowPositionals: false,
  });
  try {
    const { zip, entries } = await packageRelay({ input: values.input, out: values.out, cwd: process.cwd() });
    console.log(
      `package:relay: wrote ${relative(process.cwd(), zip)} (${statSync(zip).size} bytes): ${entries.join(', ')}`,
    );
  } catch (error) {
    if (!(error instanceof PackageRelayError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
