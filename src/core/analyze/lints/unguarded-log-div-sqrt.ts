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
    found.push(diagnostic(scope.sourceFile, node, 'LL205', 'warning', message(scope, call.op as string, operand)));
  });
  return found;
}

function message(scope: LossScope, op: string, operand: ts.Expression): string {
  const x = snippet(operand, 24);
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
    if (ts.isIdentifier(e)) {
      const decl = scope.symbolOf(e);
      if (!decl || decl === scope.pred) return false;
      return ts.isVariableDeclaration(decl) && decl.initializer !== undefined && this.isGuarded(decl.initializer);
    }
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

  private allGuarded(inputs: ts.Expression[]): boolean {
    return inputs.every((input) => this.isGuarded(input));
  }
}

/** A value that depends on neither yTrue nor yPred: a literal, a constant, a factory parameter. */
function isConstant(scope: LossScope, expr: ts.Expression): boolean {
  return !scope.fromPred(expr) && !scope.fromTruth(expr);
}
