// LL300–LL303 at a compile call: a wrong loss or metric name becomes the closest valid one, a factory
// given uncalled is called with its defaults, a loss called at the call site is passed as it is.
import ts from 'typescript';
import { closestNames } from '../analyze/compile-names';
import { loadTfjsRegistry } from '../analyze/tfjs-registry';
import type { Diagnostic } from '../report';
import { findNode, offsetOf, replace, replaceNode, type Fix } from './shared';

function isStringLike(n: ts.Node): n is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral {
  return ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n);
}

export function useSiteFix(sf: ts.SourceFile, diagnostic: Diagnostic): Fix | undefined {
  const start = offsetOf(sf, diagnostic.range.start);
  const end = offsetOf(sf, diagnostic.range.end);
  const code = diagnostic.code;
  const literal = findNode(sf, start, end, isStringLike);
  if (literal && literal.getStart(sf) === start && (code === 'LL300' || code === 'LL303')) {
    const [best] = closestNames(literal.text, code === 'LL300' ? 'loss' : 'metric', loadTfjsRegistry().compile);
    if (!best) return undefined;
    const quote = sf.text[start] ?? "'";
    return { title: `Use '${best}'`, code, edits: [replace(sf, start, end, `${quote}${best}${quote}`)], preferred: true };
  }
  const call = findNode(sf, start, end, ts.isCallExpression);
  if (call && call.getStart(sf) === start && call.getEnd() === end && (code === 'LL302' || code === 'LL303')) {
    const callee = call.expression.getText(sf);
    return { title: `Pass \`${callee}\` itself`, code, edits: [replaceNode(sf, call, callee)], preferred: true };
  }
  const id = findNode(sf, start, end, ts.isIdentifier);
  if (id && id.getStart(sf) === start && id.getEnd() === end && (code === 'LL301' || code === 'LL303')) {
    return { title: `Call the factory: \`${id.text}()\``, code, edits: [replace(sf, end, end, '()')], preferred: true };
  }
  return undefined;
}
