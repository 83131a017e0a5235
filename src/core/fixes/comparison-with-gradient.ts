// LL204 fix: comparisons tfjs cannot differentiate, rewritten with greaterEqual, which it can.
//   tf.lessEqual(a, b)                  → tf.greaterEqual(b, a)            (the same test)
//   tf.where(tf.less(a, b), x, y)       → tf.where(tf.greaterEqual(a, b), y, x)
//   tf.where(tf.greater(a, b), x, y)    → tf.where(tf.greaterEqual(b, a), y, x)
import ts from 'typescript';
import type { Diagnostic } from '../report';
import { findNode, offsetOf, replaceNode, tfName, type Fix } from './shared';

export function comparisonWithGradient(sf: ts.SourceFile, diagnostic: Diagnostic): Fix | undefined {
  const start = offsetOf(sf, diagnostic.range.start);
  const end = offsetOf(sf, diagnostic.range.end);
  const call = findNode(sf, start, end, ts.isCallExpression);
  const tf = tfName(sf);
  if (!call || !tf || !ts.isPropertyAccessExpression(call.expression)) return undefined;
  const name = call.expression.name.text;
  const operands = operandsOf(sf, call, tf);
  if (!operands || !['lessEqual', 'less', 'greater'].includes(name)) return undefined;
  const [a, b] = operands;
  if (name === 'lessEqual') {
    return { title: `Use tf.greaterEqual(${b}, ${a}): the same test, with a gradient`, code: 'LL204', edits: [replaceNode(sf, call, `${tf}.greaterEqual(${b}, ${a})`)], preferred: true };
  }
  // less and greater are the negation of a greaterEqual: only inside tf.where, by swapping branches.
  const where = call.parent;
  if (!ts.isCallExpression(where) || where.arguments[0] !== call || !/\.where$/.test(where.expression.getText(sf)) || where.arguments.length !== 3) return undefined;
  const [, whenTrue, whenFalse] = where.arguments as unknown as [ts.Expression, ts.Expression, ts.Expression];
  const condition = name === 'less' ? `${tf}.greaterEqual(${a}, ${b})` : `${tf}.greaterEqual(${b}, ${a})`;
  return {
    title: `Use ${condition} and swap the branches of tf.where`,
    code: 'LL204',
    edits: [replaceNode(sf, where, `${where.expression.getText(sf)}(${condition}, ${whenFalse.getText(sf)}, ${whenTrue.getText(sf)})`)],
    preferred: true,
  };
}

/** [a, b] of `tf.op(a, b)` or `a.op(b)`. */
function operandsOf(sf: ts.SourceFile, call: ts.CallExpression, tf: string): [string, string] | undefined {
  const callee = call.expression as ts.PropertyAccessExpression;
  const [first, second] = call.arguments;
  if (callee.expression.getText(sf) === tf) return first && second ? [first.getText(sf), second.getText(sf)] : undefined;
  return first ? [callee.expression.getText(sf), first.getText(sf)] : undefined;
}
