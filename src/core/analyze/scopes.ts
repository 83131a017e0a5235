// Name resolution from the syntax tree alone: which declaration an identifier refers to. The lint
// rules need only this (which local is which), and doing it without a TypeScript program keeps the
// analysis that runs on every keystroke to a parse and a walk.
import ts from 'typescript';

/** A declaration an identifier can refer to: a parameter, a variable, a function, an import… */
export type Binding = ts.Declaration;

export class Scopes {
  private readonly cache = new Map<ts.Identifier, Binding | undefined>();
  private readonly tables = new Map<ts.Node, Map<string, Binding>>();
  private readonly below = new Map<ts.Node, ts.Node | undefined>();

  /** The declaration `id` refers to, or undefined for a global (Math, console, a script's `tf`). */
  resolve(id: ts.Identifier): Binding | undefined {
    if (this.cache.has(id)) return this.cache.get(id);
    const found = this.lookup(id);
    this.cache.set(id, found);
    return found;
  }

  private lookup(id: ts.Identifier): Binding | undefined {
    for (let node = this.belowScope(id); node?.parent; node = this.belowScope(node.parent)) {
      const found = this.table(node.parent, node).get(id.text);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * The first node from `node` up (itself included) whose parent can declare names, remembered for
   * every node passed, so that resolving each identifier of a 10,000-term chain is not a walk to the root.
   */
  private belowScope(node: ts.Node): ts.Node | undefined {
    const path: ts.Node[] = [];
    let found: ts.Node | undefined;
    for (let n: ts.Node | undefined = node; n?.parent; n = n.parent) {
      if (this.below.has(n)) {
        found = this.below.get(n);
        break;
      }
      path.push(n);
      if (declaresNames(n.parent)) {
        found = n;
        break;
      }
    }
    for (const n of path) this.below.set(n, found);
    return found;
  }

  /** Name → declaration for what `scope` makes visible to its child `from`. */
  private table(scope: ts.Node, from: ts.Node): Map<string, Binding> {
    // A for-loop's own variables are not visible from its initializer: the only case `from` matters.
    const isLoop = ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope);
    const cached = isLoop ? undefined : this.tables.get(scope);
    if (cached) return cached;
    const table = new Map<string, Binding>();
    for (const decl of declarationsIn(scope, from)) {
      for (const name of namesOf(decl)) if (!table.has(name.text)) table.set(name.text, bindingFor(decl, name.text));
    }
    if (!isLoop) this.tables.set(scope, table);
    return table;
  }
}

/** The nodes declarationsIn can find declarations in. */
function declaresNames(node: ts.Node): boolean {
  return (
    ts.isFunctionLike(node) ||
    ts.isBlock(node) ||
    ts.isSourceFile(node) ||
    ts.isModuleBlock(node) ||
    ts.isCaseClause(node) ||
    ts.isDefaultClause(node) ||
    ts.isForStatement(node) ||
    ts.isForOfStatement(node) ||
    ts.isForInStatement(node) ||
    ts.isCatchClause(node)
  );
}

/** Declarations that `scope` makes visible to its child `from`. */
function declarationsIn(scope: ts.Node, from: ts.Node): ts.Node[] {
  if (ts.isFunctionLike(scope)) {
    const own = (ts.isFunctionExpression(scope) || ts.isArrowFunction(scope)) && scope.name ? [scope] : [];
    return [...scope.parameters, ...own];
  }
  if (ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isModuleBlock(scope) || ts.isCaseClause(scope) || ts.isDefaultClause(scope)) {
    return scope.statements.flatMap(statementDeclarations);
  }
  if ((ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) && scope.initializer && from !== scope.initializer) {
    return ts.isVariableDeclarationList(scope.initializer) ? [...scope.initializer.declarations] : [];
  }
  if (ts.isCatchClause(scope) && scope.variableDeclaration) return [scope.variableDeclaration];
  return [];
}

function statementDeclarations(statement: ts.Statement): ts.Node[] {
  if (ts.isVariableStatement(statement)) return [...statement.declarationList.declarations];
  if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) return [statement];
  if (ts.isImportDeclaration(statement) && statement.importClause) {
    const clause = statement.importClause;
    const bindings = clause.namedBindings;
    const named = bindings && ts.isNamedImports(bindings) ? [...bindings.elements] : bindings ? [bindings] : [];
    return clause.name ? [clause, ...named] : named;
  }
  return [];
}

/** The identifiers a declaration binds: `const [a, {b}] = …` binds a and b. */
function namesOf(decl: ts.Node): ts.Identifier[] {
  const name = (decl as ts.NamedDeclaration).name;
  if (!name) return [];
  if (ts.isIdentifier(name)) return [name];
  if (ts.isObjectBindingPattern(name) || ts.isArrayBindingPattern(name)) return bindingNames(name);
  return [];
}

function bindingNames(pattern: ts.BindingPattern): ts.Identifier[] {
  const names: ts.Identifier[] = [];
  for (const element of pattern.elements) {
    if (ts.isOmittedExpression(element)) continue;
    if (ts.isIdentifier(element.name)) names.push(element.name);
    else names.push(...bindingNames(element.name));
  }
  return names;
}

/** For a destructuring declaration, the binding element that declares `name`. */
function bindingFor(decl: ts.Node, name: string): Binding {
  const declName = (decl as ts.NamedDeclaration).name;
  if (declName && (ts.isObjectBindingPattern(declName) || ts.isArrayBindingPattern(declName))) {
    const element = findElement(declName, name);
    if (element) return element;
  }
  return decl as Binding;
}

function findElement(pattern: ts.BindingPattern, name: string): ts.BindingElement | undefined {
  for (const element of pattern.elements) {
    if (ts.isOmittedExpression(element)) continue;
    if (ts.isIdentifier(element.name)) {
      if (element.name.text === name) return element;
    } else {
      const inner = findElement(element.name, name);
      if (inner) return inner;
    }
  }
  return undefined;
}
