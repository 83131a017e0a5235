// The objects the guard (guard.ts) keeps out of a loss's reach in the check process.
import * as tf from '@tensorflow/tfjs';
import type { Roots } from './guard';

/**
 * The objects the checks rely on. `hot`: what the verdicts are computed with (numbers, arrays,
 * tensors, tfjs's engine and kernels), put back after every call of the loss; `cold`: the rest
 * (tfjs's layers and optimisers for the fit check, strings, promises, Node's process), put back
 * before each check, so that the guard stays cheap enough to run a few hundred times per loss.
 */
export function guardRoots(): { hot: Roots; cold: Roots; maps: Roots } {
  const typedArray = Object.getPrototypeOf(Float32Array) as object & { prototype: object };
  const engine = tf.engine() as unknown as { registry: Record<string, object> };
  const env = tf.env();
  type Root = [string, unknown, ('functions' | 'data')?];
  const hot: Root[] = [
    ['globalThis', globalThis, 'data'],
    ['Object', Object], ['Function.prototype', Function.prototype], ['Array', Array], ['Array.prototype', Array.prototype],
    ['Number', Number], ['Math', Math], ['JSON', JSON], ['Reflect', Reflect],
    ['TypedArray', typedArray], ['TypedArray.prototype', typedArray.prototype],
    ['Float32Array', Float32Array], ['Float32Array.prototype', Float32Array.prototype],
    ['Int32Array.prototype', Int32Array.prototype], ['Uint8Array.prototype', Uint8Array.prototype],
    ['tf.Tensor', tf.Tensor], ['tf.Tensor.prototype', tf.Tensor.prototype], ['tf.Variable.prototype', tf.Variable.prototype],
    ['tf.engine()', engine, 'functions'], ['Engine.prototype', Object.getPrototypeOf(engine)],
  ];
  for (const [name, backend] of Object.entries(engine.registry)) {
    hot.push([`backend ${name}`, backend, 'functions'], [`backend ${name} prototype`, Object.getPrototypeOf(backend)]);
  }
  const cold: Root[] = [
    ['Object.prototype', Object.prototype], ['Number.prototype', Number.prototype], ['String', String], ['String.prototype', String.prototype],
    ['Symbol', Symbol], ['Promise', Promise], ['Promise.prototype', Promise.prototype], ['Map.prototype', Map.prototype],
    ['Set.prototype', Set.prototype], ['Error', Error], ['Error.prototype', Error.prototype],
    ['Int32Array', Int32Array], ['Uint8Array', Uint8Array], ['ArrayBuffer.prototype', ArrayBuffer.prototype],
    ['performance', performance], ['process', process, 'functions'],
    ['tf', tf], ['tf.env()', env, 'functions'], ['Environment.prototype', Object.getPrototypeOf(env)],
    ['tf.train', tf.train], ['tf.layers', tf.layers], ['tf.losses', tf.losses], ['tf.initializers', tf.initializers],
    ['tf.util', tf.util], ['tf.LayersModel.prototype', tf.LayersModel.prototype], ['tf.Sequential.prototype', tf.Sequential.prototype],
    ['tf.Optimizer.prototype', tf.Optimizer.prototype], ['tf.SGDOptimizer.prototype', tf.SGDOptimizer.prototype],
  ];
  const globals = (globalThis as { _tfGlobals?: Map<string, unknown> })._tfGlobals;
  const maps: Root[] = [];
  for (const name of ['kernelRegistry', 'gradRegistry']) {
    const registry = globals?.get(name);
    maps.push([`tfjs ${name}`, registry]);
    // Kernel and gradient configs become frozen copies: a loss cannot swap a kernel's function, and
    // the guard need not look at a few hundred objects after every call.
    if (registry instanceof Map) for (const [key, config] of registry) registry.set(key, Object.freeze({ ...(config as object) }));
  }
  return { hot, cold, maps };
}
