// Messages between the runner (caller's thread) and the worker that runs user code.
import type { CheckResult, LossKind, Task } from '../report';

export interface CheckJob {
  /** The bundled module (see bundle.ts). */
  code: string;
  /** The loss file, for stack traces and Node's require of other packages. */
  file: string;
  exportName: string;
  kind: LossKind;
  /** Arguments for a factory; none means its defaults. */
  factoryArgs?: unknown[];
  task: Task;
  /** The task was chosen by `auto` (no tag, no explicit task): other presets may be tried when it does not run. */
  autoTask?: boolean;
  seed: number;
  batch?: number;
  /** The width of the samples' last axis (a `@lossTask categorical [8, 10]` tag); default: the preset's. */
  width?: number;
  /** `NAME` or `NAME:PARAM` of a tfjs built-in to compare with. */
  reference?: string;
}

export type WorkerRequest = { type: 'check'; id: number; job: CheckJob };

export type WorkerReply =
  | { type: 'ready'; backend: string }
  | { type: 'checks'; id: number; checks: CheckResult[]; backend: string; task?: Task }
  | { type: 'error'; id: number; message: string };
