import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { kernelsWithoutGradient, loadTfjsRegistry, resolveOp } from './tfjs-registry';
import { generateTfjsRegistry } from './tfjs-registry-generate';

describe('the tfjs registry', () => {
  const registry = loadTfjsRegistry();

  it("matches tfjs's own gradient registry for every kernel", () => {
    const kernels = Object.keys(registry.gradients);
    assert.ok(kernels.length > 150, `${kernels.length} kernels`);
    for (const kernel of kernels) assert.strictEqual(registry.gradients[kernel], tf.getGradient(kernel) !== undefined, kernel);
  });

  it('is what the generator reads from the installed tfjs (the build is not stale)', () => {
    assert.deepStrictEqual(generateTfjsRegistry(), registry);
  });

  it('maps ops and tensor methods to kernels as tfjs runs them', () => {
    assert.deepStrictEqual(kernelsWithoutGradient(registry, 'lessEqual'), ['LessEqual']);
    assert.deepStrictEqual(kernelsWithoutGradient(registry, 'greaterEqual'), []);
    assert.deepStrictEqual(registry.ops.where?.kernels, ['Select']);
    assert.strictEqual(registry.methods.lessEqual, 'lessEqual');
    assert.strictEqual(registry.methods.toFloat, 'cast');
    assert.strictEqual(resolveOp(registry, ['losses', 'huberLoss']), 'losses.huberLoss');
    assert.strictEqual(resolveOp(registry, ['notAnOp']), undefined);
    // Ops that define their gradient with customGrad never count as missing one.
    assert.strictEqual(registry.ops.logSoftmax?.customGradient, true);
  });
});
