import * as assert from 'assert';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE, joinedGlob, scopeFilter } from './file-scope';

describe('file-scope', () => {
  const defaults = scopeFilter(DEFAULT_INCLUDE, DEFAULT_EXCLUDE);

  it('analyses TypeScript and JavaScript files by default, at any depth', () => {
    for (const file of ['loss.ts', 'src/losses/huber.js', 'a/b/c.mts', 'x.mjs', 'view.tsx', '.config/loss.ts']) assert.ok(defaults(file), file);
  });

  it('leaves out node_modules, dist, build, out and declaration files by default', () => {
    for (const file of ['node_modules/tfjs/index.js', 'pkg/node_modules/a.ts', 'dist/cli.js', 'build/loss.js', 'out/x.js', 'types/tf.d.ts', 'notes.md']) {
      assert.ok(!defaults(file), file);
    }
  });

  it('follows the settings: include narrows, exclude wins over include', () => {
    const filter = scopeFilter(['src/**/*.ts'], ['**/*.test.ts', 'src/generated/**']);
    assert.ok(filter('src/losses/huber.ts'));
    assert.ok(!filter('scripts/train.ts'));
    assert.ok(!filter('src/losses/huber.test.ts'));
    assert.ok(!filter('src/generated/a.ts'));
    assert.ok(!scopeFilter([], [])('a.ts'), 'an empty include analyses nothing');
  });

  it('joins patterns into one findFiles glob unless one has braces of its own', () => {
    assert.strictEqual(joinedGlob(DEFAULT_EXCLUDE), '{**/node_modules/**,**/dist/**,**/build/**,**/out/**,**/*.d.ts}');
    assert.strictEqual(joinedGlob(DEFAULT_INCLUDE), DEFAULT_INCLUDE[0]);
    assert.strictEqual(joinedGlob(['**/*.{ts,js}', 'x/**']), undefined);
  });
});
