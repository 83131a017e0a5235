// The `tf` a loss's module gets in the check process: everything `@tensorflow/tfjs` exports. What
// the checks themselves use (core, layers, cpu) is there from the start; the rest of the package
// (tf.data, the converter's loadGraphModel, the WebGL backend's exports) is loaded the first time
// the module reads it, so that a check process does not pay for what losses almost never touch.
// The object is the module's own: what it replaces there never reaches the checks' tfjs.

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, see above */
/** `@tensorflow/tfjs`'s exports that come from its converter, data and WebGL packages. */
const LAZY: Record<string, () => unknown> = {
  data: () => require('@tensorflow/tfjs-data'),
  ...from(() => require('@tensorflow/tfjs-converter'), ['GraphModel', 'deregisterOp', 'loadGraphModel', 'loadGraphModelSync', 'registerOp', 'version_converter']),
  ...from(() => require('@tensorflow/tfjs-backend-webgl'), ['GPGPUContext', 'MathBackendWebGL', 'forceHalfFloat', 'gpgpu_util', 'setWebGLContext', 'version_webgl', 'webgl', 'webgl_util']),
};
/* eslint-enable @typescript-eslint/no-require-imports */

function from(load: () => Record<string, unknown>, names: string[]): Record<string, () => unknown> {
  return Object.fromEntries(names.map((name) => [name, () => load()[name]]));
}

/** `base`: the checks' tfjs namespace (tfjs-node.ts in the bundle, the whole package from sources). */
export function userTfjs(base: Record<string, unknown>): Record<string, unknown> {
  const api: Record<string, unknown> = {};
  for (const key of Object.keys(base)) Object.defineProperty(api, key, { get: () => base[key], enumerable: true });
  for (const [key, load] of Object.entries(LAZY)) {
    if (key in api) continue;
    let value: unknown;
    let loaded = false;
    Object.defineProperty(api, key, {
      get: () => {
        if (!loaded) [value, loaded] = [load(), true];
        return value;
      },
      enumerable: true,
    });
  }
  // tfjs's version table names all of its packages.
  if (!('version' in api)) {
    Object.defineProperty(api, 'version', {
      get: () => ({
        'tfjs-core': base.version_core,
        'tfjs-backend-cpu': base.version_cpu,
        'tfjs-backend-webgl': api.version_webgl,
        'tfjs-data': (api.data as { version_data?: string }).version_data,
        'tfjs-layers': base.version_layers,
        'tfjs-converter': api.version_converter,
        tfjs: base.version_core,
      }),
      enumerable: true,
    });
  }
  return api;
}
