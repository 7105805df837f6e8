// Preloaded (`node --import`) by the npm scripts demo, check-sites, generate:schema and bench
// (package.json); the demo, the schema generator and the benches load TypeScript directly. They need
// Node 24, which `npm ci` installs as the `node@24` devDependency and `npm run` puts first on the PATH.
// Older Node would fail later with "Unknown file extension .ts"; this says what to do instead.

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `This needs Node.js 24 or later; this is Node.js ${process.versions.node}. Run it through npm (npm run demo, npm run bench), ` +
      'which puts the Node 24 that `npm ci` installed first on the PATH. If it still says this, `npm ci` skipped the install ' +
      'script of the "node" package: run `npm install-scripts ls`, approve it, and run `npm ci` again.\n',
  );
  process.exit(1);
}
