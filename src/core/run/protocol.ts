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
  seed: number;
  batch?: number;
  reference?: string;
}

export type WorkerRequest = { type: 'check'; id: number; job: CheckJob };

export type WorkerReply =
  | { type: 'ready'; backend: string }
  | { type: 'checks'; id: number; checks: CheckResult[]; backend: string }
  | { type: 'error'; id: number; message: string };
