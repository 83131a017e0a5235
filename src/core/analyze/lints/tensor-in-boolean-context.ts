// LL200: a tensor tested as a boolean (`if (mask)`, `mask ? a : b`, `!mask`, `a && b`…). A tensor
// object is always truthy, so the branch never depends on its values: use tf.where instead.
import ts from 'typescript';
import type { Diagnostic } from '../../report';
import { diagnostic, snippet } from '../diagnostic';
import type { LossScope } from '../loss-scope';

export function checkTensorInBooleanContext(scope: LossScope): Diagnostic[] {
  const found: Diagnostic[] = [];
  const report = (expr: ts.Expression, context: string): void => {
    if (!scope.isTensor(expr) || scope.mayBeAbsent(expr)) return;
    found.push(
      diagnostic(scope.sourceFile, expr, 'LL200', 'error',
        `\`${snippet(expr, 40, scope.sourceFile)}\` is a tensor used as a boolean in ${context}: a tensor object is always truthy, so this never looks at its values. ` +
          `Choose element-wise with \`tf.where(${snippet(expr, 24, scope.sourceFile)}, whenTrue, whenFalse)\`.`),
    );
  };
  scope.forEachNode((node) => {
    if (ts.isIfStatement(node)) report(node.expression, 'an `if`');
    else if (ts.isWhileStatement(node) || ts.isDoStatement(node)) report(node.expression, 'a loop condition');
    else if (ts.isForStatement(node) && node.condition) report(node.condition, 'a loop condition');
    else if (ts.isConditionalExpression(node)) report(node.condition, 'a `?:`');
    else if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) report(node.operand, 'a `!`');
    else if (ts.isBinaryExpression(node) && isLogical(node.operatorToken.kind)) {
      report(node.left, `a \`${node.operatorToken.getText()}\``);
      // The right side of && / || is a boolean only where the whole expression is tested.
      if (isTested(node)) report(node.right, `a \`${node.operatorToken.getText()}\``);
    }
  });
  return found;
}

function isLogical(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.AmpersandAmpersandToken || kind === ts.SyntaxKind.BarBarToken;
}

/** Whether the expression sits where its truthiness is what counts. */
function isTested(node: ts.Expression): boolean {
  let n: ts.Node = node;
  while (ts.isParenthesizedExpression(n.parent) || (ts.isBinaryExpression(n.parent) && isLogical(n.parent.operatorToken.kind))) n = n.parent;
  const p = n.parent;
  return (
    (ts.isIfStatement(p) && p.expression === n) ||
    ((ts.isWhileStatement(p) || ts.isDoStatement(p)) && p.expression === n) ||
    (ts.isForStatement(p) && p.condition === n) ||
    (ts.isConditionalExpression(p) && p.condition === n) ||
    (ts.isPrefixUnaryExpression(p) && p.operator === ts.SyntaxKind.ExclamationToken)
  );
}
