// LL202: `Math.log(t)`, `Math.max(a, t)`… on a tensor: Math works on numbers, so the result is NaN.
import ts from 'typescript';
import type { Diagnostic } from '../../report';
import { diagnostic, snippet } from '../diagnostic';
import type { LossScope } from '../loss-scope';

/** Math functions whose tf op has another name. */
const RENAMED: Record<string, string> = { max: 'maximum', min: 'minimum', hypot: 'norm' };

export function checkMathOnTensor(scope: LossScope): Diagnostic[] {
  const found: Diagnostic[] = [];
  scope.forEachNode((node) => {
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return;
    const owner = node.expression.expression;
    if (!ts.isIdentifier(owner) || owner.text !== 'Math' || scope.symbolOf(owner)) return;
    const tensorArg = node.arguments.find((a) => scope.isTensor(a));
    if (!tensorArg) return;
    const fn = node.expression.name.text;
    const op = RENAMED[fn] ?? fn;
    const fix = scope.registry.ops[op] ? `\`tf.${op}(${node.arguments.map((a) => snippet(a, 20, scope.sourceFile)).join(', ')})\`` : 'the matching tf op';
    found.push(
      diagnostic(scope.sourceFile, node, 'LL202', 'error',
        `\`Math.${fn}\` works on numbers: given the tensor \`${snippet(tensorArg, 24, scope.sourceFile)}\` it returns NaN and no gradient flows. Use ${fix}.`),
    );
  });
  return found;
}
