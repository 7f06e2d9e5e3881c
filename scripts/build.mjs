// One esbuild script for every bundle: the CLI (and, as they land, the language server and the
// extension client). The tree-sitter WebAssembly files are copied beside the server bundles, and the
// tree copy (server/src/engine/treeCopy.wat) is assembled there.
import { build, context } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const entries = [
  { in: 'server/src/cli.ts', out: 'server/out/cli', banner: '#!/usr/bin/env node' },
  { in: 'server/src/server.ts', out: 'server/out/server' },
  // The server's entry point, which runs server.js from V8's code cache.
  { in: 'server/src/main.ts', out: 'server/out/main' },
  { in: 'client/src/extension.ts', out: 'client/out/extension', external: ['vscode'] },
].filter((e) => existsSync(join(root, e.in)));

mkdirSync(join(root, 'server/out'), { recursive: true });
for (const wasm of ['web-tree-sitter/web-tree-sitter.wasm', 'tree-sitter-python/tree-sitter-python.wasm']) {
  const from = require.resolve(wasm);
  copyFileSync(from, join(root, 'server/out', wasm.split('/')[1]));
}
const wat = join(root, 'server/src/engine/treeCopy.wat');
const assembled = (await require('wabt')()).parseWat(wat, readFileSync(wat, 'utf8'));
try {
  assembled.validate();
  writeFileSync(join(root, 'server/out/tree-copy.wasm'), assembled.toBinary({}).buffer);
} finally {
  assembled.destroy();
}

const options = entries.map((e) => ({
  absWorkingDir: root,
  entryPoints: [{ in: e.in, out: e.out }],
  outdir: '.',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: e.external ?? [],
  // The CommonJS build of web-tree-sitter: its ES module build needs import.meta.url.
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
  banner: e.banner ? { js: e.banner } : undefined,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
}));

if (watch) {
  for (const o of options) await (await context(o)).watch();
  console.log('watching', entries.map((e) => e.in).join(', '));
} else {
  await Promise.all(options.map((o) => build(o)));
}
