// What the lint rules ask about a loss's body: is this expression a tensor, does it derive from
// yPred, does its value reach the returned loss, which tfjs op does this call run. Answers come
// from the syntax and name resolution (fast, and right in untyped JavaScript); where a type checker
// is at hand it answers what the syntax cannot tell.
import ts from 'typescript';
import type { LossCandidate } from './discover';
import type { Binding, Scopes } from './scopes';
import { isPropertyName, outerVariableDeclaration, skipOuter, TFJS_MODULE, unwrapFunction, walkChildren, walkTree } from './syntax';
import { resolveOp, type TfjsRegistry } from './tfjs-registry';

/** The type checker's view, when the analysis runs with types. */
export interface TypeView {
  checker: ts.TypeChecker;
  tensorType: ts.Type;
}

/** Tensor properties that are plain numbers, strings or arrays, not tensors. */
const META_PROPERTIES = new Set(['shape', 'rank', 'size', 'dtype', 'id', 'isDisposed', 'strides', 'rankType', 'kept', 'scopeId', 'name', 'trainable']);
export const DATA_READS = new Set(['dataSync', 'arraySync', 'data', 'array', 'bufferSync']);
/** Tensor methods that do not return a tensor. */
const NON_TENSOR_METHODS = new Set([...DATA_READS, 'buffer', 'print', 'dispose', 'toString', 'dataToGPU', 'throwIfDisposed', 'assign']);
/** tf.* functions that are not ops returning a tensor. */
const NON_TENSOR_TF = new Set(['memory', 'getBackend', 'setBackend', 'ready', 'env', 'engine', 'dispose', 'disposeVariables', 'profile', 'time', 'nextFrame', 'print', 'grad', 'grads', 'valueAndGrad', 'valueAndGrads', 'variableGrads', 'customGrad', 'enableProdMode', 'enableDebugMode', 'registerKernel', 'registerGradient', 'sequential', 'model', 'loadLayersModel', 'loadGraphModel', 'util', 'browser', 'io', 'train', 'layers']);
/** Namespaces whose every function returns a tensor. */
const TENSOR_NAMESPACES = new Set(['losses', 'metrics', 'linalg', 'image', 'signal', 'spectral']);

/** Answers of one derivation question (from yPred, from yTrue), by symbol and by node. */
interface DerivationMemo {
  symbols: Map<Binding, boolean>;
  nodes: Map<ts.Node, boolean>;
}

/** A node of the derivation search: an expression, or a binding whose values are searched. */
interface DerivationStep {
  node: ts.Node;
  symbol: boolean;
}

interface DerivationFrame {
  step: DerivationStep;
  next: DerivationStep[];
  index: number;
}

export interface TfCall {
  /** The op from tfjs's registry (`lessEqual`, `losses.huberLoss`), if known. */
  op?: string;
  /** The name as called (`lessEqual`), for messages. */
  name: string;
  /** `x.lessEqual(y)`: x. */
  receiver?: ts.Expression;
  /** Tensor inputs: the receiver and the arguments. */
  inputs: ts.Expression[];
}

export class LossScope {
  readonly pred: Binding | undefined;
  readonly truth: Binding | undefined;
  private readonly tfNamespaces = new Set<string>();
  private readonly tfNamed = new Map<string, string>();
  private readonly tensorMemo = new Map<ts.Node, boolean | undefined>();
  private readonly predMemo: DerivationMemo = { symbols: new Map(), nodes: new Map() };
  private readonly truthMemo: DerivationMemo = { symbols: new Map(), nodes: new Map() };
  private readonly assignments = new Map<Binding, ts.Expression[]>();
  private readonly resultRoots = new Set<ts.Node>();
  private readonly reachMemo = new Map<ts.Node, boolean>();

  constructor(
    readonly sourceFile: ts.SourceFile,
    readonly loss: LossCandidate,
    private readonly scopes: Scopes,
    readonly registry: TfjsRegistry,
    private readonly types?: TypeView,
  ) {
    this.readTfjsImports();
    const [first, second] = loss.fn.parameters;
    this.truth = first && ts.isIdentifier(first.name) ? first : undefined;
    this.pred = second && ts.isIdentifier(second.name) ? second : undefined;
    this.collectAssignments();
    this.collectResultRoots();
  }

  get fn(): ts.SignatureDeclaration {
    return this.loss.fn;
  }

  /** Visits every node of the loss's body, nested callbacks included. */
  forEachNode(visit: (node: ts.Node) => void): void {
    if (this.loss.fn.body) walkTree(this.loss.fn.body, (node) => void visit(node));
  }

  /** The declaration an identifier refers to; undefined for globals and tfjs's own names. */
  symbolOf(node: ts.Node): Binding | undefined {
    if (!ts.isIdentifier(node) || this.tfNamespaces.has(node.text) || this.tfNamed.has(node.text)) return undefined;
    return this.scopes.resolve(node);
  }

  /** Whether the expression's value is a tensor: true, false, or undefined when nothing tells. */
  isTensor(expr: ts.Expression): boolean {
    return this.tensorness(expr) ?? this.typedTensorness(expr) ?? false;
  }

  private tensorness(expr: ts.Expression): boolean | undefined {
    if (this.tensorMemo.has(expr)) return this.tensorMemo.get(expr);
    this.tensorMemo.set(expr, undefined); // cycle guard
    const result = this.computeTensorness(expr);
    this.tensorMemo.set(expr, result);
    return result;
  }

  private computeTensorness(expr: ts.Expression): boolean | undefined {
    const e = skipOuter(expr);
    if (ts.isIdentifier(e)) return this.identifierTensorness(e);
    if (ts.isCallExpression(e)) return this.callTensorness(e);
    if (ts.isPropertyAccessExpression(e)) return META_PROPERTIES.has(e.name.text) && this.tensorness(e.expression) ? false : undefined;
    if (ts.isConditionalExpression(e)) {
      const a = this.tensorness(e.whenTrue);
      const b = this.tensorness(e.whenFalse);
      return a || b ? true : a === false && b === false ? false : undefined;
    }
    if (ts.isLiteralExpression(e) || ts.isBinaryExpression(e) || ts.isPrefixUnaryExpression(e) || ts.isTemplateExpression(e)) return false;
    if (ts.isArrayLiteralExpression(e) || ts.isObjectLiteralExpression(e) || ts.isFunctionLike(e)) return false;
    if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword || e.kind === ts.SyntaxKind.NullKeyword) return false;
    return undefined;
  }

  private identifierTensorness(id: ts.Identifier): boolean | undefined {
    const symbol = this.symbolOf(id);
    if (!symbol) return undefined;
    if (symbol === this.pred || symbol === this.truth) return true;
    const decl = symbol;
    if (ts.isParameter(decl)) {
      const type = decl.type ?? ts.getJSDocType(decl);
      return type && /\bTensor|\bScalar\b|\bVariable\b/.test(type.getText()) ? true : undefined;
    }
    if (ts.isVariableDeclaration(decl) && decl.initializer) {
      const values = [decl.initializer, ...(this.assignments.get(symbol) ?? [])];
      const answers = values.map((v) => this.tensorness(v));
      return answers.some((a) => a === true) ? true : answers.every((a) => a === false) ? false : undefined;
    }
    if (ts.isBindingElement(decl)) {
      // const [a, b] = tf.split(x, 2): the elements of an op's array result are tensors.
      const root = bindingRoot(decl);
      const call = root && skipOuter(root);
      return call && ts.isCallExpression(call) && ts.isArrayBindingPattern(decl.parent) && this.tfCall(call) ? true : undefined;
    }
    return undefined;
  }

  private callTensorness(call: ts.CallExpression): boolean | undefined {
    const tf = this.tfCall(call);
    if (tf) {
      if (tf.name === 'tidy') return this.returnsTensor(call.arguments[call.arguments.length - 1]);
      if (tf.receiver) return NON_TENSOR_METHODS.has(tf.name) ? false : tf.op ? true : undefined;
      return tf.op !== undefined || tf.name === 'keep' || tf.name === 'variable' ? true : NON_TENSOR_TF.has(tf.name) ? false : undefined;
    }
    const callee = call.expression;
    if (ts.isPropertyAccessExpression(callee) && NON_TENSOR_METHODS.has(callee.name.text) && this.tensorness(callee.expression)) return false;
    const local = this.localFunction(callee);
    return local ? this.returnsTensor(local) : undefined;
  }

  private returnsTensor(fnExpr: ts.Node | undefined): boolean | undefined {
    const fn = fnExpr && ts.isExpression(fnExpr) ? unwrapFunction(fnExpr) : fnExpr;
    if (!fn || !isFunctionWithBody(fn)) return undefined;
    const answers = returnExpressions(fn).map((r) => this.tensorness(r));
    return answers.some((a) => a === true) ? true : undefined;
  }

  /** A value typed `Tensor | undefined` (an optional tensor): testing it checks that it exists. */
  mayBeAbsent(expr: ts.Expression): boolean {
    if (!this.types) return false;
    const type = this.types.checker.getTypeAtLocation(expr);
    return type.isUnion() && type.types.some((t) => (t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)) !== 0);
  }

  private typedTensorness(expr: ts.Expression): boolean | undefined {
    if (!this.types) return undefined;
    const { checker, tensorType } = this.types;
    const type = checker.getTypeAtLocation(expr);
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never)) return undefined;
    return checker.isTypeAssignableTo(checker.getNonNullableType(type), tensorType);
  }

  /** Whether the value depends on yPred (through locals, assignments, calls and callbacks). */
  fromPred(expr: ts.Node): boolean {
    return this.derivesFrom(expr, this.pred, this.predMemo);
  }

  /** Whether the value depends on yTrue. */
  fromTruth(expr: ts.Node): boolean {
    return this.derivesFrom(expr, this.truth, this.truthMemo);
  }

  /**
   * A depth-first search from `expr` through its children, the bindings its identifiers name and the
   * values those bindings get, with an explicit stack: a 10,000-term chain must not overflow the call
   * stack. A binding met again while it is still being searched counts as not deriving (a cycle).
   */
  private derivesFrom(expr: ts.Node, source: Binding | undefined, memo: DerivationMemo): boolean {
    if (!source) return false;
    const known = memo.nodes.get(expr);
    if (known !== undefined) return known;
    const frames: DerivationFrame[] = [this.derivationFrame({ node: expr, symbol: false }, memo)];
    let answer = false;
    while (frames.length > 0) {
      const top = frames[frames.length - 1] as DerivationFrame;
      const next: DerivationStep | undefined = answer ? undefined : top.next[top.index++];
      if (!next) {
        (top.step.symbol ? memo.symbols : memo.nodes).set(top.step.node as Binding, answer);
        frames.pop();
        continue;
      }
      if (next.symbol && next.node === source) {
        answer = true;
        continue;
      }
      const seen: boolean | undefined = (next.symbol ? memo.symbols : memo.nodes).get(next.node as Binding);
      if (seen !== undefined) answer = seen;
      else frames.push(this.derivationFrame(next, memo));
    }
    return answer;
  }

  private derivationFrame(step: DerivationStep, memo: DerivationMemo): DerivationFrame {
    const { node } = step;
    const next: DerivationStep[] = [];
    if (step.symbol) {
      memo.symbols.set(node as Binding, false); // cycle guard
      if (ts.isVariableDeclaration(node) || ts.isBindingElement(node)) {
        const init = ts.isVariableDeclaration(node) ? node.initializer : bindingRoot(node);
        for (const value of [init, ...(this.assignments.get(node as Binding) ?? [])]) if (value) next.push({ node: value, symbol: false });
      }
    } else if (ts.isPropertyAccessExpression(node) && META_PROPERTIES.has(node.name.text)) {
      // x.shape, x.rank… are plain numbers: they carry no gradient.
    } else if (ts.isIdentifier(node)) {
      const symbol = isPropertyName(node) ? undefined : this.symbolOf(node);
      if (symbol) next.push({ node: symbol, symbol: true });
    } else {
      ts.forEachChild(node, (child) => {
        next.push({ node: child, symbol: false });
      });
    }
    return { step, next, index: 0 };
  }

  /** The right-hand sides of `x = …` assignments to a binding inside the loss, in source order. */
  assignmentsOf(binding: Binding): readonly ts.Expression[] {
    return this.assignments.get(binding) ?? [];
  }

  /** Whether the node's value flows into what the loss returns. */
  reachesResult(node: ts.Node): boolean {
    // Remembered for every node passed on the way up, so that the lints' questions about each node of
    // a long chain cost one walk up in all, not one each.
    const path: ts.Node[] = [];
    let answer = false;
    for (let n: ts.Node | undefined = node; n && n !== this.loss.fn; n = n.parent) {
      const known = this.reachMemo.get(n);
      if (known !== undefined) {
        answer = known;
        break;
      }
      path.push(n);
      if (this.resultRoots.has(n)) {
        answer = true;
        break;
      }
    }
    for (const n of path) this.reachMemo.set(n, answer);
    return answer;
  }

  /** Classifies a call to tfjs: `tf.lessEqual(a, b)`, `lessEqual(a, b)` (named import), `a.lessEqual(b)`. */
  tfCall(call: ts.CallExpression): TfCall | undefined {
    const callee = skipOuter(call.expression);
    const args = [...call.arguments];
    if (ts.isIdentifier(callee)) {
      const imported = this.tfNamed.get(callee.text);
      if (imported === undefined || !this.isImportBinding(callee)) return undefined;
      return { op: resolveOp(this.registry, [imported]), name: imported, inputs: args };
    }
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const chain = this.tfChain(callee);
    if (chain) {
      const name = chain[chain.length - 1] as string;
      const inNamespace = chain.length > 1 && TENSOR_NAMESPACES.has(chain[0] as string);
      const op = resolveOp(this.registry, chain) ?? (inNamespace ? chain.join('.') : undefined);
      return { op, name, inputs: args };
    }
    const method = callee.name.text;
    if (!this.tensorness(callee.expression)) return undefined;
    const op = this.registry.methods[method];
    return { op, name: method, receiver: callee.expression, inputs: [callee.expression, ...args] };
  }

  /** `tf.losses.huberLoss` → ['losses', 'huberLoss'] when `tf` is tfjs. */
  private tfChain(access: ts.PropertyAccessExpression): string[] | undefined {
    const names: string[] = [access.name.text];
    let e: ts.Expression = access.expression;
    while (ts.isPropertyAccessExpression(e)) {
      names.unshift(e.name.text);
      e = e.expression;
    }
    if (!ts.isIdentifier(e)) return undefined;
    if (this.tfNamespaces.has(e.text) && this.isImportBinding(e)) return names;
    // A script that uses the global `tf` of a <script> tag.
    if (e.text === 'tf' && !this.scopes.resolve(e)) return names;
    return undefined;
  }

  /** An import of tfjs that no local declaration shadows. */
  private isImportBinding(id: ts.Identifier): boolean {
    const decl = this.scopes.resolve(id);
    return decl !== undefined && (isImportNode(decl) || isRequireBinding(decl));
  }

  /** A function declared in this file that a call reaches. */
  localFunction(callee: ts.Expression): ts.FunctionLikeDeclaration | undefined {
    if (!ts.isIdentifier(callee)) return undefined;
    const decl = this.symbolOf(callee);
    if (!decl) return undefined;
    if (ts.isFunctionDeclaration(decl) && decl.body) return decl;
    if (ts.isVariableDeclaration(decl) && decl.initializer) return unwrapFunction(decl.initializer);
    return undefined;
  }

  private readTfjsImports(): void {
    const imports = tfjsImportsOf(this.sourceFile);
    for (const name of imports.namespaces) this.tfNamespaces.add(name);
    for (const [local, imported] of imports.named) this.tfNamed.set(local, imported);
  }

  private collectAssignments(): void {
    this.forEachNode((node) => {
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left)) {
        const symbol = this.symbolOf(node.left);
        if (!symbol) return;
        const list = this.assignments.get(symbol) ?? [];
        list.push(node.right);
        this.assignments.set(symbol, list);
      }
    });
  }

  /** Marks the expressions whose values make up the result: returns, and what they read. */
  private collectResultRoots(): void {
    const pending: ts.Node[] = returnExpressions(this.loss.fn);
    const seenSymbols = new Set<Binding>();
    const seenFunctions = new Set<ts.Node>([this.loss.fn]);
    const visit = (node: ts.Node): boolean => {
      // A JavaScript `?:` picks a tensor; its condition is not part of the result's graph.
      if (ts.isConditionalExpression(node)) {
        walkTree(node.whenTrue, visit);
        walkTree(node.whenFalse, visit);
        return false;
      }
      if (ts.isPropertyAccessExpression(node) && META_PROPERTIES.has(node.name.text)) return false;
      if (ts.isIdentifier(node) && !isPropertyName(node)) {
        const decl = this.symbolOf(node);
        if (decl && !seenSymbols.has(decl)) {
          seenSymbols.add(decl);
          const init = ts.isVariableDeclaration(decl) ? decl.initializer : ts.isBindingElement(decl) ? bindingRoot(decl) : undefined;
          if (init) pending.push(init);
          pending.push(...(this.assignments.get(decl) ?? []));
        }
      }
      // Functions whose results are used: tidy callbacks, helpers of this file.
      if (ts.isFunctionLike(node) && isFunctionWithBody(node) && !seenFunctions.has(node)) {
        seenFunctions.add(node);
        pending.push(...returnExpressions(node));
      }
      if (ts.isCallExpression(node)) {
        const local = this.localFunction(node.expression);
        if (local && !seenFunctions.has(local)) {
          seenFunctions.add(local);
          pending.push(...returnExpressions(local));
        }
      }
      return true;
    };
    while (pending.length > 0) {
      const root = pending.pop() as ts.Node;
      if (this.resultRoots.has(root)) continue;
      this.resultRoots.add(root);
      walkTree(root, visit);
    }
  }
}

function isFunctionWithBody(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node)) && node.body !== undefined;
}

/** The expressions a function returns (its body, for an arrow with an expression body). */
export function returnExpressions(fn: ts.FunctionLikeDeclaration): ts.Expression[] {
  const body = fn.body;
  if (!body) return [];
  if (!ts.isBlock(body)) return [body];
  const found: ts.Expression[] = [];
  walkChildren(body, (node) => {
    if (ts.isReturnStatement(node) && node.expression) found.push(node.expression);
    return !ts.isFunctionLike(node);
  });
  return found;
}

function bindingRoot(decl: ts.BindingElement): ts.Expression | undefined {
  return outerVariableDeclaration(decl)?.initializer;
}

function isImportNode(node: ts.Node): boolean {
  return ts.isImportSpecifier(node) || ts.isNamespaceImport(node) || ts.isImportClause(node);
}

function isTfjsRequire(expr: ts.Expression): boolean {
  const e = skipOuter(expr);
  return (
    ts.isCallExpression(e) &&
    ts.isIdentifier(e.expression) &&
    e.expression.text === 'require' &&
    e.arguments.length === 1 &&
    ts.isStringLiteral(e.arguments[0] as ts.Expression) &&
    TFJS_MODULE.test((e.arguments[0] as ts.StringLiteral).text)
  );
}

function isRequireBinding(decl: ts.Node): boolean {
  const initializer = outerVariableDeclaration(decl)?.initializer;
  return initializer !== undefined && isTfjsRequire(initializer);
}

interface TfjsImports {
  namespaces: Set<string>;
  named: Map<string, string>;
}

const tfjsImports = new WeakMap<ts.SourceFile, TfjsImports>();

/** Read once per file: a file of 3,000 losses would otherwise read its statements 3,000 times. */
function tfjsImportsOf(sf: ts.SourceFile): TfjsImports {
  let found = tfjsImports.get(sf);
  if (!found) tfjsImports.set(sf, (found = readTfjsImports(sf)));
  return found;
}

function readTfjsImports(sourceFile: ts.SourceFile): TfjsImports {
  const tfNamespaces = new Set<string>();
  const tfNamed = new Map<string, string>();
  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && TFJS_MODULE.test(statement.moduleSpecifier.text)) {
      const clause = statement.importClause;
      if (clause?.name) tfNamespaces.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) tfNamespaces.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) {
        for (const spec of bindings.elements) tfNamed.set(spec.name.text, (spec.propertyName ?? spec.name).text);
      }
    }
    if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) {
        if (!decl.initializer || !isTfjsRequire(decl.initializer)) continue;
        if (ts.isIdentifier(decl.name)) tfNamespaces.add(decl.name.text);
        else if (ts.isObjectBindingPattern(decl.name)) {
          for (const el of decl.name.elements) {
            if (ts.isIdentifier(el.name)) tfNamed.set(el.name.text, el.propertyName?.getText() ?? el.name.text);
          }
        }
      }
    }
  }
  return { namespaces: tfNamespaces, named: tfNamed };
}
