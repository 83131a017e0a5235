// Loss discovery (DESIGN.md "Loss discovery", a contract): exported or `@loss`-tagged functions whose
// first two parameters are typed Tensor or named like yTrue/yPred, and factories that return one.
import ts from 'typescript';
import type { LossKind } from '../report';
import { METRIC_NAME, PRED_NAMES, TENSOR_TYPE, TRUE_NAMES } from './loss-names';
import { skipOuter, unwrapFunction, walkChildren } from './syntax';

export type FunctionLike = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;

export interface FactoryParam {
  name: string;
  /** The default as written (`1.0`, `[1, 1]`). */
  defaultText: string;
  /** The default's value when it is a number literal; numeric parameters become sliders. */
  value?: number;
}

export interface LossCandidate {
  name: string;
  kind: LossKind;
  /** The statement or property that declares it: its range is the loss's range. */
  declaration: ts.Node;
  /** The node to point at for the loss as a whole (its name). */
  nameNode: ts.Node;
  /** The function called with (yTrue, yPred): the declaration itself, or what a factory returns. */
  fn: FunctionLike;
  /** The factory whose defaults produce `fn`. */
  factory?: FunctionLike;
  factoryParams: FactoryParam[];
  /** How a module importing the file reaches it; undefined for a `@loss` function that is not exported. */
  exportName?: string;
  /** The value of a `@lossTask` JSDoc tag. */
  taskTag?: string;
  /** Found where `compile` uses it (inline, a local function, a factory called there), not by an export. */
  useSite?: boolean;
  /** The JavaScript expression, in the module's top-level scope, that gives the loss (or factory) when the file is run as a slice. */
  reach: string;
  /** The nodes whose free names the slice must provide (the function, the factory, the class). */
  roots: ts.Node[];
  /** `tf.customGrad(…)` wraps it: its extra `save` parameter and `{value, gradFunc}` result are tfjs's contract, and its gradient is its own. */
  customGrad?: boolean;
  /** The function lives in another file (an imported factory called here): it is linted there, only run here. */
  external?: boolean;
  /** A factory's parameters that have no default: it makes no loss until compile calls it with them. */
  needsArguments?: string[];
  /** An instance method whose class's constructor needs these arguments: no instance can be made to run it. */
  needsInstance?: string[];
}

export function findLosses(sf: ts.SourceFile): LossCandidate[] {
  const exports = exportedNames(sf);
  // A browser or Node script with no exports: its top-level functions are what the page or the rest
  // of the script uses, so one shaped like a loss (and called with two arguments) is one.
  const script = isScript(sf);
  const found: LossCandidate[] = [];
  const consider = (
    name: string,
    fn: FunctionLike,
    declaration: ts.Node,
    nameNode: ts.Node,
    tagged: ts.Node,
    exportName = exports.get(name),
    visible = exportName !== undefined,
    extra: Partial<Pick<LossCandidate, 'reach' | 'roots' | 'customGrad'>> = {},
  ): void => {
    // `export function \n (yTrue, yPred)`: the parser fills in a missing name; its LL001 reports the
    // function, which is not a loss named "".
    if (ts.isIdentifier(nameNode) && nameNode.text === '') return;
    const isTagged = hasTag(tagged, 'loss');
    if (!visible && !isTagged && !(script && takesTwoArguments(fn) && qualifiesByParameters(fn))) return;
    // Metrics share the signature, but need no gradient (tfjs-layers' binaryAccuracy compares with
    // `equal`): by name they are not losses, unless tagged @loss or given to compile as the loss.
    if (!isTagged && METRIC_NAME.test(name) && !/loss/i.test(name)) return;
    const candidate: Pick<LossCandidate, 'kind' | 'fn' | 'factory' | 'factoryParams'> | undefined = asLoss(fn, isTagged) ?? asFactory(fn, isTagged);
    if (!candidate) return;
    const taskTag = tagText(tagged, 'lossTask');
    found.push({ name, declaration, nameNode, exportName, taskTag, ...candidate, ...reachOf(name, declaration, candidate.factory ?? fn), ...extra });
  };

  for (const statement of sf.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.body) {
      const name = statement.name?.text ?? 'default';
      consider(name, statement, statement, statement.name ?? statement, statement);
    } else if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) {
        const fn = decl.initializer && unwrapFunction(decl.initializer);
        if (fn && ts.isIdentifier(decl.name)) consider(decl.name.text, fn, statement, decl.name, decl);
        // export const losses = { mse(yTrue, yPred) { … }, mae: (yTrue, yPred) => … };
        const object = decl.initializer && skipOuter(decl.initializer);
        if (object && ts.isObjectLiteralExpression(object) && ts.isIdentifier(decl.name) && exports.has(decl.name.text)) {
          for (const prop of object.properties) {
            const member = ts.isMethodDeclaration(prop) && prop.body ? prop : ts.isPropertyAssignment(prop) ? unwrapFunction(prop.initializer) : undefined;
            if (!member || !prop.name || !(ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name))) continue;
            consider(`${decl.name.text}.${prop.name.text}`, member, prop, prop.name, prop, undefined, true, {
              reach: `${decl.name.text}[${JSON.stringify(prop.name.text)}]`,
              roots: [statement],
            });
          }
        }
        const wrapped = decl.initializer && customGradFunction(decl.initializer);
        if (wrapped && ts.isIdentifier(decl.name)) consider(decl.name.text, wrapped, statement, decl.name, decl, undefined, undefined, { customGrad: true });
      }
    } else if (ts.isClassDeclaration(statement) && statement.name) {
      // A class method tagged @loss, or a static one shaped like a loss in an exported class: static
      // ones are reached through the class, others through an instance.
      const className = statement.name.text;
      const classExported = exports.has(className);
      for (const member of statement.members) {
        if (!ts.isMethodDeclaration(member) || !member.body || !ts.isIdentifier(member.name)) continue;
        const isStatic = ts.getModifiers(member)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword) ?? false;
        const tagged = hasTag(member, 'loss');
        const shaped = qualifiesByParameters(member) && takesTwoArguments(member) && !METRIC_NAME.test(member.name.text);
        if (!tagged && !((classExported || script) && shaped)) continue;
        const candidate = asLoss(member, true);
        if (!candidate) continue;
        const method = member.name.text;
        const reach = isStatic ? `${className}.${method}` : `((o) => o.${method}.bind(o))(new ${className}())`;
        const taskTag = tagText(member, 'lossTask');
        // An instance method runs on an instance made with no arguments; a constructor that needs some makes none.
        const ctor = statement.members.find(ts.isConstructorDeclaration);
        const needed = isStatic ? [] : (ctor?.parameters ?? []).filter(isUnsetWhenOmitted).map((p) => p.name.getText());
        found.push({
          name: `${className}.${method}`,
          declaration: member,
          nameNode: member.name,
          taskTag,
          ...candidate,
          reach,
          roots: [statement],
          ...(needed.length > 0 ? { needsInstance: needed } : {}),
        });
      }
    } else if (ts.isExpressionStatement(statement)) {
      // CommonJS: exports.mse = (yTrue, yPred) => …;  module.exports = { mae(yTrue, yPred) { … } };
      for (const [name, fn, nameNode] of commonJsFunctions(statement.expression)) consider(name, fn, statement, nameNode, statement, name);
    } else if (ts.isExportAssignment(statement)) {
      const fn = unwrapFunction(statement.expression);
      if (fn) consider('default', fn, statement, statement, statement, 'default');
    }
  }
  return found;
}

/** How a slice of the module reaches a loss found by its declaration: by its name, or by its own text. */
function reachOf(name: string, declaration: ts.Node, fn: FunctionLike): Pick<LossCandidate, 'reach' | 'roots'> {
  if ((ts.isFunctionDeclaration(declaration) && declaration.name) || ts.isVariableStatement(declaration)) return { reach: name, roots: [declaration] };
  return { reach: functionExpressionText(fn), roots: [fn] };
}

/** A function as an expression: `(function (…) {…})`, `((a, b) => …)`, `({ m(…) {…} }).m`. */
export function functionExpressionText(fn: FunctionLike): string {
  const sf = fn.getSourceFile();
  if (ts.isMethodDeclaration(fn)) return `({ ${fn.getText(sf)} })[${JSON.stringify(fn.name.getText(sf))}]`;
  if (ts.isFunctionDeclaration(fn)) {
    // `export default function (…) {…}`: the text from the parameters on, without the modifiers.
    const isAsync = ts.getModifiers(fn)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) ?? false;
    return `(${isAsync ? 'async ' : ''}function ${sf.text.slice(fn.parameters.pos - 1, fn.end)})`;
  }
  return `(${fn.getText(sf)})`;
}

/** `tf.customGrad((yTrue, yPred, save) => …)`: the function it wraps. */
export function customGradFunction(expr: ts.Expression): FunctionLike | undefined {
  const e = skipOuter(expr);
  if (!ts.isCallExpression(e)) return undefined;
  const callee = skipOuter(e.expression);
  const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
  const arg = e.arguments[0];
  return name === 'customGrad' && arg ? unwrapFunction(arg) : undefined;
}

function asLoss(fn: FunctionLike, tagged: boolean): Pick<LossCandidate, 'kind' | 'fn' | 'factoryParams'> | undefined {
  return tagged || qualifiesByParameters(fn) ? { kind: 'loss', fn, factoryParams: [] } : undefined;
}

/** The parameters after the second that a call with (yTrue, yPred) leaves unset: no default, not optional, not rest. */
export function unsetExtraParameters(fn: FunctionLike): ts.ParameterDeclaration[] {
  return fn.parameters.slice(2).filter(isUnsetWhenOmitted);
}

/** A parameter that has no value when its argument is left out: no default, not optional, not rest. */
function isUnsetWhenOmitted(p: ts.ParameterDeclaration): boolean {
  return !p.initializer && !p.questionToken && !p.dotDotDotToken;
}

/** Called with (yTrue, yPred), every parameter gets a value. */
function takesTwoArguments(fn: FunctionLike): boolean {
  return unsetExtraParameters(fn).length === 0;
}

/** No ES module syntax and no CommonJS exports: a script whose top-level names are its interface. */
function isScript(sf: ts.SourceFile): boolean {
  if (/\b(module\.exports|exports\.\w+\s*=)/.test(sf.text)) return false;
  return !sf.statements.some(
    (s) => ts.isImportDeclaration(s) || ts.isExportDeclaration(s) || ts.isExportAssignment(s) || (ts.canHaveModifiers(s) && (ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false)),
  );
}

function asFactory(fn: FunctionLike, tagged: boolean): Pick<LossCandidate, 'kind' | 'fn' | 'factory' | 'factoryParams' | 'needsArguments'> | undefined {
  if (fn.parameters.some((p) => p.dotDotDotToken)) return undefined;
  const returned = returnedFunctions(fn).find((inner) => qualifiesByParameters(inner) || tagged);
  if (!returned) return undefined;
  const factoryParams = fn.parameters.map((p): FactoryParam => {
    const init = p.initializer;
    const value = init && numericValue(init);
    return { name: p.name.getText(), defaultText: init?.getText() ?? 'undefined', ...(value === undefined ? {} : { value }) };
  });
  // A factory with a parameter that has no default makes no loss on its own (`weighted(posWeight)`):
  // it is linted, and run where compile calls it with an argument.
  const needsArguments = fn.parameters.filter(isUnsetWhenOmitted).map((p) => p.name.getText());
  return { kind: 'factory', fn: returned, factory: fn, factoryParams, ...(needsArguments.length > 0 ? { needsArguments } : {}) };
}

/** The first two parameters are typed as tensors or named like yTrue and yPred. */
export function qualifiesByParameters(fn: FunctionLike): boolean {
  const [first, second] = fn.parameters;
  if (!first || !second) return false;
  return looksLike(first, TRUE_NAMES) && looksLike(second, PRED_NAMES);
}

function looksLike(param: ts.ParameterDeclaration, names: RegExp): boolean {
  if (ts.isIdentifier(param.name) && names.test(param.name.text)) return true;
  const type = param.type ?? ts.getJSDocType(param);
  return type !== undefined && TENSOR_TYPE.test(type.getText());
}

/** Functions a factory returns: `return (yTrue, yPred) => …`, `=> (yTrue, yPred) => …`, or a named inner function. */
export function returnedFunctions(fn: FunctionLike): FunctionLike[] {
  const body = fn.body;
  if (!body) return [];
  if (!ts.isBlock(body)) {
    const direct = unwrapFunction(body);
    return direct ? [direct] : [];
  }
  const locals = new Map<string, FunctionLike>();
  const returns: ts.Expression[] = [];
  walkChildren(body, (node) => {
    if (ts.isFunctionDeclaration(node) && node.name && node.body) locals.set(node.name.text, node);
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      const local = unwrapFunction(node.initializer);
      if (local) locals.set(node.name.text, local);
    }
    if (ts.isReturnStatement(node) && node.expression) returns.push(node.expression);
    // Returns of nested functions are theirs, not the factory's.
    return !ts.isFunctionLike(node);
  });
  const result: FunctionLike[] = [];
  for (const expr of returns) {
    const direct = unwrapFunction(expr);
    if (direct) result.push(direct);
    else if (ts.isIdentifier(expr) && locals.has(expr.text)) result.push(locals.get(expr.text) as FunctionLike);
  }
  return result;
}

/** Local name → exported name, from `export` modifiers, `export { a as b }` and CommonJS assignments. */
export function exportedNames(sf: ts.SourceFile): Map<string, string> {
  const names = new Map<string, string>();
  for (const statement of sf.statements) {
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
    const isExport = modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
    const isDefault = modifiers?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) ?? false;
    if (ts.isFunctionDeclaration(statement) && isExport) {
      names.set(statement.name?.text ?? 'default', isDefault ? 'default' : (statement.name?.text ?? 'default'));
    } else if (ts.isClassDeclaration(statement) && isExport && statement.name) {
      names.set(statement.name.text, isDefault ? 'default' : statement.name.text);
    } else if (ts.isVariableStatement(statement) && isExport) {
      for (const decl of statement.declarationList.declarations) {
        if (ts.isIdentifier(decl.name)) names.set(decl.name.text, decl.name.text);
      }
    } else if (ts.isExportDeclaration(statement) && !statement.moduleSpecifier && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const spec of statement.exportClause.elements) names.set((spec.propertyName ?? spec.name).getText(), spec.name.getText());
    } else if (ts.isExportAssignment(statement)) {
      if (ts.isIdentifier(statement.expression)) names.set(statement.expression.text, 'default');
      else names.set('default', 'default');
    } else if (ts.isExpressionStatement(statement)) {
      for (const [exported, local] of commonJsExports(statement.expression)) names.set(local, exported);
    }
  }
  return names;
}

function isModuleExports(e: ts.Expression): boolean {
  return ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'module' && e.name.text === 'exports';
}

/** `exports.x = …` / `module.exports.x = …` → 'x'; `module.exports = …` → 'default'. */
function commonJsTarget(left: ts.Expression): string | undefined {
  if (isModuleExports(left)) return 'default';
  if (!ts.isPropertyAccessExpression(left)) return undefined;
  const owner = left.expression;
  if ((ts.isIdentifier(owner) && owner.text === 'exports') || isModuleExports(owner)) return left.name.text;
  return undefined;
}

/** [exported name, local name] pairs for exports of local identifiers. */
function commonJsExports(expr: ts.Expression): Array<[string, string]> {
  if (!ts.isBinaryExpression(expr) || expr.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return [];
  const target = commonJsTarget(expr.left);
  if (target === undefined) return [];
  const right = expr.right;
  if (ts.isIdentifier(right)) return [[target, right.text]];
  if (target !== 'default' || !ts.isObjectLiteralExpression(right)) return [];
  const pairs: Array<[string, string]> = [];
  for (const prop of right.properties) {
    if (ts.isShorthandPropertyAssignment(prop)) pairs.push([prop.name.text, prop.name.text]);
    else if (ts.isPropertyAssignment(prop) && ts.isIdentifier(prop.initializer)) pairs.push([prop.name.getText(), prop.initializer.text]);
  }
  return pairs;
}

/** Functions written inline in CommonJS exports: [exported name, function, name node]. */
export function commonJsFunctions(expr: ts.Expression): Array<[string, FunctionLike, ts.Node]> {
  if (!ts.isBinaryExpression(expr) || expr.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return [];
  const target = commonJsTarget(expr.left);
  if (target === undefined) return [];
  const direct = unwrapFunction(expr.right);
  if (direct) return [[target, direct, expr.left]];
  if (target !== 'default' || !ts.isObjectLiteralExpression(expr.right)) return [];
  const found: Array<[string, FunctionLike, ts.Node]> = [];
  for (const prop of expr.right.properties) {
    if (ts.isMethodDeclaration(prop) && prop.body) found.push([prop.name.getText(), prop, prop.name]);
    else if (ts.isPropertyAssignment(prop)) {
      const fn = unwrapFunction(prop.initializer);
      if (fn) found.push([prop.name.getText(), fn, prop.name]);
    }
  }
  return found;
}

export function hasTag(node: ts.Node, tag: string): boolean {
  return ts.getJSDocTags(node).some((t) => t.tagName.text === tag);
}

function tagText(node: ts.Node, tag: string): string | undefined {
  const found = ts.getJSDocTags(node).find((t) => t.tagName.text === tag);
  if (!found) return undefined;
  const comment = typeof found.comment === 'string' ? found.comment : ts.getTextOfJSDocComment(found.comment);
  return comment?.trim().split(/\s+/)[0];
}

export function numericValue(expr: ts.Expression): number | undefined {
  if (ts.isNumericLiteral(expr)) return Number(expr.text);
  if (ts.isPrefixUnaryExpression(expr) && ts.isNumericLiteral(expr.operand)) {
    if (expr.operator === ts.SyntaxKind.MinusToken) return -Number(expr.operand.text);
    if (expr.operator === ts.SyntaxKind.PlusToken) return Number(expr.operand.text);
  }
  return undefined;
}
