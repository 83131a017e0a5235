// The words the editor uses for check results: toasts, the status bar, the Testing view, and the
// panel's page. Plain functions with no `vscode` import, so they are unit-tested in plain Node and
// bundled into the page as well. They never round up:
// a warning is a warning, a skip a skip, only what ran is counted, and "pass" is never said alone
// of a loss whose code has an error diagnostic.
import type { FileAnalysis, LossInfo } from '../core/analyze';
import type { CheckResult, Diagnostic, Range } from '../core/report';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "14 checks pass, 1 warns (shape), 1 skipped (reference)"; failures first when there are any. */
export function describeChecks(checks: readonly Pick<CheckResult, 'id' | 'status'>[]): string {
  const ids = (status: CheckResult['status']): string[] => checks.filter((c) => c.status === status).map((c) => c.id);
  const [pass, warn, skip, fail] = [ids('pass'), ids('warn'), ids('skip'), ids('fail')];
  const parts = [
    ...(fail.length ? [`${fail.length} failed (${fail.join(', ')})`] : []),
    ...(pass.length ? [`${plural(pass.length, 'check')} pass${pass.length === 1 ? 'es' : ''}`] : []),
    ...(warn.length ? [`${warn.length} warn${warn.length === 1 ? 's' : ''} (${warn.join(', ')})`] : []),
    ...(skip.length ? [`${skip.length} skipped (${skip.join(', ')})`] : []),
  ];
  return parts.length ? parts.join(', ') : 'no check ran';
}

/** "2 errors in the code (LL200, LL204)", or '' when there are none. */
export function describeErrors(errors: readonly { code: string }[]): string {
  if (errors.length === 0) return '';
  return `${plural(errors.length, 'error')} in the code (${[...new Set(errors.map((e) => e.code))].join(', ')})`;
}

/** One loss's line in a toast: "huber: 15 checks pass; 1 error in the code (LL200)". */
export function summarizeLoss(name: string, checks: readonly CheckResult[], errors: readonly Diagnostic[]): string {
  const code = describeErrors(errors);
  return `${name}: ${describeChecks(checks)}${code ? `; ${code}` : ''}`;
}

export interface LossOutcome {
  /** Undefined when the loss's checks have not run on this text. */
  checks: readonly CheckResult[] | undefined;
  errors: readonly Diagnostic[];
}

/** The status bar: "4 losses: 1 of 4 checked, 1 failed; 2 errors in the code". */
export function statusLine(losses: readonly LossOutcome[]): { text: string; level: 'error' | 'warning' | 'pass' | 'none' } {
  const checked = losses.filter((l) => l.checks !== undefined);
  const failed = checked.filter((l) => l.checks?.some((c) => c.status === 'fail')).length;
  const warned = checked.filter((l) => !l.checks?.some((c) => c.status === 'fail') && l.checks?.some((c) => c.status === 'warn')).length;
  const errors = losses.reduce((n, l) => n + l.errors.length, 0);
  const head = `${plural(losses.length, 'loss', 'losses')}: `;
  let ran: string;
  if (checked.length === 0) ran = 'not checked';
  else {
    const outcome = failed > 0 ? `${failed} failed` : warned > 0 ? `${plural(warned, 'loss', 'losses')} with warnings` : errors === 0 ? 'checks pass' : 'no check failed';
    ran = `${checked.length} of ${losses.length} checked, ${outcome}${failed > 0 && warned > 0 ? `, ${warned} with warnings` : ''}`;
  }
  const code = errors > 0 ? `; ${plural(errors, 'error')} in the code` : '';
  const level = failed > 0 || errors > 0 ? 'error' : warned > 0 ? 'warning' : checked.length > 0 ? 'pass' : 'none';
  return { text: `${head}${ran}${code}`, level };
}

/** Whether a diagnostic lies in a range (file-level diagnostics, such as LL001, inside a loss). */
export function within(inner: Range, outer: Range): boolean {
  const before = (a: Range['start'], b: Range['start']): boolean => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}

/** The error diagnostics on a loss: its own, and the file's that lie inside it (LL001). */
export function errorsOf(analysis: FileAnalysis | undefined, loss: Pick<LossInfo, 'name' | 'diagnostics' | 'range'>): Diagnostic[] {
  const current = analysis?.losses.find((l) => l.name === loss.name) ?? loss;
  const own = current.diagnostics.filter((d) => d.severity === 'error');
  const inside = (analysis?.diagnostics ?? []).filter((d) => d.severity === 'error' && within(d.range, current.range));
  return [...own, ...inside];
}
