// The runtime checks of many files, as many at once as the runner has jobs: each file in a fresh
// process of its own (check-file.ts), the results in the order of the files, whatever order they
// finish in. Used by the CLI (`--jobs`).
import type { LossInfo } from '../analyze';
import type { CheckResult } from '../report';
import { checkFileLosses, type FileCheckOptions } from './check-file';
import type { LossRunner } from './runner';

export interface FileRun {
  file: string;
  /** The module to run (the file's text, or the analysis's slice of a script). */
  text: string | undefined;
  losses: readonly LossInfo[];
  options: FileCheckOptions;
}

/**
 * Each file's loss name → checks, in the order of `runs`; an Error where Loss Lab itself failed on a
 * file (its bug, never the loss's: that is a failed check), so that it costs only that file.
 */
export async function checkFiles(runner: LossRunner, runs: readonly FileRun[]): Promise<(Map<string, CheckResult[]> | Error)[]> {
  const results: (Map<string, CheckResult[]> | Error)[] = runs.map(() => new Map());
  // The files with the most losses first: a long file taken last would leave the other lanes idle
  // while it runs. The results keep the files' order.
  const order = runs.map((_, i) => i).sort((a, b) => (runs[b]?.losses.length ?? 0) - (runs[a]?.losses.length ?? 0) || a - b);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < order.length) {
      const index = order[next++] as number;
      const run = runs[index] as FileRun;
      // A spare process is started only while files remain that no lane has taken.
      try {
        results[index] = await checkFileLosses(runner, run.file, run.text, run.losses, { ...run.options, spare: next < order.length });
      } catch (error) {
        results[index] = error instanceof Error ? error : new Error(String(error));
      }
    }
  };
  const lanes = Math.max(1, Math.min(runner.jobs, runs.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}
