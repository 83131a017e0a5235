// Quick fixes as plain text edits: the editor shows them as code actions and applies only the one
// the user picks (undoable); the tests apply them and re-run the checks.
import type { Diagnostic } from '../report';
import { clipOperand } from './clip-operand';
import { FIXABLE_CODES } from './codes';
import { comparisonWithGradient } from './comparison-with-gradient';
import { parse, type Fix, type TextEdit } from './shared';
import { tensorConditionToWhere } from './tensor-condition-to-where';
import { useSiteFix } from './use-site';
import { wrapInFactory } from './wrap-in-factory';

export type { Fix, TextEdit };

const FIXERS = {
  LL100: wrapInFactory,
  LL200: tensorConditionToWhere,
  LL204: comparisonWithGradient,
  LL205: clipOperand,
  LL300: useSiteFix,
  LL301: useSiteFix,
  LL302: useSiteFix,
  LL303: useSiteFix,
} as const;

export { FIXABLE_CODES };

/** The codes a fixer exists for (a test keeps FIXABLE_CODES equal to it). */
export const FIXER_CODES = Object.keys(FIXERS);

export function fixesFor(fileName: string, text: string, diagnostic: Diagnostic): Fix[] {
  const fixer = FIXERS[diagnostic.code as keyof typeof FIXERS];
  if (!fixer) return [];
  const fix = fixer(parse(fileName, text), diagnostic);
  return fix ? [fix] : [];
}

/** The text after the edits (applied from the end, so earlier offsets stay valid). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: TextEdit['range']['start']): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((acc, e) => acc.slice(0, offset(e.range.start)) + e.newText + acc.slice(offset(e.range.end)), text);
}
