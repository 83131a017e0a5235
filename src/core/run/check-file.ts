// The runtime checks of every loss of one file: bundle the module once, load it once into a fresh
// process of the runner's, then run each loss there. Used by the CLI and the extension alike.
import type { LossInfo } from '../analyze';
import type { TaskOption } from '../analyze/task';
import { taskTagBefore } from '../analyze/task-tag';
import { parseReference, REFERENCE_PARAMETERS } from '../checks/reference-spec';
import type { CheckResult, Range, Task } from '../report';
import { bundleLoss, type BundleRequest, type BundleResult } from './bundle';
import type { LossRunner, OutputTail } from './runner';

export interface FileCheckOptions {
  seed: number;
  /** Samples per batch (default: the task preset's). */
  batch?: number;
  /** `NAME` or `NAME:PARAM`; a factory's own parameter (huber's delta) is used where none is given. */
  reference?: string;
  /**
   * The task option the losses were analysed with: under `auto` (the default) a loss without a
   * `@lossTask` tag that does not run on its preset is tried on the others.
   */
  task?: TaskOption;
  timeoutMs?: number;
  /** Arguments per factory name (the panel's sliders); none means the defaults. */
  factoryArgs?: Record<string, unknown[]>;
  /** Asked before each loss: true stops the file's remaining runs (the editor's Cancel). */
  cancelled?: () => boolean;
  /** The file's own text, when `text` is the analysis's slice of it: the losses' ranges and tags refer to it. */
  sourceText?: string;
  /** Told after each loss, with its checks, how long its run took and the task it ran with. */
  onLoss?: (name: string, checks: CheckResult[], ms: number, task: Task) => void;
  /** Told what the file's code printed (console.log while debugging a loss), once per process it ran in. */
  onOutput?: (output: OutputTail) => void;
  /** Start a spare process for the next file (default true; false when no file follows). */
  spare?: boolean;
  /** Bundles the module (default: bundleLoss here; the editor bundles in a thread of its own). */
  bundler?: (request: BundleRequest) => Promise<BundleResult>;
}

/** Loss name → its checks, in the order of DESIGN.md's check ids. */
export async function checkFileLosses(
  runner: LossRunner,
  file: string,
  text: string | undefined,
  losses: readonly LossInfo[],
  options: FileCheckOptions,
): Promise<Map<string, CheckResult[]>> {
  const results = new Map<string, CheckResult[]>();
  if (losses.length === 0) return results;
  const skip = (loss: LossInfo, checks: CheckResult[]): void => {
    results.set(loss.name, checks);
    options.onLoss?.(loss.name, checks, 0, loss.task);
  };
  const runnable = losses.filter((loss) => {
    if (loss.runSkip) skip(loss, [{ id: 'runs', status: 'skip', message: loss.runSkip, ms: 0 }]);
    return !loss.runSkip;
  });
  if (runnable.length === 0) return ordered(results, losses);
  // Bundled only when a loss will run: one bundle serves all of the file's losses.
  const hiddenLosses = losses.filter((l) => l.exportName === undefined).map((l) => l.name);
  const bundle = await (options.bundler ?? bundleLoss)({ file, ...(text === undefined ? {} : { text }), hiddenLosses });
  if (!bundle.ok) {
    for (const loss of runnable) skip(loss, [{ id: 'runs', status: 'fail', message: `the module cannot be loaded: ${bundle.message}`, ms: Math.round(bundle.ms) }]);
    return ordered(results, losses);
  }
  const source = options.sourceText ?? text;
  let next = 0;
  let cancelled = false;
  // One process for the file; a loss that takes it down (a crash, a timeout) leaves the rest a fresh one.
  while (next < runnable.length && !cancelled) {
    const session = await runner.session(options.spare === false ? { spare: false } : {});
    try {
      // A module that throws, loops or crashes at load fails all its losses at once, after one timeout.
      const loadFailure = await session.load({ code: bundle.code, file }, options.timeoutMs);
      if (loadFailure) {
        for (const loss of runnable.slice(next)) skip(loss, [{ ...loadFailure }]);
        break;
      }
      while (next < runnable.length && !session.child.ended) {
        // Asked once per loss, before it runs (the editor's Cancel).
        if ((cancelled = options.cancelled?.() ?? false)) break;
        const loss = runnable[next++] as LossInfo;
        const factoryArgs = options.factoryArgs?.[loss.name];
        const tag = source === undefined ? undefined : taskTagBefore(source, offsetOf(source, loss.range));
        const batch = tag?.batch ?? options.batch;
        const reference = options.reference === undefined ? undefined : referenceFor(options.reference, loss, factoryArgs);
        const outcome = await session.run(
          {
            exportName: loss.exportName ?? loss.name,
            kind: loss.kind,
            task: loss.task,
            autoTask: tag?.task === undefined && (options.task ?? 'auto') === 'auto',
            seed: options.seed,
            ...(batch ? { batch } : {}),
            ...(tag?.width ? { width: tag.width } : {}),
            ...(factoryArgs ? { factoryArgs } : {}),
            ...(reference ? { reference } : {}),
          },
          options.timeoutMs,
        );
        results.set(loss.name, outcome.checks);
        options.onLoss?.(loss.name, outcome.checks, outcome.ms, outcome.task ?? loss.task);
      }
    } finally {
      const output = await session.close();
      if (output.text || output.dropped) options.onOutput?.(output);
    }
  }
  return ordered(results, losses);
}

/** The results in the order of the file's losses. */
function ordered(results: Map<string, CheckResult[]>, losses: readonly LossInfo[]): Map<string, CheckResult[]> {
  const sorted = new Map<string, CheckResult[]>();
  for (const loss of losses) {
    const checks = results.get(loss.name);
    if (checks) sorted.set(loss.name, checks);
  }
  return sorted;
}

/** The offset of a 0-based line and character in `text`. */
function offsetOf(text: string, range: Range): number {
  let offset = 0;
  for (let line = 0; line < range.start.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset + range.start.character;
}

/**
 * `--reference huber` for a factory `huber(delta = 1.5)`: the built-in with the factory's numeric
 * parameter (the one named like the built-in's, else the only numeric one), so like is compared with
 * like; `huber:1.5` given explicitly wins.
 */
export function referenceFor(reference: string, loss: Pick<LossInfo, 'kind' | 'factoryParams'>, factoryArgs?: unknown[]): string {
  const spec = parseReference(reference);
  if (typeof spec === 'string' || spec.param !== undefined || loss.kind !== 'factory') return reference;
  const parameter = REFERENCE_PARAMETERS[spec.name];
  if (!parameter) return reference;
  const numeric = loss.factoryParams
    .map((p, i) => ({ name: p.name, value: typeof factoryArgs?.[i] === 'number' ? (factoryArgs[i] as number) : p.value }))
    .filter((p): p is { name: string; value: number } => typeof p.value === 'number' && Number.isFinite(p.value) && p.value > 0);
  const named = numeric.find((p) => new RegExp(`^(${parameter.name}|threshold|t|d|c|k)$`, 'i').test(p.name));
  const chosen = named ?? (numeric.length === 1 ? numeric[0] : undefined);
  return chosen ? `${spec.name}:${chosen.value}` : reference;
}
