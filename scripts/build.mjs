// Bundles the extension, the language server and the CLI into dist/, with the
// tree-sitter runtime and grammar .wasm files beside them (loaded by absolute path).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync } from 'node:fs';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const modules = path.join(root, 'node_modules');
const dist = path.join(root, 'dist');
const production = process.argv.includes('--production');
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // web-tree-sitter's ESM build uses import.meta.url, which breaks in a CJS bundle.
  alias: { 'web-tree-sitter': path.join(modules, 'web-tree-sitter/web-tree-sitter.cjs') },
};

await Promise.all([
  build({ ...common, entryPoints: [path.join(root, 'client/src/extension.ts')], outfile: path.join(dist, 'extension.js'), external: ['vscode'] }),
  build({ ...common, entryPoints: [path.join(root, 'server/src/server.ts')], outfile: path.join(dist, 'server.js'), banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: [path.join(root, 'server/src/cli.ts')], outfile: path.join(dist, 'cli.js'), banner: { js: '#!/usr/bin/env node' } }),
]);
for (const file of ['server.js', 'cli.js']) chmodSync(path.join(dist, file), 0o755);

const wasm = {
  'web-tree-sitter.wasm': path.join(modules, 'web-tree-sitter/web-tree-sitter.wasm'),
  ...Object.fromEntries(['bash', 'go', 'c', 'make'].map((name) => [`tree-sitter-${name}.wasm`, path.join(modules, `tree-sitter-${name}/tree-sitter-${name}.wasm`)])),
};
for (const [name, from] of Object.entries(wasm)) copyFileSync(from, path.join(dist, name));
