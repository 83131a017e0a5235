import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { codeCacheDir, requireWithCodeCache } from './code-cache';

describe('loading a bundle with V8 code cache', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-code-cache-test-'));
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    const caches = codeCacheDir();
    for (const name of fs.existsSync(caches) ? fs.readdirSync(caches) : []) if (name.includes(`-${process.pid}.js-`)) fs.rmSync(path.join(caches, name), { force: true });
  });

  function bundle(name: string, answer: number): string {
    const file = path.join(dir, name);
    // A module that uses what a CommonJS bundle uses: require, module.exports, __dirname.
    fs.writeFileSync(file, `const path = require('path');\nmodule.exports = { answer: () => ${answer}, dir: path.basename(__dirname), file: path.basename(__filename) };\n`);
    return file;
  }

  it('compiles on the first load, saves the code once the module has run, and starts from it next time', () => {
    const file = bundle(`first-${process.pid}.js`, 42);
    const first = requireWithCodeCache<{ answer(): number; dir: string; file: string }>(file);
    assert.strictEqual(first.fromCache, false);
    assert.deepStrictEqual([first.exports.answer(), first.exports.dir, first.exports.file], [42, path.basename(dir), path.basename(file)]);
    first.save();
    const second = requireWithCodeCache<{ answer(): number }>(file);
    assert.strictEqual(second.fromCache, true);
    assert.strictEqual(second.exports.answer(), 42);
  });

  it('never runs a stale cache: a changed bundle is compiled again', () => {
    const file = bundle(`changed-${process.pid}.js`, 1);
    requireWithCodeCache(file).save();
    const later = Date.now() / 1000 + 5;
    bundle(`changed-${process.pid}.js`, 2);
    fs.utimesSync(file, later, later);
    const reloaded = requireWithCodeCache<{ answer(): number }>(file);
    assert.strictEqual(reloaded.fromCache, false);
    assert.strictEqual(reloaded.exports.answer(), 2);
    reloaded.save();
    const caches = fs.readdirSync(codeCacheDir()).filter((n) => n.startsWith(`changed-${process.pid}.js-`));
    assert.strictEqual(caches.length, 1, `the earlier build's cache is removed: ${caches.join(', ')}`);
  });

  it("keeps another runtime's cache of the same bundle (the CLI's Node beside VS Code's Electron)", () => {
    const file = bundle(`runtimes-${process.pid}.js`, 3);
    const other = path.join(codeCacheDir(), `runtimes-${process.pid}.js-v0.0.0-electron-${process.arch}-1-1.bin`);
    fs.writeFileSync(other, 'not this runtime');
    requireWithCodeCache(file).save();
    const caches = fs.readdirSync(codeCacheDir()).filter((n) => n.startsWith(`runtimes-${process.pid}.js-`));
    assert.strictEqual(caches.length, 2, caches.join(', '));
    assert.ok(fs.existsSync(other));
  });

  it('is off with NODE_DISABLE_COMPILE_CACHE, as in Node 22', () => {
    const file = bundle(`off-${process.pid}.js`, 7);
    process.env.NODE_DISABLE_COMPILE_CACHE = '1';
    try {
      requireWithCodeCache(file).save();
      assert.strictEqual(requireWithCodeCache(file).fromCache, false);
    } finally {
      delete process.env.NODE_DISABLE_COMPILE_CACHE;
    }
  });
});

describe('the code cache folder', () => {
  it("is this user's own: a folder another user could write to is neither read nor written", function () {
    if (process.getuid === undefined) this.skip();
    const dir = codeCacheDir();
    assert.ok(dir.endsWith(`loss-lab-code-cache-${process.getuid()}`), dir);
    const bundle = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-code-cache-owner-')), `owner-${process.pid}.js`);
    fs.writeFileSync(bundle, 'module.exports = 42;\n');
    fs.mkdirSync(dir, { recursive: true });
    const mode = fs.statSync(dir).mode & 0o777;
    try {
      fs.chmodSync(dir, 0o777); // as if another user could plant compiled code in it
      const loaded = requireWithCodeCache<number>(bundle);
      assert.strictEqual(loaded.exports, 42);
      loaded.save();
      assert.ok(!fs.readdirSync(dir).some((n) => n.startsWith(`owner-${process.pid}.js-`)), 'nothing written to a folder others can write to');
    } finally {
      fs.chmodSync(dir, mode);
    }
  });
});
