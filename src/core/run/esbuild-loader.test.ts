// The wasm build must bundle what the native one bundles: the .vsix has only the wasm build.
import * as assert from 'assert';
import * as path from 'path';
import * as vm from 'vm';
import { loadEsbuild, type EsbuildKind } from './esbuild-loader';
import { BUNDLE_EXPORTS, BUNDLE_TFJS } from './bundle-names';
import { bundleLoss } from './bundle';

const fixtures = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'runtime');

/** Runs a bundle with a stand-in tfjs and returns the module's export names. */
function exportsOf(code: string): string[] {
  const context: Record<string, unknown> = { [BUNDLE_TFJS]: { mean: () => 0 } };
  vm.runInNewContext(code, context);
  return Object.keys(context[BUNDLE_EXPORTS] as object).sort();
}

async function bundleWith(kind: EsbuildKind, file: string, text?: string) {
  const previous = process.env.LOSS_LAB_ESBUILD;
  process.env.LOSS_LAB_ESBUILD = kind;
  try {
    return await bundleLoss({ file, ...(text === undefined ? {} : { text }) });
  } finally {
    if (previous === undefined) delete process.env.LOSS_LAB_ESBUILD;
    else process.env.LOSS_LAB_ESBUILD = previous;
  }
}

describe('esbuild-loader', function () {
  this.timeout(60_000);

  it('starts the wasm build once per process and reuses it', async () => {
    const first = await loadEsbuild('wasm');
    const second = await loadEsbuild('wasm');
    assert.strictEqual(first, second);
    assert.strictEqual(first.kind, 'wasm');
    assert.strictEqual(first.esbuild.version, (await loadEsbuild('native')).esbuild.version, 'esbuild-wasm is pinned to the version of esbuild');
  });

  for (const kind of ['native', 'wasm'] as const) {
    it(`bundles a loss with its relative imports on the ${kind} build`, async () => {
      const result = await bundleWith(kind, path.join(fixtures, 'uses-helper.ts'));
      assert.ok(result.ok, result.ok ? '' : result.message);
      assert.match(result.code, /squaredError/);
      assert.deepStrictEqual(exportsOf(result.code), ['viaHelper']);
    });

    it(`resolves TypeScript's './x.js' to './x.ts' and node's own modules stay external on the ${kind} build`, async () => {
      const text = "import { squaredError } from './helpers.js';\nimport * as fs from 'node:fs';\nexport const both = [squaredError, fs];\n";
      const result = await bundleWith(kind, path.join(fixtures, 'unsaved.ts'), text);
      assert.ok(result.ok, result.ok ? '' : result.message);
      assert.match(result.code, /require\("node:fs"\)|from "node:fs"/);
    });

    it(`names the import it cannot find on the ${kind} build`, async () => {
      const result = await bundleWith(kind, path.join(fixtures, 'missing-import.ts'));
      assert.strictEqual(result.ok, false);
      assert.match(result.ok ? '' : result.message, /missing-import\.ts:2:\d+: the import "\.\/does-not-exist" cannot be found/);
    });
  }
});
