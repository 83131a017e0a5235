// What tfjs itself says about its ops: which kernel each op runs, which tensor method calls which
// op, and which kernels have a registered gradient. Generated at build time from the installed
// tfjs (see tfjs-registry-generate.ts) into dist/tfjs-registry.json; never typed by hand.
import * as fs from 'fs';
import { findBuilt } from '../built-files';
import type { CompileNames } from './compile-names';

export interface OpEntry {
  /** Kernels the op runs itself through ENGINE.runKernel. */
  kernels: string[];
  /** The op defines its own gradient with customGrad, so its kernels' gradients do not matter. */
  customGradient: boolean;
}

export interface TfjsRegistry {
  tfjsVersion: string;
  /** Kernel name → whether tfjs registers a gradient for it. */
  gradients: Record<string, boolean>;
  /** Op name (`lessEqual`) or namespaced op (`losses.huberLoss`) → what it runs. */
  ops: Record<string, OpEntry>;
  /** Tensor method (`x.lessEqual(…)`) → the op it calls. */
  methods: Record<string, string>;
  /** The `loss` and `metrics` strings `model.compile` accepts. */
  compile: CompileNames;
}

export const REGISTRY_FILE = 'tfjs-registry.json';

let cached: TfjsRegistry | undefined;

/** Reads the registry that the build wrote next to the bundle (or into dist/ when run from sources). */
export function loadTfjsRegistry(): TfjsRegistry {
  cached ??= JSON.parse(fs.readFileSync(findBuilt(REGISTRY_FILE), 'utf8')) as TfjsRegistry;
  return cached;
}

/** Resolves a call's property chain (`['losses', 'huberLoss']`, `['lessEqual']`) to an op name. */
export function resolveOp(registry: TfjsRegistry, chain: readonly string[]): string | undefined {
  const last = chain[chain.length - 1];
  if (last === undefined) return undefined;
  const namespaced = chain.length >= 2 ? `${chain[chain.length - 2]}.${last}` : undefined;
  if (namespaced && registry.ops[namespaced]) return namespaced;
  return registry.ops[last] ? last : undefined;
}

/** The kernels of an op that have no registered gradient (empty when the op differentiates). */
export function kernelsWithoutGradient(registry: TfjsRegistry, op: string): string[] {
  const entry = registry.ops[op];
  if (!entry || entry.customGradient) return [];
  return entry.kernels.filter((k) => registry.gradients[k] === false);
}
