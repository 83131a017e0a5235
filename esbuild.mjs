// Builds Loss Lab: the CLI bundle now (extension and webview bundles join it later), the tfjs
// registry generated from the installed tfjs, and the declaration files the analysis ships with.
// `node esbuild.mjs [--watch] [--dev]`
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const dev = process.argv.includes('--dev') || watch;
const dist = path.resolve('dist');

/** Node bundles: everything inlined, so that the .vsix and the CLI need no node_modules. */
const nodeBundles = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: !dev,
  keepNames: true,
  sourcemap: dev ? 'inline' : 'linked',
  logLevel: 'warning',
  // tfjs-core's browser fetch polyfill: never used in Node (saves about 300 KB).
  external: ['node-fetch'],
};

async function buildBundles() {
  const options = {
    ...nodeBundles,
    entryPoints: { cli: 'src/cli.ts' },
    outdir: dist,
    banner: { js: '#!/usr/bin/env node' },
    // Looked up only when running from sources; the bundle reads its own copies (see assets.ts).
    external: [...nodeBundles.external, '@tensorflow/tfjs/package.json', 'typescript/lib/lib.d.ts'],
  };
  if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
    console.log('watching…');
  } else {
    await esbuild.build(options);
  }
}

/** dist/tfjs-registry.json: tfjs's op → kernel map and gradient registry, read from tfjs itself. */
async function writeRegistry() {
  const out = path.resolve('.cache/build/tfjs-registry-generate.js');
  await esbuild.build({
    ...nodeBundles,
    minify: false,
    sourcemap: false,
    entryPoints: ['src/core/analyze/tfjs-registry-generate.ts'],
    outfile: out,
    external: ['@tensorflow/*', 'typescript'],
  });
  const { generateTfjsRegistry } = require(out);
  const registry = generateTfjsRegistry();
  fs.writeFileSync(path.join(dist, 'tfjs-registry.json'), JSON.stringify(registry, null, 1));
}

function copyFiles(fromDir, toDir, keep) {
  for (const entry of fs.readdirSync(fromDir, { withFileTypes: true })) {
    const from = path.join(fromDir, entry.name);
    const to = path.join(toDir, entry.name);
    if (entry.isDirectory()) copyFiles(from, to, keep);
    else if (keep(entry.name, from)) {
      fs.mkdirSync(toDir, { recursive: true });
      fs.copyFileSync(from, to);
    }
  }
}

/** TypeScript's lib files and tfjs's declarations, so that analysis works in a folder with no node_modules. */
function copyDeclarations() {
  const tsLib = path.dirname(require.resolve('typescript/lib/lib.d.ts'));
  fs.rmSync(path.join(dist, 'typescript-lib'), { recursive: true, force: true });
  copyFiles(tsLib, path.join(dist, 'typescript-lib'), (name, from) => path.dirname(from) === tsLib && /^lib\..*\.d\.ts$/.test(name));

  const typesRoot = path.join(dist, 'tfjs-types', 'node_modules', '@tensorflow');
  fs.rmSync(path.join(dist, 'tfjs-types'), { recursive: true, force: true });
  const tfjsDir = path.dirname(require.resolve('@tensorflow/tfjs/package.json'));
  const scope = path.dirname(tfjsDir);
  for (const pkg of fs.readdirSync(scope)) {
    const pkgDir = path.join(scope, pkg);
    if (!fs.existsSync(path.join(pkgDir, 'package.json'))) continue;
    const target = path.join(typesRoot, pkg);
    fs.mkdirSync(target, { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify({ name: manifest.name, version: manifest.version, types: manifest.types ?? manifest.typings }));
    copyFiles(path.join(pkgDir, 'dist'), path.join(target, 'dist'), (name) => name.endsWith('.d.ts') && !name.endsWith('_test.d.ts'));
  }
}

const started = performance.now();
fs.mkdirSync(dist, { recursive: true });
await writeRegistry();
copyDeclarations();
await buildBundles();
if (!watch) console.log(`built dist/ in ${Math.round(performance.now() - started)} ms`);
