// The CLI's text output: one line per finding, `file:line:col  CODE  severity  message` (1-based, as
// compilers print them, so terminals and CI logs link to the place), the checks of each loss grouped
// under it (✓ pass, ! warn, ✗ fail, - skip), and a summary line.
import type { CheckReport, CheckStatus, Diagnostic, FileReport } from './report';

const MARKS: Record<CheckStatus, string> = { pass: '✓', warn: '!', fail: '✗', skip: '-' };

export function formatText(report: CheckReport): string {
  const lines: string[] = [];
  // An unreadable file's reason is on stderr, where the CLI said it.
  for (const file of report.files) if (file.unreadable === undefined) lines.push(...formatFile(file));
  const { files, losses, errors, warnings, ms, unreadable } = report.summary;
  // Skips are neither passes nor problems: counted on their own, never folded into "ok".
  const skipped = report.files.reduce((n, f) => n + f.losses.reduce((m, l) => m + l.checks.filter((c) => c.status === 'skip').length, 0), 0);
  if (lines.length > 0) lines.push('');
  lines.push(
    `${plural(files, 'file')}, ${plural(losses, 'loss', 'losses')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}${skipped > 0 ? `, ${skipped} checks skipped` : ''}${unreadable > 0 ? `; ${unreadable} unreadable` : ''} (${Math.round(ms)} ms)`,
  );
  return `${lines.join('\n')}\n`;
}

function formatFile(file: FileReport): string[] {
  const lines = file.diagnostics.map((d) => diagnosticLine(file.file, d));
  if (file.losses.length === 0) {
    lines.push(`${file.file}: no loss found (a loss is an exported function (yTrue, yPred) => tf.Tensor, a factory returning one, or a function tagged @loss)`);
  }
  for (const loss of file.losses) {
    lines.push(...loss.diagnostics.map((d) => diagnosticLine(file.file, d)));
    if (loss.checks.length === 0) continue;
    const line = loss.range.start.line + 1;
    lines.push(`${file.file}:${line}  ${loss.name} (${loss.kind}, ${loss.task})`);
    for (const check of loss.checks) {
      const value = check.value === undefined ? '' : ` [${formatNumber(check.value)}]`;
      lines.push(`  ${MARKS[check.status]} ${check.id}${value}: ${check.message} (${formatNumber(check.ms)} ms)`);
    }
  }
  return lines;
}

function diagnosticLine(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}  ${d.code}  ${d.severity}  ${d.message}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)) return x.toExponential(2);
  return String(Math.round(x * 1000) / 1000);
}
