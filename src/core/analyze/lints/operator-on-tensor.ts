// LL201: JavaScript arithmetic or comparison on a tensor (`yTrue - yPred`, `err <= delta`). JS turns
// the tensor into a string or NaN and no gradient flows: use the tf op.
import ts from 'typescript';
import type { Diagnostic } from '../../report';
import { diagnostic, snippet } from '../diagnostic';
import type { LossScope } from '../loss-scope';

const BINARY: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.PlusToken]: 'add',
  [ts.SyntaxKind.MinusToken]: 'sub',
  [ts.SyntaxKind.AsteriskToken]: 'mul',
  [ts.SyntaxKind.SlashToken]: 'div',
  [ts.SyntaxKind.PercentToken]: 'mod',
  [ts.SyntaxKind.AsteriskAsteriskToken]: 'pow',
  [ts.SyntaxKind.PlusEqualsToken]: 'add',
  [ts.SyntaxKind.MinusEqualsToken]: 'sub',
  [ts.SyntaxKind.AsteriskEqualsToken]: 'mul',
  [ts.SyntaxKind.SlashEqualsToken]: 'div',
  [ts.SyntaxKind.LessThanToken]: 'less',
  [ts.SyntaxKind.GreaterThanToken]: 'greater',
  [ts.SyntaxKind.LessThanEqualsToken]: 'lessEqual',
  [ts.SyntaxKind.GreaterThanEqualsToken]: 'greaterEqual',
  [ts.SyntaxKind.EqualsEqualsToken]: 'equal',
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: 'equal',
  [ts.SyntaxKind.ExclamationEqualsToken]: 'notEqual',
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: 'notEqual',
};

/** Comparisons that differentiate: tfjs has no gradient for less, greater, lessEqual (see LL204). */
function suggestion(op: string, left: ts.Expression, right: ts.Expression, sf: ts.SourceFile): string {
  const a = snippet(left, 20, sf);
  const b = snippet(right, 20, sf);
  if (op === 'lessEqual') return `\`tf.greaterEqual(${b}, ${a})\``;
  if (op === 'greaterEqual') return `\`tf.greaterEqual(${a}, ${b})\``;
  return `\`tf.${op}(${a}, ${b})\``;
}

export function checkOperatorOnTensor(scope: LossScope): Diagnostic[] {
  const found: Diagnostic[] = [];
  scope.forEachNode((node) => {
    if (ts.isBinaryExpression(node)) {
      const op = BINARY[node.operatorToken.kind];
      if (!op || isNullCheck(node)) return;
      if (!scope.isTensor(node.left) && !scope.isTensor(node.right)) return;
      const js = ts.tokenToString(node.operatorToken.kind) ?? '';
      const isComparison = /^[<>=!]/.test(js);
      found.push(
        diagnostic(scope.sourceFile, node, 'LL201', 'error',
          `JavaScript's \`${js}\` applied to a tensor ${isComparison ? 'compares the objects, not their values' : 'turns it into a string or NaN'}, and no gradient flows. Use ${suggestion(op, node.left, node.right, scope.sourceFile)}.`),
      );
    } else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && isArithmeticUnary(node.operator)) {
      if (!scope.isTensor(node.operand)) return;
      const fix = node.operator === ts.SyntaxKind.MinusToken ? `\`tf.neg(${snippet(node.operand, 24, scope.sourceFile)})\`` : 'tf ops';
      found.push(
        diagnostic(scope.sourceFile, node, 'LL201', 'error',
          `JavaScript's \`${ts.tokenToString(node.operator)}\` applied to a tensor yields NaN, not a tensor. Use ${fix}.`),
      );
    }
  });
  return found;
}

function isArithmeticUnary(op: ts.SyntaxKind): boolean {
  return op === ts.SyntaxKind.MinusToken || op === ts.SyntaxKind.PlusToken || op === ts.SyntaxKind.PlusPlusToken || op === ts.SyntaxKind.MinusMinusToken;
}

/** `t == null`, `t !== undefined`: checking that a tensor exists is fine. */
function isNullCheck(node: ts.BinaryExpression): boolean {
  const isNothing = (e: ts.Expression): boolean =>
    e.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(e) && e.text === 'undefined') || ts.isVoidExpression(e);
  return isNothing(node.left) || isNothing(node.right);
}
