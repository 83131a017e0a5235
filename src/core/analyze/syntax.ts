// Small syntax questions shared by discovery, the lint model and the type-checking host.
import ts from 'typescript';

/** `@tensorflow/tfjs`, `@tensorflow/tfjs-core`, `@tensorflow/tfjs-node`… */
export const TFJS_MODULE = /^@tensorflow\/tfjs(-[a-z-]+)?$/;

/** The expression inside parentheses, `as`, `satisfies`, `!` and `<T>` casts. */
export function skipOuter(expr: ts.Expression): ts.Expression {
  let e = expr;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) {
    e = e.expression;
  }
  return e;
}

/** The arrow function or function expression an expression is, under any wrapping. */
export function unwrapFunction(expr: ts.Expression): ts.ArrowFunction | ts.FunctionExpression | undefined {
  const e = skipOuter(expr);
  return ts.isArrowFunction(e) || ts.isFunctionExpression(e) ? e : undefined;
}

/** The variable declaration a destructured name belongs to (`const { a, b: [c] } = …` for a or c), or the declaration itself. */
export function outerVariableDeclaration(node: ts.Node): ts.VariableDeclaration | undefined {
  let n: ts.Node = node;
  while (ts.isBindingElement(n) || ts.isObjectBindingPattern(n) || ts.isArrayBindingPattern(n)) n = n.parent;
  return ts.isVariableDeclaration(n) ? n : undefined;
}

/** An identifier that names a property, not a variable: `x.name`, `{ name: … }`, `name() { … }`, a class field. */
export function isPropertyName(id: ts.Identifier): boolean {
  const parent = id.parent;
  return (
    (ts.isPropertyAccessExpression(parent) && parent.name === id) ||
    (ts.isPropertyAssignment(parent) && parent.name === id) ||
    (ts.isMethodDeclaration(parent) && parent.name === id) ||
    (ts.isPropertyDeclaration(parent) && parent.name === id)
  );
}

/**
 * Visits `root` and its descendants in source order with an explicit stack, so that a deep tree (a
 * 10,000-term `a - a - …` chain) cannot overflow the call stack. `visit` returning false skips the
 * node's children.
 */
export function walkTree(root: ts.Node, visit: (node: ts.Node) => boolean | void): void {
  const stack: ts.Node[] = [root];
  const children: ts.Node[] = [];
  while (stack.length > 0) {
    const node = stack.pop() as ts.Node;
    if (visit(node) === false) continue;
    children.length = 0;
    ts.forEachChild(node, (child) => {
      children.push(child);
    });
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as ts.Node);
  }
}

/** Visits the children of `node` and their descendants (not `node` itself); see walkTree. */
export function walkChildren(node: ts.Node, visit: (node: ts.Node) => boolean | void): void {
  ts.forEachChild(node, (child) => {
    walkTree(child, visit);
  });
}
