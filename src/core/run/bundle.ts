// A user's loss module, with its relative imports, as one self-contained script. Every
// `@tensorflow/tfjs*` import resolves to the tfjs instance of whoever runs the script (the worker
// here, the panel's Web Worker in the browser): two tfjs copies make tensors that do not mix.
// The script assigns the module's exports to `globalThis[BUNDLE_EXPORTS]` and reads tfjs from
// `globalThis[BUNDLE_TFJS]`.
import * as fs from 'fs';
import * as path from 'path';
import type * as esbuildTypes from 'esbuild';

import { loadEsbuild, loaderFor } from './esbuild-loader';
import { BUNDLE_EXPORTS, BUNDLE_TFJS, HIDDEN_EXPORT_PREFIX } from './bundle-names';

export { BUNDLE_EXPORTS, BUNDLE_TFJS, HIDDEN_EXPORT_PREFIX };

const TFJS_IMPORT = /^@tensorflow\/tfjs(-[a-z-]+)?(\/.*)?$/;

export interface BundleRequest {
  /** Absolute path of the loss file. */
  file: string;
  /** Its text, when it differs from the disk (unsaved edits). */
  text?: string;
  /** Names of top-level functions to export although the module does not. */
  hiddenLosses?: string[];
}

export type BundleResult = { ok: true; code: string; ms: number } | { ok: false; message: string; ms: number };

export async function bundleLoss(request: BundleRequest): Promise<BundleResult> {
  const started = performance.now();
  const file = path.resolve(request.file);
  const loader = loaderFor(file);
  const plugin: esbuildTypes.Plugin = {
    name: 'loss-lab',
    setup(build) {
      build.onResolve({ filter: TFJS_IMPORT }, (args) => ({ path: args.path, namespace: 'loss-lab-tfjs' }));
      build.onLoad({ filter: /.*/, namespace: 'loss-lab-tfjs' }, () => ({
        contents: `module.exports = globalThis[${JSON.stringify(BUNDLE_TFJS)}];`,
        loader: 'js',
      }));
      if (request.text !== undefined || request.hiddenLosses?.length) {
        const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        // The text may have no file on disk yet (an untitled editor): resolve the entry to itself.
        build.onResolve({ filter: new RegExp(`^${escaped}$`) }, () => ({ path: file }));
        build.onLoad({ filter: new RegExp(`^${escaped}$`) }, () => ({
          contents: withHiddenExports(request.text ?? fs.readFileSync(file, 'utf8'), request.hiddenLosses ?? []),
          loader,
          resolveDir: path.dirname(file),
        }));
      }
    },
  };
  try {
    // Loaded on first use, once per process (see esbuild-loader.ts): needed only when a loss is run.
    const { esbuild, plugins } = await loadEsbuild();
    const result = await esbuild.build({
      entryPoints: [file],
      // The wasm build's default is '/': paths in messages are relative to this on both kinds.
      absWorkingDir: process.cwd(),
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      target: 'es2020',
      logLevel: 'silent',
      plugins: [plugin, ...plugins],
      // Node's own modules are there in the worker, not in the browser: reported by the run there.
      external: ['fs', 'path', 'os', 'crypto', 'util', 'node:*'],
      footer: { js: `globalThis[${JSON.stringify(BUNDLE_EXPORTS)}] = ${'__lossLabModule'};` },
      globalName: '__lossLabModule',
    });
    const output = result.outputFiles[0];
    if (!output) return { ok: false, message: 'esbuild produced no output', ms: performance.now() - started };
    return { ok: true, code: output.text, ms: performance.now() - started };
  } catch (error) {
    return { ok: false, message: describeBuildError(error, file), ms: performance.now() - started };
  }
}

/** Appends exports for `@loss` functions the module keeps to itself. */
function withHiddenExports(text: string, names: string[]): string {
  if (names.length === 0) return text;
  const isEsm = /^\s*(import|export)\s/m.test(text);
  const lines = names.map((name) =>
    isEsm ? `export { ${name} as ${HIDDEN_EXPORT_PREFIX}${name} };` : `module.exports[${JSON.stringify(HIDDEN_EXPORT_PREFIX + name)}] = ${name};`,
  );
  return `${text}\n${lines.join('\n')}\n`;
}

/** esbuild's errors, said with the file and the import that could not be found. */
function describeBuildError(error: unknown, file: string): string {
  const failure = error as { errors?: esbuildTypes.Message[] };
  if (!failure.errors?.length) return `the module could not be bundled: ${String(error)}`;
  return failure.errors
    .slice(0, 3)
    .map((m) => {
      const where = m.location ? `${path.relative(path.dirname(file), m.location.file) || path.basename(file)}:${m.location.line}:${m.location.column + 1}: ` : '';
      const unresolved = /^Could not resolve "(.+)"/.exec(m.text);
      const text = unresolved ? `the import "${unresolved[1]}" cannot be found (is it installed, is the path right?)` : m.text;
      return `${where}${text}`;
    })
    .join('; ');
}
