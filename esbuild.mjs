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

/**
 * The CLI loads the analysis (and TypeScript with it) only for a file that may hold a loss: its
 * `require('./core/analyze')` becomes a require of the analyzer.js bundle beside it, so that cli.js
 * stays small and starts without parsing TypeScript's code.
 */
const lazyAnalyzer = {
  name: 'lazy-analyzer',
  setup(build) {
    build.onResolve({ filter: /^\.\/core\/analyze$/ }, (args) =>
      args.kind === 'require-call' && args.importer.endsWith(path.join('src', 'cli.ts')) ? { path: './analyzer.js', external: true } : undefined,
    );
  },
};

async function buildBundles() {
  const extension = {
    ...nodeBundles,
    entryPoints: { extension: 'src/vscode/extension.ts' },
    outdir: dist,
    // Provided by VS Code; esbuild is needed only when a loss runs (see src/core/run/esbuild-loader.ts).
    // The .vsix carries esbuild-wasm, not a native binary: one package for every platform.
    external: [...nodeBundles.external, 'vscode', 'esbuild', 'esbuild-wasm'],
    define: { 'process.env.LOSS_LAB_ESBUILD': '"wasm"' },
  };
  // The extension's bundler thread (src/core/run/bundler-thread.ts): esbuild-wasm off the extension host's thread.
  const bundler = { ...extension, entryPoints: { bundler: 'src/core/run/bundler-main.ts' } };
  const options = {
    ...nodeBundles,
    entryPoints: { cli: 'src/cli.ts' },
    outdir: dist,
    banner: { js: '#!/usr/bin/env node' },
    plugins: [lazyAnalyzer],
    // Looked up only when running from sources; the bundle reads its own copies (see assets.ts).
    // esbuild bundles user modules at run time: the native one where npm installed it for this
    // platform, else esbuild-wasm (both dependencies; see src/core/run/esbuild-loader.ts).
    external: [...nodeBundles.external, '@tensorflow/tfjs/package.json', 'typescript/lib/lib.d.ts', 'esbuild', 'esbuild-wasm'],
    // tfjs-backend-wasm's Emscripten glue probes for these; never used in Node's worker threads.
    mainFields: ['main', 'module'],
  };
  // The check process (src/core/run/worker-entry.ts, forked by the runner) and the code it loads
  // through V8's code cache: tfjs and the checks. From tfjs's ES modules (tree-shaken, a single copy
  // of tfjs-core), '@tensorflow/tfjs' meaning core, layers and the cpu backend (tfjs-node.ts); no
  // keepNames (see below). Ready in about 200 ms instead of 330: DESIGN.md "Check processes".
  const checkProcess = { ...nodeBundles, entryPoints: { worker: 'src/core/run/worker-entry.ts' }, outdir: dist };
  const checkCode = {
    ...nodeBundles,
    entryPoints: { 'worker-code': 'src/core/run/worker.ts' },
    outdir: dist,
    keepNames: false,
    mainFields: ['module', 'main'],
    alias: { '@tensorflow/tfjs': './src/core/run/tfjs-node.ts' },
  };
  // The bundles with TypeScript in them: the CLI's analysis and the editor's analysis worker. Without
  // keepNames: it wraps every function TypeScript creates (closures in its parser, binder and
  // checker, made by the thousand) in a call that names it, which made a 30-file check 20 % slower.
  const analysis = {
    ...options,
    entryPoints: { analyzer: 'src/core/analyze/index.ts', 'analysis-worker': 'src/core/analyze/worker.ts' },
    banner: {},
    plugins: [],
    keepNames: false,
  };
  // The preview panel's page and its worker (DESIGN.md: tfjs from its ES modules, never the UMD
  // bundle, whose Function() the webview's CSP blocks). Scripts, not modules: the page loads them by
  // nonce and the worker starts from a blob that appends the loss module to the script.
  const browser = {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify: !dev,
    sourcemap: dev ? 'inline' : false,
    logLevel: 'warning',
    mainFields: ['browser', 'module', 'main'],
    define: { 'process.env.NODE_ENV': '"production"' },
  };
  const page = { ...browser, entryPoints: { main: 'webview/main.ts' }, outdir: path.join(dist, 'webview') };
  const worker = {
    ...browser,
    entryPoints: { worker: 'webview/worker/main.ts' },
    outdir: path.join(dist, 'webview'),
    // '@tensorflow/tfjs' (also in src/core/checks) means core + layers + the three backends here.
    alias: { '@tensorflow/tfjs': './webview/worker/tfjs.ts' },
    external: ['fs', 'path', 'crypto', 'worker_threads', 'perf_hooks', 'os', 'util'],
  };
  fs.mkdirSync(path.join(dist, 'webview'), { recursive: true });
  fs.copyFileSync('webview/panel.css', path.join(dist, 'webview', 'panel.css'));
  if (watch) {
    for (const o of [options, checkProcess, checkCode, analysis, extension, bundler, page, worker]) await (await esbuild.context(o)).watch();
    console.log('watching…');
  } else {
    await Promise.all([esbuild.build(options), esbuild.build(checkProcess), esbuild.build(checkCode), esbuild.build(analysis), esbuild.build(extension), esbuild.build(bundler), esbuild.build(page), esbuild.build(worker)]);
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

/** dist/snippets.json (contributes.snippets) from the loss templates. */
async function writeSnippets() {
  const out = path.resolve('.cache/build/templates.js');
  await esbuild.build({ ...nodeBundles, minify: false, sourcemap: false, entryPoints: ['src/core/templates.ts'], outfile: out });
  delete require.cache[out];
  fs.writeFileSync(path.join(dist, 'snippets.json'), JSON.stringify(require(out).snippetsJson(), null, 2));
}

/** tfjs's wasm backend binaries, loaded by the worker with setWasmPaths. */
function copyWasm() {
  const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  fs.mkdirSync(path.join(dist, 'wasm'), { recursive: true });
  for (const name of fs.readdirSync(wasmDir).filter((n) => n.endsWith('.wasm'))) fs.copyFileSync(path.join(wasmDir, name), path.join(dist, 'wasm', name));
}

/**
 * A declaration file as TypeScript's printer writes it without comments: the same declarations (and
 * triple-slash directives) in about a third of the text, which the analysis parses in a third of the
 * time on every cold start (tfjs's declarations are mostly documentation). Deterministic.
 */
async function writeDeclarationsWithoutComments(dir) {
  const ts = require('typescript');
  const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.d.ts') ? [path.join(d, e.name)] : []));
  for (const file of walk(dir)) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    fs.writeFileSync(file, printer.printFile(source));
  }
}

/** TypeScript's lib files and tfjs's declarations, so that analysis works in a folder with no node_modules. */
async function copyDeclarations() {
  const tsLib = path.dirname(require.resolve('typescript/lib/lib.d.ts'));
  fs.rmSync(path.join(dist, 'typescript-lib'), { recursive: true, force: true });
  copyFiles(tsLib, path.join(dist, 'typescript-lib'), (name, from) => path.dirname(from) === tsLib && /^lib(\..*)?\.d\.ts$/.test(name));

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
  await writeDeclarationsWithoutComments(path.join(dist, 'typescript-lib'));
  await writeDeclarationsWithoutComments(typesRoot);
}

const started = performance.now();
fs.mkdirSync(dist, { recursive: true });
await writeRegistry();
await copyDeclarations();
copyWasm();
await writeSnippets();
await buildBundles();
if (!watch) console.log(`built dist/ in ${Math.round(performance.now() - started)} ms`);
