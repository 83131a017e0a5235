// The loss a bundled module's exports hold, made callable: shared by the Node worker and the panel's
// Web Worker, so that both call a loss (or a factory with the sliders' arguments) the same way.
import { HIDDEN_EXPORT_PREFIX } from './bundle-names';

export type Loss = (yTrue: never, yPred: never) => unknown;

export interface LossTarget {
  exportName: string;
  kind: 'loss' | 'factory';
  /** A factory's arguments; undefined entries keep the parameter's default. */
  factoryArgs?: unknown[];
}

/** The loss function, or a sentence saying why there is none. */
export function pickLoss(exports: Record<string, unknown>, target: LossTarget): Loss | string {
  const { exportName } = target;
  const value = exports[exportName] ?? exports[HIDDEN_EXPORT_PREFIX + exportName] ?? (exportName === 'default' ? exports : undefined);
  if (typeof value !== 'function') return `the module does not export a function named ${exportName}`;
  if (target.kind === 'loss') return value as Loss;
  try {
    const made = (value as (...args: unknown[]) => unknown)(...(target.factoryArgs ?? []));
    return typeof made === 'function' ? (made as Loss) : `the factory ${exportName}() returned ${typeof made}, not a function`;
  } catch (error) {
    return `the factory ${exportName}() throws: ${(error as Error)?.message ?? String(error)}`;
  }
}
