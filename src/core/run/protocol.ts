// Messages between the runner (the caller's process) and the child process that runs user code.
// The child runs the user's module, so whatever it sends may be forged: every message is parsed
// with the schema below and must carry the token of the run that is waiting for it.
import * as z from 'zod/mini';
import { CHECK_IDS, TASKS, type CheckResult, type LossKind, type Task } from '../report';

/** The module of one file, loaded once into a fresh process before its losses run. */
export interface LoadJob {
  /** The bundled module (see bundle.ts). */
  code: string;
  /** The loss file, for stack traces and Node's require of other packages. */
  file: string;
}

export interface CheckJob {
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

export type ChildRequest = { type: 'load'; run: string; job: LoadJob } | { type: 'check'; run: string; job: CheckJob };

export const MESSAGE_LIMIT = 20_000;
const text = (max: number) => z.string().check(z.maxLength(max));
/** Any number: NaN and ±Infinity are values a check may report (a loss of NaN). */
const number = z.custom<number>((value) => typeof value === 'number');
const run = text(100);

const checkResult = z.strictObject({
  id: z.enum(CHECK_IDS),
  status: z.enum(['pass', 'warn', 'fail', 'skip']),
  message: text(MESSAGE_LIMIT),
  value: z.optional(number),
  ms: number,
});

export const childReply = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), backend: text(40) }),
  z.strictObject({ type: z.literal('loaded'), run, ok: z.boolean(), message: z.optional(text(MESSAGE_LIMIT)) }),
  z.strictObject({
    type: z.literal('checks'),
    run,
    checks: z.array(checkResult).check(
      z.maxLength(CHECK_IDS.length),
      z.refine((checks) => new Set(checks.map((c) => c.id)).size === checks.length, 'each check id once'),
    ),
    backend: text(40),
    task: z.optional(z.enum(TASKS)),
  }),
  z.strictObject({ type: z.literal('error'), run, message: text(MESSAGE_LIMIT) }),
]);

export type ChildReply = z.infer<typeof childReply>;

// The schema and the report's types must agree.
export type _CheckResultAgrees = z.infer<typeof checkResult> extends CheckResult ? true : never;
