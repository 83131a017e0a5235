// `loss-lab check --format github`: GitHub Actions workflow commands, which the runner turns into
// annotations on the pull request's lines (`::error file=…,line=…,col=…,title=LL204::…`), and the
// summary line. Lines and columns are 1-based there.
import type { CheckReport, Range, Severity } from '../report';

const COMMANDS: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function formatGithub(report: CheckReport): string {
  const lines: string[] = [];
  for (const file of report.files) {
    if (file.unreadable !== undefined) {
      lines.push(command('error', { file: file.file, title: 'Loss Lab: unreadable file' }, file.unreadable));
      continue;
    }
    for (const d of file.diagnostics) lines.push(command(COMMANDS[d.severity], { file: file.file, ...position(d.range), title: d.code }, d.message));
    for (const loss of file.losses) {
      for (const d of loss.diagnostics) lines.push(command(COMMANDS[d.severity], { file: file.file, ...position(d.range), title: d.code }, d.message));
      for (const check of loss.checks) {
        if (check.status !== 'fail' && check.status !== 'warn') continue;
        const properties = { file: file.file, line: String(loss.range.start.line + 1), title: `${loss.name}: ${check.id}` };
        lines.push(command(check.status === 'fail' ? 'error' : 'warning', properties, check.message));
      }
    }
  }
  const { files, losses, errors, warnings, unreadable } = report.summary;
  lines.push(`Loss Lab: ${files} files, ${losses} losses: ${errors} errors, ${warnings} warnings${unreadable > 0 ? `, ${unreadable} unreadable` : ''}`);
  return `${lines.join('\n')}\n`;
}

function position(range: Range): Record<string, string> {
  return {
    line: String(range.start.line + 1),
    col: String(range.start.character + 1),
    endLine: String(range.end.line + 1),
    endColumn: String(range.end.character + 1),
  };
}

/** Escaped as the runner's own toolkit does (@actions/core's command.ts). */
function command(name: string, properties: Record<string, string>, message: string): string {
  const props = Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',');
  return `::${name} ${props}::${escapeData(message)}`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
