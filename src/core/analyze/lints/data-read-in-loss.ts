// LL203: reading tensor data inside the loss (`dataSync`, `arraySync`, `data`, `array`, `bufferSync`)
// leaves the gradient tape: whatever is computed from the numbers gets no gradient, and each read
// stalls for the backend (a GPU round trip on WebGL).
import ts from 'typescript';
import type { Diagnostic } from '../../report';
import { diagnostic } from '../diagnostic';
import { DATA_READS, type LossScope } from '../loss-scope';

export function checkDataReadInLoss(scope: LossScope): Diagnostic[] {
  const found: Diagnostic[] = [];
  scope.forEachNode((node) => {
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return;
    const method = node.expression.name.text;
    if (!DATA_READS.has(method) || !scope.isTensor(node.expression.expression)) return;
    // A read whose numbers never reach the result (logging the last loss) costs a wait, not the gradient.
    const message = scope.reachesResult(node)
      ? `\`${method}()\` reads the tensor's values out of tfjs: gradients stop here, and every training step waits for the backend. ` +
        'Keep the computation in tf ops (tf.where, tf.maximum…) and return a tensor.'
      : `\`${method}()\` inside the loss makes every training step wait for the backend; its numbers do not reach the loss, so the gradients are not affected. ` +
        "Read values outside the loss (model.fit's history or a callback's logs).";
    found.push(diagnostic(scope.sourceFile, node.expression.name, 'LL203', 'warning', message));
  });
  return found;
}
