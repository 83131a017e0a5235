// LL204: an op whose kernel has no registered gradient in the bundled tfjs, on the path from yPred to
// the result. model.fit then throws "gradient function not found for <Kernel>" (e.g. LessEqual in a
// tf.where condition). Which kernels lack a gradient is read from tfjs's registry, not typed here.
import ts from 'typescript';
import type { Diagnostic } from '../../report';
import { diagnostic, snippet } from '../diagnostic';
import type { LossScope } from '../loss-scope';
import { kernelsWithoutGradient } from '../tfjs-registry';

const HUBER_HINT =
  'For a threshold like Huber\'s, tfjs\'s own huberLoss differentiates without comparing: `quadratic = tf.minimum(err, delta); linear = tf.sub(err, quadratic)`.';

function fixFor(kernel: string, call: ts.CallExpression, inputs: ts.Expression[]): string {
  const [a, b] = inputs.map((e) => snippet(e, 20));
  switch (kernel) {
    case 'LessEqual':
      return `GreaterEqual has a gradient: write \`tf.greaterEqual(${b}, ${a})\` (the same test). ${HUBER_HINT}`;
    case 'Less':
      return `GreaterEqual has a gradient: \`tf.greaterEqual(${a}, ${b})\` is the opposite test, so swap the two branches of tf.where. ${HUBER_HINT}`;
    case 'Greater':
      return `GreaterEqual has a gradient: \`tf.greaterEqual(${b}, ${a})\` is the opposite test, so swap the two branches of tf.where. ${HUBER_HINT}`;
    case 'Equal':
    case 'NotEqual':
    case 'LogicalAnd':
    case 'LogicalOr':
    case 'LogicalNot':
    case 'LogicalXor':
      return 'Compute the condition from yTrue only (it needs no gradient), or replace it by arithmetic (a mask from tf.greaterEqual, multiplied in).';
    default:
      return `Compute \`${snippet(call.expression, 24)}\` from values that do not depend on yPred, or replace it by ops that differentiate.`;
  }
}

export function checkOpWithoutGradient(scope: LossScope): Diagnostic[] {
  const found: Diagnostic[] = [];
  scope.forEachNode((node) => {
    if (!ts.isCallExpression(node)) return;
    const call = scope.tfCall(node);
    if (!call?.op) return;
    const missing = kernelsWithoutGradient(scope.registry, call.op);
    const kernel = missing[0];
    if (kernel === undefined) return;
    if (!call.inputs.some((input) => scope.fromPred(input)) || !scope.reachesResult(node)) return;
    found.push(
      diagnostic(scope.sourceFile, node, 'LL204', 'error',
        `\`${call.name}\` runs the kernel ${kernel}, which has no gradient in tfjs ${scope.registry.tfjsVersion}; it depends on yPred and feeds the result, ` +
          `so model.fit throws "gradient function not found for ${kernel}". ${fixFor(kernel, node, call.inputs)}`),
    );
  });
  return found;
}
