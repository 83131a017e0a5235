// Analyses inline sources as if they were files under test/fixtures/, where the project's own tfjs
// resolves, with one shared Analyzer (its caches make the suite fast, as in the editor).
import * as path from 'path';
import { Analyzer, type AnalyzeOptions, type FileAnalysis, type LossInfo } from '../../src/core/analyze';
import type { Diagnostic } from '../../src/core/report';

export const FIXTURES = path.resolve(__dirname, '..', 'fixtures');

let shared: Analyzer | undefined;
export function analyzer(): Analyzer {
  shared ??= new Analyzer();
  return shared;
}

export function analyzeSource(text: string, options: AnalyzeOptions & { file?: string } = {}): FileAnalysis {
  return analyzer().analyze(path.join(FIXTURES, options.file ?? 'inline.ts'), text, options);
}

/** All findings of a file, file-level and per loss. */
export function allDiagnostics(analysis: FileAnalysis): Diagnostic[] {
  return [...analysis.diagnostics, ...analysis.losses.flatMap((l) => l.diagnostics)];
}

/** `LL200@3:8` for each finding (0-based line:character), to compare codes and places at once. */
export function findings(analysis: FileAnalysis, code?: string): string[] {
  return allDiagnostics(analysis)
    .filter((d) => code === undefined || d.code === code)
    .map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`);
}

export function onlyLoss(analysis: FileAnalysis): LossInfo {
  if (analysis.losses.length !== 1) throw new Error(`expected one loss, found ${analysis.losses.map((l) => l.name).join(', ') || 'none'}`);
  return analysis.losses[0] as LossInfo;
}

/** The text a diagnostic's range covers. */
export function coveredText(text: string, d: Diagnostic): string {
  const lines = text.split('\n');
  if (d.range.start.line === d.range.end.line) return (lines[d.range.start.line] ?? '').slice(d.range.start.character, d.range.end.character);
  const first = (lines[d.range.start.line] ?? '').slice(d.range.start.character);
  const middle = lines.slice(d.range.start.line + 1, d.range.end.line);
  const last = (lines[d.range.end.line] ?? '').slice(0, d.range.end.character);
  return [first, ...middle, last].join('\n');
}
