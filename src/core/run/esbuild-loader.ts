// Which esbuild bundles a user's loss. The native `esbuild` package where it is installed and runs
// (the CLI from npm), else `esbuild-wasm` (the .vsix, which carries no native binary, so one package
// serves every platform). The wasm build is started once per process and then reused: its start-up
// (compiling the .wasm, booting Go's runtime) is paid once, not per loss.
//
// esbuild-wasm's Node API runs the compiler in a child process started as `node` from the PATH,
// which a desktop VS Code need not have. Its browser API runs in this process, with no file system:
// the plugin below resolves and reads the files instead.
import * as fs from 'fs';
import * as path from 'path';
import { builtinModules, createRequire } from 'module';
import type * as esbuildTypes from 'esbuild';

export type Esbuild = Pick<typeof esbuildTypes, 'build' | 'version'>;
export type EsbuildKind = 'native' | 'wasm';

export interface LoadedEsbuild {
  kind: EsbuildKind;
  esbuild: Esbuild;
  /** Plugins the build needs on this kind (the wasm build's file system). */
  plugins: esbuildTypes.Plugin[];
}

const loaded = new Map<EsbuildKind, Promise<LoadedEsbuild>>();

/**
 * `LOSS_LAB_ESBUILD=native|wasm` pins the choice (the extension's bundle pins wasm at build time,
 * tests and the bench pin either); otherwise native when it runs here, else wasm.
 */
export function loadEsbuild(kind: EsbuildKind | undefined = preferred()): Promise<LoadedEsbuild> {
  if (kind) return loadKind(kind);
  return loadKind('native').catch(() => loadKind('wasm'));
}

function preferred(): EsbuildKind | undefined {
  const pinned = process.env.LOSS_LAB_ESBUILD;
  return pinned === 'native' || pinned === 'wasm' ? pinned : undefined;
}

function loadKind(kind: EsbuildKind): Promise<LoadedEsbuild> {
  let promise = loaded.get(kind);
  if (!promise) {
    promise = kind === 'native' ? loadNative() : loadWasm();
    loaded.set(kind, promise);
    // A failed start may succeed later (a package installed meanwhile): do not keep the failure.
    promise.catch(() => loaded.delete(kind));
  }
  return promise;
}

async function loadNative(): Promise<LoadedEsbuild> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional at run time: absent from the .vsix
  const esbuild = require('esbuild') as typeof esbuildTypes;
  // Requiring succeeds without the platform's binary (installed for another platform, or not at
  // all); starting the service is what fails then.
  await esbuild.transform('', {});
  return { kind: 'native', esbuild, plugins: [] };
}

interface WasmBrowserApi extends Esbuild {
  initialize(options: { wasmModule: WebAssembly.Module; worker: boolean }): Promise<void>;
}

async function loadWasm(): Promise<LoadedEsbuild> {
  const dir = path.dirname(require.resolve('esbuild-wasm/package.json'));
  const source = fs.readFileSync(path.join(dir, 'lib', 'browser.js'), 'utf8');
  const module = { exports: {} as WasmBrowserApi };
  // The browser build reads the Go runtime's globals through `self`: given here as a parameter,
  // so that nothing is added to the global scope of the process (the extension host is shared).
  new Function('module', 'exports', 'self', source)(module, module.exports, globalThis);
  const esbuild = module.exports;
  const wasm = await fs.promises.readFile(path.join(dir, 'esbuild.wasm'));
  await esbuild.initialize({ wasmModule: await WebAssembly.compile(wasm), worker: false });
  return { kind: 'wasm', esbuild, plugins: [fileSystemPlugin()] };
}

const RESOLVE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'];
const NODE_BUILTINS = new Set(builtinModules);

/** What esbuild's own resolver does on disk, for the wasm build, which has no file system. */
function fileSystemPlugin(): esbuildTypes.Plugin {
  return {
    name: 'loss-lab-files',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        const spec = args.path;
        if (spec.startsWith('node:') || NODE_BUILTINS.has(spec)) return { path: spec, external: true };
        if (path.isAbsolute(spec) || spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..') {
          const found = resolveFile(path.resolve(args.resolveDir || process.cwd(), spec));
          return found ? { path: found } : { errors: [{ text: `Could not resolve "${spec}"` }] };
        }
        try {
          return { path: createRequire(path.join(args.resolveDir || process.cwd(), 'noop.js')).resolve(spec) };
        } catch {
          return { errors: [{ text: `Could not resolve "${spec}"` }] };
        }
      });
      build.onLoad({ filter: /.*/, namespace: 'file' }, async (args) => ({
        contents: await fs.promises.readFile(args.path),
        loader: loaderFor(args.path),
        resolveDir: path.dirname(args.path),
      }));
    },
  };
}

/** A file as given, with an extension added, TypeScript's `./x.js` for `./x.ts`, or a folder's index. */
function resolveFile(base: string): string | undefined {
  const candidates = [base, ...RESOLVE_EXTENSIONS.map((ext) => base + ext)];
  const jsExt = /\.(m|c)?js$/.exec(base);
  if (jsExt) candidates.push(base.slice(0, -jsExt[0].length) + `.${jsExt[1] ?? ''}ts`);
  candidates.push(...RESOLVE_EXTENSIONS.map((ext) => path.join(base, `index${ext}`)));
  return candidates.find((candidate) => {
    try {
      return fs.statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

export function loaderFor(file: string): esbuildTypes.Loader {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.tsx') return 'tsx';
  if (ext === '.jsx') return 'jsx';
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') return 'ts';
  if (ext === '.json') return 'json';
  return 'js';
}
