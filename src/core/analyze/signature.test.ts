import * as assert from 'assert';
import { allDiagnostics, analyzeSource, coveredText, findings, onlyLoss } from '../../../test/helpers/analyze';

const header = "import * as tf from '@tensorflow/tfjs';\n";

describe('signature checks (LL100–LL103) and TypeScript errors (LL001)', () => {
  it('LL100: a third parameter with no default, with the factory form in the message', () => {
    const text = `${header}export function huber(yTrue: tf.Tensor, yPred: tf.Tensor, delta: number): tf.Tensor {
  return tf.losses.huberLoss(yTrue, yPred, undefined, delta);
}`;
    const [d] = onlyLoss(analyzeSource(text)).diagnostics;
    assert.strictEqual(d?.code, 'LL100');
    assert.strictEqual(coveredText(text, d), 'yTrue: tf.Tensor, yPred: tf.Tensor, delta: number');
    assert.match(d.message, /`delta` is never set/);
    assert.match(d.message, /export function huber\(delta = …\) \{ return \(yTrue, yPred\) => … \}/);
  });

  it('LL100 near miss: extra parameters with a default, optional or rest are what tfjs-layers itself writes', () => {
    const text = `${header}export function categoricalCrossentropy(target: tf.Tensor, output: tf.Tensor, fromLogits = false): tf.Tensor {
  return tf.losses.softmaxCrossEntropy(target, fromLogits ? output : tf.log(tf.clipByValue(output, 1e-7, 1 - 1e-7)));
}
export function weighted(yTrue: tf.Tensor, yPred: tf.Tensor, weights?: tf.Tensor): tf.Tensor {
  return tf.losses.meanSquaredError(yTrue, yPred, weights);
}
export function rest(yTrue: tf.Tensor, yPred: tf.Tensor, ...more: number[]): tf.Tensor {
  return tf.losses.absoluteDifference(yTrue, yPred);
}`;
    assert.deepStrictEqual(findings(analyzeSource(text), 'LL100'), []);
  });

  it('LL100 near miss: the save parameter tf.customGrad passes, and its {value, gradFunc} result', () => {
    const text = `const tf = require('@tensorflow/tfjs');
exports.clippedMse = 0;
/** A gradient clipped to [-1, 1]: the forward pass compares, the custom gradient decides. */
const clippedMse = tf.customGrad((yTrue, yPred, save) => {
  const diff = tf.sub(yPred, yTrue);
  save([diff]);
  const big = tf.greater(tf.abs(diff), 1).dataSync();
  return { value: tf.mean(tf.square(diff)), gradFunc: (dy, [saved]) => [tf.zerosLike(saved), tf.mul(dy, tf.clipByValue(saved, -1, 1))] };
});
module.exports = { clippedMse };`;
    const analysis = analyzeSource(text, { file: 'inline.js' });
    assert.deepStrictEqual(analysis.losses.map((l) => l.name), ['clippedMse']);
    assert.deepStrictEqual(findings(analysis), []);
  });

  it('LL100: a @loss function with one parameter', () => {
    const text = `/** @loss */\nexport function single(yPred) { return yPred.mean(); }`;
    assert.deepStrictEqual(findings(analyzeSource(text, { file: 'inline.js' })), ['LL100@1:23']);
  });

  it('LL101: a parameter typed as something that does not accept a Tensor, in TypeScript and in JSDoc', () => {
    const text = `${header}export function numbers(yTrue: number, yPred: tf.Tensor): tf.Tensor { return tf.sub(yPred, yTrue); }
/**
 * @param {tf.Tensor} yTrue
 * @param {number[]} yPred
 */
export function arrays(yTrue, yPred) { return tf.sub(yTrue, tf.tensor(yPred)); }`;
    const ts = analyzeSource(text);
    const [d] = allDiagnostics(ts);
    assert.deepStrictEqual(findings(ts), ['LL101@1:24']);
    assert.strictEqual(coveredText(text, d!), 'yTrue: number');
    assert.match(d!.message, /typed `number`/);
    const js = analyzeSource(text.replace('yTrue: number', 'yTrue'), { file: 'inline.js' });
    assert.deepStrictEqual(findings(js, 'LL101'), ['LL101@6:30']);
  });

  it('LL101 near miss: narrower tensor types say the rank (Tensor2D, Scalar, T extends Tensor, a union with TensorLike)', () => {
    const text = `${header}export function typed2d(yTrue: tf.Tensor2D, yPred: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.square(tf.sub(yTrue, yPred)));
}
export const generic = <T extends tf.Tensor>(yTrue: T, yPred: T): tf.Tensor => tf.mean(tf.abs(tf.sub(yTrue, yPred)));
export function union(yTrue: tf.Tensor | tf.TensorLike, yPred: tf.Tensor): tf.Tensor1D {
  return tf.mean(tf.abs(tf.sub(yTrue, yPred)), -1) as tf.Tensor1D;
}`;
    assert.deepStrictEqual(findings(analyzeSource(text)), []);
  });

  it('LL102: a number, nothing or an array returned; a Scalar or a tidy result is fine', () => {
    const text = `${header}export function toNumber(yTrue: tf.Tensor, yPred: tf.Tensor): number {
  return tf.losses.meanSquaredError(yTrue, yPred).dataSync()[0] ?? 0;
}
export function nothing(yTrue: tf.Tensor, yPred: tf.Tensor) { tf.sub(yTrue, yPred); }
export function inferredArray(yTrue: tf.Tensor, yPred: tf.Tensor) { return tf.sub(yTrue, yPred).arraySync(); }
export function scalar(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar { return tf.mean(tf.square(tf.sub(yTrue, yPred))); }
export function tidy(yTrue: tf.Tensor, yPred: tf.Tensor) { return tf.tidy(() => tf.mean(tf.abs(tf.sub(yTrue, yPred)))); }`;
    const analysis = analyzeSource(text);
    const byLoss = Object.fromEntries(analysis.losses.map((l) => [l.name, l.diagnostics.filter((d) => d.code === 'LL102').map((d) => coveredText(text, d))]));
    assert.deepStrictEqual(byLoss, {
      toNumber: ['number'],
      nothing: ['nothing'],
      inferredArray: ['return tf.sub(yTrue, yPred).arraySync();'],
      scalar: [],
      tidy: [],
    });
    assert.match(analysis.losses[1]?.diagnostics[0]?.message ?? '', /returns nothing/);
  });

  it('LL103: async losses and Promise returns', () => {
    const text = `${header}export async function later(yTrue: tf.Tensor, yPred: tf.Tensor) { return tf.sub(yTrue, yPred); }
export function promised(yTrue: tf.Tensor, yPred: tf.Tensor) { return tf.sub(yTrue, yPred).data(); }`;
    assert.deepStrictEqual(findings(analyzeSource(text), 'LL103'), ['LL103@1:7', 'LL103@2:63']);
  });

  it('LL001: parse errors and type errors, inside a loss or at file level', () => {
    const text = `${header}const weight: number = 'heavy';
export function mse(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.mean(tf.square(tf.sub(yTrue, yPred)), 'last');
}`;
    const analysis = analyzeSource(text);
    assert.deepStrictEqual(analysis.diagnostics.map((d) => `${d.code}@${d.range.start.line}`), ['LL001@1']);
    assert.match(analysis.diagnostics[0]?.message ?? '', /TypeScript: Type 'string' is not assignable to type 'number'\. \(TS2322\)/);
    assert.deepStrictEqual(findings({ ...analysis, diagnostics: [] }), ['LL001@3:50']);
  });

  it('accepts a correct typed loss without findings', () => {
    const text = `${header}export function mse(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(yTrue, yPred)), -1));
}`;
    assert.deepStrictEqual(findings(analyzeSource(text)), []);
  });
});
