// The extension's bundler thread (dist/bundler.js): esbuild-wasm compiles there, never in the
// extension host's thread, and the bundle is the one bundleLoss makes in place.
import * as assert from 'assert';
import * as path from 'path';
import { bundleLoss } from '../../src/core/run/bundle';
import { BundlerThread } from '../../src/core/run/bundler-thread';

const RUNTIME = path.resolve(__dirname, '..', 'fixtures', 'runtime');

describe('the bundler thread', function () {
  this.timeout(120_000);
  const thread = new BundlerThread();
  after(() => thread.dispose());

  it('bundles with esbuild-wasm in its own thread, as bundleLoss does in place', async () => {
    const request = { file: path.join(RUNTIME, 'uses-helper.ts') };
    const off = await thread.bundle(request);
    assert.ok(off.ok, JSON.stringify(off));
    assert.match(off.code, /viaHelper/);
    assert.ok(!Object.keys(require.cache).some((f) => /[\\/]esbuild-wasm[\\/]/.test(f)), 'esbuild-wasm stayed out of this thread');
    const here = await bundleLoss(request);
    assert.ok(here.ok);
    // The same module inside: the loss and the helper it imports (file comments differ by bundler).
    const names = (code: string): string[] => [...new Set(code.match(/\b(viaHelper|squaredError)\b/g) ?? [])].sort();
    assert.deepStrictEqual(names(off.code), names(here.code));
    assert.ok(names(off.code).length >= 2, names(off.code).join(', '));
  });

  it('reports a module that cannot be bundled, and keeps working', async () => {
    const missing = await thread.bundle({ file: path.join(RUNTIME, 'missing-import.ts') });
    assert.ok(!missing.ok);
    assert.match(missing.message, /"\.\/does-not-exist" cannot be found/);
    const again = await thread.bundle({ file: path.join(RUNTIME, 'correct.ts') });
    assert.ok(again.ok);
  });
});
