// The globals a bundled loss module reads tfjs from and writes its exports to (see bundle.ts); a
// module of its own so that the browser's worker can use them without bundling esbuild's caller.
export const BUNDLE_TFJS = '__lossLabTfjs';
export const BUNDLE_EXPORTS = '__lossLabExports';
/** Losses tagged @loss but not exported are exported under this prefix, so that they can be run. */
export const HIDDEN_EXPORT_PREFIX = '__lossLab$';
