// The extension's own bundle stays small: TypeScript runs in the analysis worker and tfjs in the
// check worker, so neither may be bundled into what VS Code loads at activation.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

describe('the extension bundle', () => {
  const bundle = path.resolve(__dirname, '..', '..', 'dist', 'extension.js');

  it('holds neither TypeScript nor tfjs (both load in workers, never in the extension host)', () => {
    const text = fs.readFileSync(bundle, 'utf8');
    assert.ok(text.length < 500_000, `dist/extension.js is ${Math.round(text.length / 1024)} KB`);
    assert.doesNotMatch(text, /createSourceFile|forEachChild/, 'TypeScript is bundled');
    assert.doesNotMatch(text, /registerKernel|ENGINE\.runKernel|runKernel\(/, 'tfjs is bundled');
  });
});
