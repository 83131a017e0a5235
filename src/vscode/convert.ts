// core's plain data → VS Code's types. Nothing else in src/vscode/ builds ranges by hand.
import * as vscode from 'vscode';
import type { Diagnostic, Range, Severity } from '../core/report';

export function toRange(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A VS Code diagnostic whose code links to its entry in the README. */
export function toDiagnostic(d: Diagnostic, docs: (code: string) => vscode.Uri): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(d.range), d.message, SEVERITY[d.severity]);
  diagnostic.source = 'Loss Lab';
  diagnostic.code = { value: d.code, target: docs(d.code) };
  return diagnostic;
}
