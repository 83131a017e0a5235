import * as assert from 'assert';
import * as tfjs from '@tensorflow/tfjs';
import * as core from '@tensorflow/tfjs-core';
import * as layers from '@tensorflow/tfjs-layers';
import * as cpu from '@tensorflow/tfjs-backend-cpu';
import { userTfjs } from './user-tfjs';

describe('the tf a loss module gets in the check process', () => {
  // What tfjs-node.ts gives the check process's bundle: core, layers and the cpu backend.
  const checksTfjs = { ...core, ...layers, ...cpu } as Record<string, unknown>;

  it('has every export of @tensorflow/tfjs', () => {
    const api = userTfjs(checksTfjs);
    assert.deepStrictEqual(Object.keys(api).sort(), Object.keys(tfjs).sort());
  });

  it('loads the data, converter and WebGL exports when read, and fills tfjs version table', () => {
    const api = userTfjs(checksTfjs) as typeof tfjs;
    assert.strictEqual(api.data.array, tfjs.data.array);
    assert.strictEqual(api.loadGraphModel, tfjs.loadGraphModel);
    assert.strictEqual(api.MathBackendWebGL, tfjs.MathBackendWebGL);
    assert.deepStrictEqual(api.version, tfjs.version);
  });

  it('is an object of its own: what a module replaces there stays there', () => {
    const api = userTfjs(checksTfjs);
    assert.throws(() => {
      'use strict';
      (api as { mean: unknown }).mean = () => 0;
    }, TypeError);
    assert.strictEqual(checksTfjs.mean, core.mean);
  });
});
