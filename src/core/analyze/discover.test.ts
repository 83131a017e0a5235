import * as assert from 'assert';
import ts from 'typescript';
import { findLosses } from './discover';

function discover(text: string, file = 'losses.ts') {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  return findLosses(sf).map((c) => ({ name: c.name, kind: c.kind, exportName: c.exportName, params: c.fn.parameters.length }));
}

describe('loss discovery', () => {
  it('finds exported function declarations, arrow functions and function expressions', () => {
    const found = discover(`import * as tf from '@tensorflow/tfjs';
export function mse(yTrue: tf.Tensor, yPred: tf.Tensor) { return tf.losses.meanSquaredError(yTrue, yPred); }
export const mae = (y_true, y_pred) => tf.mean(tf.abs(tf.sub(y_true, y_pred)));
export const hinge = function (labels, logits) { return tf.losses.hingeLoss(labels, logits); };
export default function (targets, predictions) { return tf.mean(tf.square(tf.sub(targets, predictions))); }`);
    assert.deepStrictEqual(found.map((f) => [f.name, f.kind, f.exportName]), [
      ['mse', 'loss', 'mse'],
      ['mae', 'loss', 'mae'],
      ['hinge', 'loss', 'hinge'],
      ['default', 'loss', 'default'],
    ]);
  });

  it('qualifies parameters by their Tensor type when their names say nothing', () => {
    const found = discover(`import * as tf from '@tensorflow/tfjs';
export function custom(a: tf.Tensor, b: tf.Tensor2D): tf.Tensor { return tf.sub(a, b); }
export function helper(a: number, b: number) { return a + b; }
export function scale(x, factor) { return x * factor; }`);
    assert.deepStrictEqual(found.map((f) => f.name), ['custom']);
  });

  it('reads JSDoc types in JavaScript', () => {
    const found = discover(`/** @param {tf.Tensor} a @param {tf.Tensor} b */
export function jsdocTyped(a, b) { return a.sub(b).square().mean(); }`, 'losses.js');
    assert.deepStrictEqual(found.map((f) => f.name), ['jsdocTyped']);
  });

  it('finds exports by export lists and CommonJS, and @loss functions that are not exported', () => {
    const found = discover(`const tf = require('@tensorflow/tfjs');
function a(yTrue, yPred) { return tf.sub(yTrue, yPred).square().mean(); }
function internal(yTrue, yPred) { return a(yTrue, yPred); }
/** @loss */
function tagged(x, y) { return tf.sub(x, y).abs().mean(); }
exports.b = (yTrue, yPred) => a(yTrue, yPred);
module.exports.c = function (yTrue, yPred) { return a(yPred, yTrue); };
module.exports = { a, renamed: internal, inline(yTrue, yPred) { return a(yTrue, yPred); } };`, 'losses.js');
    assert.deepStrictEqual(found.map((f) => [f.name, f.exportName]), [
      ['a', 'a'],
      ['internal', 'renamed'],
      ['tagged', undefined],
      ['b', 'b'],
      ['c', 'c'],
      ['inline', 'inline'],
    ]);
  });

  it('finds factories, with the defaults read from the source, and says which parameters a factory needs', () => {
    const text = `import * as tf from '@tensorflow/tfjs';
export function huber(delta = 1.0, scale = -2, name = 'h') {
  return (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.huberLoss(yTrue, yPred, undefined, delta);
}
export const focal = (gamma = 2) => (yTrue, yPred) => tf.mean(tf.mul(gamma, tf.sub(yTrue, yPred)));
export function named(q = 0.9) {
  function pinball(yTrue, yPred) { return tf.mean(tf.mul(q, tf.sub(yTrue, yPred))); }
  return pinball;
}
export function notAFactory(delta) { return (yTrue, yPred) => tf.sub(yTrue, yPred); }
export function makeNumber(x = 1) { return () => x; }`;
    const sf = ts.createSourceFile('f.ts', text, ts.ScriptTarget.Latest, true);
    const found = findLosses(sf);
    assert.deepStrictEqual(found.map((f) => [f.name, f.kind, f.needsArguments]), [
      ['huber', 'factory', undefined],
      ['focal', 'factory', undefined],
      ['named', 'factory', undefined],
      ['notAFactory', 'factory', ['delta']],
    ]);
    assert.deepStrictEqual(found[0]?.factoryParams, [
      { name: 'delta', defaultText: '1.0', value: 1 },
      { name: 'scale', defaultText: '-2', value: -2 },
      { name: 'name', defaultText: "'h'" },
    ]);
    assert.strictEqual(found[2]?.fn.parameters.length, 2, 'the loss of a factory is the function it returns');
  });

  it('still finds functions named like losses with the wrong parameter count, so they can be reported', () => {
    const found = discover(`export function huber(yTrue, yPred, delta) { return yTrue; }
/** @loss */
export function single(yPred) { return yPred; }
export function unrelated(x) { return x; }`, 'losses.js');
    assert.deepStrictEqual(found.map((f) => [f.name, f.params]), [['huber', 3], ['single', 1]]);
  });

  it('reads the @lossTask tag', () => {
    const sf = ts.createSourceFile('f.ts', `/**
 * Focal loss.
 * @lossTask binary
 */
export const focal = (yTrue, yPred) => yPred;`, ts.ScriptTarget.Latest, true);
    assert.strictEqual(findLosses(sf)[0]?.taskTag, 'binary');
  });
});
