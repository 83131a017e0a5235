// The CheckReport types: the JSON contract of `loss-lab check --json` (DESIGN.md "CLI").
// Lines and characters are 0-based, as in the VS Code API.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

export type DiagnosticCode =
  | 'LL001'
  | 'LL100'
  | 'LL101'
  | 'LL102'
  | 'LL103'
  | 'LL200'
  | 'LL201'
  | 'LL202'
  | 'LL203'
  | 'LL204'
  | 'LL205'
  | 'LL300'
  | 'LL301'
  | 'LL302'
  | 'LL303';

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  range: Range;
}

export const TASKS = ['regression', 'binary', 'categorical', 'sparse', 'segmentation'] as const;
export type Task = (typeof TASKS)[number];

export const CHECK_IDS = [
  'runs',
  'returns-tensor',
  'shape',
  'broadcast',
  'finite',
  'finite-at-boundaries',
  'zero-at-perfect',
  'minimum-at-perfect',
  'monotone',
  'non-negative',
  'gradient',
  'gradient-finite',
  'gradcheck',
  'no-leak',
  'deterministic',
  'backends',
  'fit',
  'reference',
  'timeout',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  message: string;
  value?: number;
  ms: number;
}

export type LossKind = 'loss' | 'factory';

export interface LossReport {
  name: string;
  kind: LossKind;
  range: Range;
  task: Task;
  diagnostics: Diagnostic[];
  checks: CheckResult[];
}

export interface FileReport {
  file: string;
  /** File-level findings, e.g. LL001 outside any loss. */
  diagnostics: Diagnostic[];
  losses: LossReport[];
  /** Why the file could not be read (then nothing else is known about it; the exit status is 2). */
  unreadable?: string;
}

export interface Summary {
  /** Files read and analysed (unreadable ones not counted). */
  files: number;
  losses: number;
  /** Error diagnostics plus failed checks. */
  errors: number;
  /** Warning diagnostics plus checks that warn. */
  warnings: number;
  ms: number;
  /** Files that could not be read (listed in `files` with the reason). */
  unreadable: number;
}

export interface CheckReport {
  version: 1;
  files: FileReport[];
  summary: Summary;
}

export function summarize(files: FileReport[], ms: number): Summary {
  let errors = 0;
  let warnings = 0;
  let losses = 0;
  const count = (severity: Severity | CheckStatus): void => {
    if (severity === 'error' || severity === 'fail') errors++;
    else if (severity === 'warning' || severity === 'warn') warnings++;
  };
  for (const file of files) {
    file.diagnostics.forEach((d) => count(d.severity));
    for (const loss of file.losses) {
      losses++;
      loss.diagnostics.forEach((d) => count(d.severity));
      loss.checks.forEach((c) => count(c.status));
    }
  }
  const unreadable = files.filter((f) => f.unreadable !== undefined).length;
  return { files: files.length - unreadable, losses, errors, warnings, ms: Math.round(ms * 10) / 10, unreadable };
}
