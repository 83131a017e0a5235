// LL205 fix: keep the operand of log, sqrt or a division away from 0.
//   tf.log(p) → tf.log(tf.clipByValue(p, 1e-7, 1 - 1e-7));  p.log() → tf.clipByValue(p, …).log()
//   tf.sqrt(x) → tf.sqrt(tf.add(x, 1e-12));  tf.div(a, x) → tf.div(a, tf.add(x, 1e-7))
import ts from 'typescript';
import type { Diagnostic } from '../report';
import { findNode, offsetOf, replaceNode, tfName, type Fix } from './shared';

export function clipOperand(sf: ts.SourceFile, diagnostic: Diagnostic): Fix | undefined {
  const call = findNode(sf, offsetOf(sf, diagnostic.range.start), offsetOf(sf, diagnostic.range.end), ts.isCallExpression);
  const tf = tfName(sf);
  if (!call || !tf || !ts.isPropertyAccessExpression(call.expression)) return undefined;
  const op = call.expression.name.text;
  const isMethod = call.expression.expression.getText(sf) !== tf;
  const index = op === 'div' ? 1 : 0;
  // The operand: an argument of tf.op(…), or the receiver of x.op() (the divisor is then argument 0).
  const operand = isMethod ? (op === 'div' ? call.arguments[0] : call.expression.expression) : call.arguments[index];
  if (!operand) return undefined;
  const text = operand.getText(sf);
  const guarded = op === 'log' ? `${tf}.clipByValue(${text}, 1e-7, 1 - 1e-7)` : op === 'sqrt' ? `${tf}.add(${text}, 1e-12)` : op === 'div' ? `${tf}.add(${text}, 1e-7)` : undefined;
  if (!guarded) return undefined;
  const title = op === 'log' ? `Clip ${shorten(text)} to [1e-7, 1 - 1e-7]` : `Add an epsilon to ${shorten(text)}`;
  return { title, code: 'LL205', edits: [replaceNode(sf, operand, guarded)], preferred: true };
}

function shorten(text: string): string {
  return text.length > 30 ? `${text.slice(0, 29)}…` : text;
}
