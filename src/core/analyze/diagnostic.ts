// Plain diagnostics with 0-based ranges, as the report and the VS Code API use them.
import ts from 'typescript';
import type { Diagnostic, DiagnosticCode, Range, Severity } from '../report';
import { lineMapOf } from './lines';

export function rangeOf(sf: ts.SourceFile, node: ts.Node): Range {
  return spanRange(sf, node.getStart(sf), node.getEnd());
}

export function spanRange(sf: ts.SourceFile, start: number, end: number): Range {
  const lines = lineMapOf(sf);
  return { start: lines.position(start), end: lines.position(end) };
}

export function diagnostic(sf: ts.SourceFile, node: ts.Node, code: DiagnosticCode, severity: Severity, message: string): Diagnostic {
  return { code, severity, message, range: rangeOf(sf, node) };
}

/** Source text of a node, shortened for a message. */
/** `sf`: given by callers in a walk, since finding it walks up to the root. */
export function snippet(node: ts.Node, max = 40, sf = node.getSourceFile()): string {
  const start = node.getStart(sf);
  const end = node.getEnd();
  // Only the head is read: the whole text of each operand would make the lints quadratic on a long chain.
  const window = Math.min(end, start + max * 8);
  const text = sf.text.slice(start, window).replace(/\s+/g, ' ');
  return text.length <= max && window === end ? text : `${text.slice(0, max - 1)}…`;
}
