// The module a file's losses run from when the file is not a plain module of exported losses: a
// training script whose loss is written inline in `compile`, a local function, a class method. Running
// the script itself would train a model (or load data) at its top level, so the runtime runs a slice of
// it instead: the imports and declarations the losses reach, and one export per loss.
import ts from 'typescript';
import type { LossCandidate } from './discover';
import type { Binding, Scopes } from './scopes';

/** The name a loss is exported under in the slice. */
export function sliceExportName(index: number): string {
  return `lossLab_${index}`;
}

/** Whether the file's losses must run from a slice: any of them is not reached through the module's own exports. */
export function needsSlice(candidates: readonly LossCandidate[]): boolean {
  return candidates.some((c) => c.useSite || c.exportName === undefined);
}

/** The slice's text: kept statements in source order, hoisted local constants, then one export per loss. */
export function sliceModule(sf: ts.SourceFile, scopes: Scopes, candidates: readonly LossCandidate[]): string {
  const topLevel = new Set<ts.Statement>();
  const hoisted = new Set<ts.Node>();
  const scanned = new Set<ts.Node>();
  const pending: ts.Node[] = [];

  const include = (binding: Binding): void => {
    const statement = topLevelStatement(binding);
    if (statement) {
      if (!topLevel.has(statement)) {
        topLevel.add(statement);
        pending.push(statement);
      }
      return;
    }
    // A constant or function declared inside another function (a training script's `main`): hoisted.
    const decl = ts.isBindingElement(binding) ? outerDeclaration(binding) : binding;
    if (decl && (ts.isVariableDeclaration(decl) ? decl.initializer !== undefined : ts.isFunctionDeclaration(decl) || ts.isClassDeclaration(decl)) && !hoisted.has(decl)) {
      hoisted.add(decl);
      pending.push(decl);
    }
  };

  for (const candidate of candidates) {
    if (candidate.external && candidate.roots.length === 0) continue;
    for (const root of candidate.roots) {
      const statement = ts.isSourceFile(root.parent) ? (root as ts.Statement) : undefined;
      if (statement && !topLevel.has(statement)) topLevel.add(statement);
      pending.push(root);
    }
  }
  while (pending.length > 0) {
    const node = pending.pop() as ts.Node;
    if (scanned.has(node)) continue;
    scanned.add(node);
    for (const binding of freeBindings(node, scopes)) include(binding);
  }

  const kept = sf.statements.filter((s) => topLevel.has(s) || (ts.isImportDeclaration(s) && s.importClause === undefined));
  const lines = kept.map((s) => s.getText(sf));
  const locals = [...hoisted].sort((a, b) => a.pos - b.pos).map((d) => (ts.isVariableDeclaration(d) ? `const ${d.getText(sf)};` : d.getText(sf)));
  const exports = candidates.map((c, i) => `export const ${sliceExportName(i)} = ${c.reach};`);
  return [...lines, ...locals, ...exports, ''].join('\n');
}

/** Declarations outside `node` that identifiers inside it refer to. */
function freeBindings(node: ts.Node, scopes: Scopes): Binding[] {
  const found: Binding[] = [];
  const stack: ts.Node[] = [node];
  const start = node.getStart();
  const end = node.getEnd();
  while (stack.length > 0) {
    const n = stack.pop() as ts.Node;
    if (ts.isIdentifier(n) && !isPropertyName(n)) {
      const binding = scopes.resolve(n);
      if (binding && (binding.getStart() < start || binding.getEnd() > end)) found.push(binding);
    }
    ts.forEachChild(n, (child) => {
      stack.push(child);
    });
  }
  return found;
}

function isPropertyName(id: ts.Identifier): boolean {
  const parent = id.parent;
  return (
    (ts.isPropertyAccessExpression(parent) && parent.name === id) ||
    (ts.isPropertyAssignment(parent) && parent.name === id) ||
    (ts.isMethodDeclaration(parent) && parent.name === id) ||
    (ts.isPropertyDeclaration(parent) && parent.name === id)
  );
}

/** The top-level statement that declares a binding, when it is declared at the top level. */
function topLevelStatement(binding: Binding): ts.Statement | undefined {
  let node: ts.Node = binding;
  while (node.parent && !ts.isSourceFile(node.parent)) {
    if (ts.isFunctionLike(node.parent) || ts.isBlock(node.parent) || ts.isClassLike(node.parent)) return undefined;
    node = node.parent;
  }
  return node.parent ? (node as ts.Statement) : undefined;
}

function outerDeclaration(element: ts.BindingElement): ts.VariableDeclaration | undefined {
  let node: ts.Node = element;
  while (ts.isBindingElement(node) || ts.isObjectBindingPattern(node) || ts.isArrayBindingPattern(node)) node = node.parent;
  return ts.isVariableDeclaration(node) ? node : undefined;
}
