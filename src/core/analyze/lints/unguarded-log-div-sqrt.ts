// LL205: log, division or sqrt of a value derived from yPred with no clip or epsilon. A prediction of
// exactly 0 (or 1, for log(1 - p)) gives -Infinity, Infinity or an infinite gradient, and training
// turns to NaN. Only values that pass through a clip, a constant floor or a constant epsilon count
// as guarded; ops of guarded values stay guarded (1 - clipped is still away from 0).
import ts from 'typescript';
import type { Diagnostic } from '../../report';
import { diagnostic, snippet } from '../diagnostic';
import type { LossScope } from '../loss-scope';
import { skipOuter } from '../syntax';

/** The op's operand that must stay away from 0. */
const RISKY: Record<string, number> = { log: 0, sqrt: 0, rsqrt: 0, reciprocal: 0, div: 1, realDiv: 1 };

export function checkUnguardedLogDivSqrt(scope: LossScope): Diagnostic[] {
  const guard = new Guards(scope);
  const found: Diagnostic[] = [];
  scope.forEachNode((node) => {
    if (!ts.isCallExpression(node)) return;
    const call = scope.tfCall(node);
    const index = call?.op !== undefined ? RISKY[call.op] : undefined;
    const operand = index !== undefined ? call?.inputs[index] : undefined;
    if (!call || !operand || !scope.fromPred(operand) || guard.isGuarded(operand)) return;
    if (index === 1 && isNormalization(scope, call.inputs[0], operand)) return;
    found.push(diagnostic(scope.sourceFile, node, 'LL205', 'warning', message(scope, call.op as string, operand)));
  });
  return found;
}

function message(scope: LossScope, op: string, operand: ts.Expression): string {
  const x = snippet(operand, 24, scope.sourceFile);
  const inner = ts.isCallExpression(skipOuter(operand)) ? scope.tfCall(skipOuter(operand) as ts.CallExpression)?.op : undefined;
  if (op === 'log' && inner === 'sigmoid') return `\`log(sigmoid(…))\` is -Infinity once sigmoid rounds to 0 (at about -17 in float32). Use \`tf.logSigmoid(…)\`, which stays finite.`;
  if (op === 'log' && inner === 'softmax') return `\`log(softmax(…))\` is -Infinity once a probability rounds to 0. Use \`tf.logSoftmax(…)\`, which stays finite.`;
  if (op === 'log') {
    return `\`log\` of \`${x}\`, which derives from yPred with no clip or epsilon: where it reaches 0 (a prediction of exactly 0, or 1 in log(1 - p)) the loss is -Infinity and the gradients NaN. Clip the prediction first: \`tf.clipByValue(p, 1e-7, 1 - 1e-7)\`.`;
  }
  if (op === 'div' || op === 'realDiv') {
    return `division by \`${x}\`, which derives from yPred and can be 0: the loss becomes Infinity or NaN. Add an epsilon to the divisor: \`tf.add(${x}, 1e-7)\`.`;
  }
  return `\`${op}\` of \`${x}\`, which derives from yPred and is 0 at a perfect prediction, where the gradient of sqrt is infinite. Add an epsilon: \`tf.sqrt(tf.add(${x}, 1e-12))\`.`;
}

class Guards {
  private readonly memo = new Map<ts.Node, boolean>();
  constructor(private readonly scope: LossScope) {}

  isGuarded(expr: ts.Expression): boolean {
    const e = skipOuter(expr);
    const hit = this.memo.get(e);
    if (hit !== undefined) return hit;
    this.memo.set(e, true); // cycle guard: a value defined through itself is judged by its other parts
    const result = this.compute(e);
    this.memo.set(e, result);
    return result;
  }

  private compute(e: ts.Expression): boolean {
    const scope = this.scope;
    if (!scope.fromPred(e)) return true;
    if (ts.isIdentifier(e)) return this.reachingValuesGuarded(e);
    if (ts.isConditionalExpression(e)) return this.isGuarded(e.whenTrue) && this.isGuarded(e.whenFalse);
    if (!ts.isCallExpression(e)) return false;
    const call = scope.tfCall(e);
    if (!call) return scope.localFunction(e.expression) !== undefined; // a helper of this file: trust it
    if (call.op === 'clipByValue') return true;
    const others = (input: ts.Expression): boolean => call.inputs.some((o) => o !== input && isConstant(scope, o));
    // A constant floor or epsilon guards the result; so does a sum with any guarded term (x + (y + ε)).
    if (call.op === 'maximum') return call.inputs.some((input) => scope.fromPred(input) && others(input)) || this.allGuarded(call.inputs);
    if (call.op === 'add') return call.inputs.some((input) => isConstant(scope, input) || (scope.fromPred(input) && this.isGuarded(input)));
    if (call.op === 'sigmoid' || call.op === 'softmax' || call.op === 'exp' || call.op === 'abs' || call.op === 'square') return false;
    return this.allGuarded(call.inputs);
  }

  /**
   * The values a variable can hold where it is read: the last assignment before the read on every
   * path. An assignment in the same block as the read (or an enclosing one) hides every earlier one;
   * one in a branch or a loop only may have run, so the values before it can reach the read too.
   */
  private reachingValuesGuarded(use: ts.Identifier): boolean {
    const scope = this.scope;
    const decl = scope.symbolOf(use);
    if (!decl) return false;
    const before = scope
      .assignmentsOf(decl)
      .filter((rhs) => rhs.parent.getEnd() <= use.getStart() && !isInside(use, rhs.parent))
      .reverse();
    for (const rhs of before) {
      if (!this.isGuarded(rhs)) return false;
      if (dominates(rhs.parent, use)) return true;
    }
    // Nothing before the read was sure to run: the declared value reaches it.
    if (decl === scope.pred) return false;
    if (ts.isParameter(decl)) return !scope.fromPred(decl.name);
    if (ts.isVariableDeclaration(decl)) return decl.initializer === undefined || this.isGuarded(decl.initializer);
    return false;
  }

  private allGuarded(inputs: ts.Expression[]): boolean {
    return inputs.every((input) => this.isGuarded(input));
  }
}

/** A value that depends on neither yTrue nor yPred: a literal, a constant, a factory parameter. */
function isConstant(scope: LossScope, expr: ts.Expression): boolean {
  return !scope.fromPred(expr) && !scope.fromTruth(expr);
}

function isInside(node: ts.Node, container: ts.Node): boolean {
  return node.getStart() >= container.getStart() && node.getEnd() <= container.getEnd();
}

/**
 * Whether an assignment surely runs before `use`: it is a statement of its own (not inside a `?:`, a
 * `&&` or a callback) in a block that holds the use. Early returns and breaks are not followed.
 */
function dominates(assignment: ts.Node, use: ts.Node): boolean {
  let statement: ts.Node = assignment;
  while (statement.parent && !ts.isExpressionStatement(statement) && !ts.isVariableStatement(statement)) {
    const conditional = ts.isBinaryExpression(statement.parent) && statement.parent.operatorToken.kind !== ts.SyntaxKind.EqualsToken;
    if (ts.isFunctionLike(statement) || ts.isConditionalExpression(statement) || conditional) return false;
    statement = statement.parent;
  }
  const block = statement.parent;
  return block !== undefined && (ts.isBlock(block) || ts.isSourceFile(block)) && isInside(use, block);
}

/** `x / sum(x)`: a value divided by its own sum, as tfjs-layers' cross-entropy normalises probabilities. */
function isNormalization(scope: LossScope, numerator: ts.Expression | undefined, divisor: ts.Expression): boolean {
  const d = skipOuter(divisor);
  const resolved = ts.isIdentifier(d) ? scope.symbolOf(d) : undefined;
  const sumCall = resolved && ts.isVariableDeclaration(resolved) && resolved.initializer ? skipOuter(resolved.initializer) : d;
  if (!numerator || !ts.isCallExpression(sumCall)) return false;
  const call = scope.tfCall(sumCall);
  if (call?.op !== 'sum') return false;
  const summed = call.inputs[0];
  return summed !== undefined && skipOuter(summed).getText() === skipOuter(numerator).getText();
}
