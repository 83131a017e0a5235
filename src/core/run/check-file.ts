// The runtime checks of every loss of one file: bundle the module once, then run each loss in the
// runner's worker. Used by the CLI and the extension alike.
import type { LossInfo } from '../analyze';
import type { CheckResult } from '../report';
import { bundleLoss } from './bundle';
import type { LossRunner } from './runner';

export interface FileCheckOptions {
  seed: number;
  /** Samples per batch (default: the task preset's). */
  batch?: number;
  reference?: string;
  timeoutMs?: number;
  /** Arguments per factory name (the panel's sliders); none means the defaults. */
  factoryArgs?: Record<string, unknown[]>;
  /** Asked before each loss: true stops the file's remaining runs (the editor's Cancel). */
  cancelled?: () => boolean;
  /** Told after each loss, with its checks and how long its run took. */
  onLoss?: (name: string, checks: CheckResult[], ms: number) => void;
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
  const hiddenLosses = losses.filter((l) => l.exportName === undefined).map((l) => l.name);
  const bundle = await bundleLoss({ file, ...(text === undefined ? {} : { text }), hiddenLosses });
  for (const loss of losses) {
    if (options.cancelled?.()) break;
    if (loss.runSkip) {
      results.set(loss.name, [{ id: 'runs', status: 'skip', message: loss.runSkip, ms: 0 }]);
      options.onLoss?.(loss.name, results.get(loss.name) ?? [], 0);
      continue;
    }
    if (!bundle.ok) {
      results.set(loss.name, [{ id: 'runs', status: 'fail', message: `the module cannot be loaded: ${bundle.message}`, ms: Math.round(bundle.ms) }]);
      continue;
    }
    const factoryArgs = options.factoryArgs?.[loss.name];
    const outcome = await runner.run(
      {
        code: bundle.code,
        file,
        exportName: loss.exportName ?? loss.name,
        kind: loss.kind,
        task: loss.task,
        seed: options.seed,
        ...(options.batch ? { batch: options.batch } : {}),
        ...(factoryArgs ? { factoryArgs } : {}),
        ...(options.reference ? { reference: options.reference } : {}),
      },
      options.timeoutMs,
    );
    results.set(loss.name, outcome.checks);
    options.onLoss?.(loss.name, outcome.checks, outcome.ms);
  }
  return results;
}
