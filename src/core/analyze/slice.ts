// The module a file's losses run from when the file is not a plain module of exported losses: a
// training script whose loss is written inline in `compile`, a local function, a class method. Running
// the script itself would train a model (or load data) at its top level, so the runtime runs a slice of
// it instead: the imports and declarations the losses reach, and one export per loss.
import ts from 'typescript';
import type { LossCandidate } from './discover';
import type { Binding, Scopes } from './scopes';
import { isPropertyName, outerVariableDeclaration } from './syntax';

/** The name a loss is exported under in the slice. */
export function sliceExportName(index: number): string {
  return `lossLab_${index}`;
}

/** Whether the file's losses must run from a slice: any of them is not reached through the module's own exports. */
export function needsSlice(candidates: readonly LossCandidate[]): boolean {
  return candidates.some((c) => c.useSite || c.exportName === undefined);
}

export interface Slice {
  text: string;
  /** Candidate index → why its loss cannot run outside the code around it (it reads `this`, or a parameter of an enclosing function). */
  blocked: Map<number, string>;
}

/** The slice's text: kept statements in source order, hoisted local declarations, then one export per loss that can run. */
export function sliceModule(sf: ts.SourceFile, scopes: Scopes, candidates: readonly LossCandidate[]): Slice {
  const topLevel = new Set<ts.Statement>();
  const hoisted = new Set<ts.Node>();
  const blocked = new Map<number, string>();
  // Losses share what they reach (the tfjs import, helpers): each node's free names are found once.
  const free = new Map<ts.Node, Binding[]>();
  candidates.forEach((candidate, index) => {
    const closure = closureOf(candidate, scopes, free);
    if (typeof closure === 'string') {
      blocked.set(index, closure);
      return;
    }
    closure.topLevel.forEach((s) => topLevel.add(s));
    closure.hoisted.forEach((d) => hoisted.add(d));
  });
  const kept = sf.statements.filter((s) => topLevel.has(s) || (ts.isImportDeclaration(s) && s.importClause === undefined));
  const lines = kept.map((s) => s.getText(sf));
  // `let`: a loss may assign to a variable of the function around it (a running total, the last loss).
  const locals = [...hoisted].sort((a, b) => a.pos - b.pos).map((d) => (ts.isVariableDeclaration(d) ? `let ${d.getText(sf)};` : d.getText(sf)));
  const exports = candidates.flatMap((c, i) => (blocked.has(i) ? [] : [`export const ${sliceExportName(i)} = ${c.reach};`]));
  return { text: [...lines, ...locals, ...exports, ''].join('\n'), blocked };
}

/** The top-level statements and local declarations a loss reaches, or why it cannot run on its own. */
function closureOf(candidate: LossCandidate, scopes: Scopes, free: Map<ts.Node, Binding[]>): { topLevel: Set<ts.Statement>; hoisted: Set<ts.Node> } | string {
  const topLevel = new Set<ts.Statement>();
  const hoisted = new Set<ts.Node>();
  const scanned = new Set<ts.Node>();
  const pending: ts.Node[] = [];
  for (const root of candidate.roots) {
    if (ts.isSourceFile(root.parent)) topLevel.add(root as ts.Statement);
    pending.push(root);
  }
  while (pending.length > 0) {
    const node = pending.pop() as ts.Node;
    if (scanned.has(node)) continue;
    scanned.add(node);
    if (!ts.isSourceFile(node.parent) && readsThis(node)) return `it reads \`this\`: Loss Lab cannot run it outside the object it belongs to`;
    let bindings = free.get(node);
    if (!bindings) free.set(node, (bindings = freeBindings(node, scopes)));
    for (const binding of bindings) {
      const statement = topLevelStatement(binding);
      if (statement) {
        if (!topLevel.has(statement)) {
          topLevel.add(statement);
          pending.push(statement);
        }
        continue;
      }
      // A constant or function declared inside another function (a training script's `main`): hoisted.
      const decl = ts.isBindingElement(binding) ? outerVariableDeclaration(binding) : binding;
      if (decl && (ts.isVariableDeclaration(decl) || ts.isFunctionDeclaration(decl) || ts.isClassDeclaration(decl))) {
        if (!hoisted.has(decl)) {
          hoisted.add(decl);
          pending.push(decl);
        }
        continue;
      }
      const name = (binding as ts.NamedDeclaration).name?.getText() ?? 'a value';
      const owner = ts.isParameter(binding) && ts.isFunctionLike(binding.parent) && binding.parent.name ? ` of \`${binding.parent.name.getText()}\`` : '';
      return `it uses \`${name}\`, ${ts.isParameter(binding) ? `a parameter${owner || ' of the function around it'}` : 'a value of the code around it'}, which only exists when that code runs`;
    }
  }
  return { topLevel, hoisted };
}

/** `this` in the node, outside functions and classes that bind their own. */
function readsThis(node: ts.Node): boolean {
  if (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isClassLike(node)) return false;
  const stack: ts.Node[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as ts.Node;
    if (n.kind === ts.SyntaxKind.ThisKeyword) return true;
    if (n !== node && (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isClassLike(n) || ts.isMethodDeclaration(n))) continue;
    ts.forEachChild(n, (child) => {
      stack.push(child);
    });
  }
  return false;
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

/** The top-level statement that declares a binding, when it is declared at the top level. */
function topLevelStatement(binding: Binding): ts.Statement | undefined {
  let node: ts.Node = binding;
  while (node.parent && !ts.isSourceFile(node.parent)) {
    if (ts.isFunctionLike(node.parent) || ts.isBlock(node.parent) || ts.isClassLike(node.parent)) return undefined;
    node = node.parent;
  }
  return node.parent ? (node as ts.Statement) : undefined;
}
