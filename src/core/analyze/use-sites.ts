// Losses as people use them: a function given as `loss` to a `compile` call (any receiver, also
// `loss: { output: fn }` and `loss: [fn, …]`), inline, a local function, or a factory called there;
// and the use-site checks LL300–LL303 (DESIGN.md "Diagnostic codes"). Pure syntax: the names tfjs
// accepts come from the registry the build reads out of tfjs-layers.
import * as path from 'path';
import ts from 'typescript';
import type { Diagnostic } from '../report';
import { diagnostic } from './diagnostic';
import { readRegularFile } from '../source-file';
import { lineMapOf } from './lines';
import { parseWithinNesting, TooDeeplyNested } from './nesting';
import {
  commonJsFunctions,
  customGradFunction,
  exportedNames,
  functionExpressionText,
  numericValue,
  qualifiesByParameters,
  returnedFunctions,
  type FactoryParam,
  type FunctionLike,
  type LossCandidate,
} from './discover';
import type { Scopes } from './scopes';
import { outerVariableDeclaration, skipOuter, unwrapFunction } from './syntax';
import { closestNames, normalized, type CompileNames } from './compile-names';

export interface UseSiteResult {
  candidates: LossCandidate[];
  diagnostics: Diagnostic[];
  /** Spans (offsets) where a use-site diagnostic already says what TypeScript's error there would. */
  quiet: Array<[number, number]>;
}

interface UseValue {
  role: 'loss' | 'metric';
  value: ts.Expression;
}

/** Reads a module a relative import names, to tell a factory from a loss; undefined when it cannot. */
export type ModuleReader = (fromFile: string, specifier: string) => ts.SourceFile | undefined;

/**
 * The losses `compile` calls use that `known` (found by their exports or tags) does not hold, and the
 * use-site diagnostics when `names` is given. Updates a known factory's parameters with the call site's
 * arguments when `compile` calls it.
 */
export function findUseSites(sf: ts.SourceFile, scopes: Scopes, known: LossCandidate[], names?: CompileNames, readModule: ModuleReader = readRelativeModule): UseSiteResult {
  const candidates: LossCandidate[] = [];
  const diagnostics: Diagnostic[] = [];
  const taken = new Set(known.map((c) => c.name));
  const unique = (name: string): string => {
    let n = name;
    for (let i = 2; taken.has(n); i++) n = `${name}#${i}`;
    taken.add(n);
    return n;
  };
  const quiet: Array<[number, number]> = [];
  const report = (node: ts.Node, code: Diagnostic['code'], severity: Diagnostic['severity'], message: string): void => {
    if (!names) return;
    diagnostics.push(diagnostic(sf, node, code, severity, message));
    // TypeScript says the same at the `loss:` property (TS2322, TS2554), at more length.
    let owner: ts.Node = node;
    while (owner.parent && !ts.isPropertyAssignment(owner) && !ts.isShorthandPropertyAssignment(owner) && !ts.isVariableDeclaration(owner)) owner = owner.parent;
    quiet.push([owner.getStart(sf), owner.getEnd()]);
  };

  /** Whether discovery or an earlier use site already holds a loss or factory like this. */
  const held = (is: (c: LossCandidate) => boolean): boolean => known.some(is) || candidates.some(is);
  /** A function of this file given to compile (or called there by mistake) is the loss meant: checked as one. */
  const addLocalLoss = (id: ts.Identifier, target: ResolvedFunction): void => {
    if (target.external || held((c) => c.fn === target.fn)) return;
    candidates.push({
      name: unique(id.text),
      kind: 'loss',
      declaration: target.declaration,
      nameNode: target.nameNode,
      fn: target.fn,
      factoryParams: [],
      useSite: true,
      reach: id.text,
      roots: [id],
      ...(target.customGrad ? { customGrad: true } : {}),
    });
  };

  for (const { role, value } of compileUses(sf, scopes)) {
    const v = skipOuter(value);
    if (ts.isStringLiteral(v) || ts.isNoSubstitutionTemplateLiteral(v)) {
      if (names) checkName(v, role);
      continue;
    }
    const inline = unwrapFunction(v);
    const wrapped = inline ? undefined : customGradFunction(v);
    if (inline || wrapped) {
      if (role === 'metric') continue; // a metric needs no gradient: not a loss to check
      const fn = (inline ?? wrapped) as FunctionLike;
      const line = lineMapOf(sf).position(v.getStart(sf)).line + 1;
      candidates.push({
        name: unique(`compile@${line}`),
        kind: 'loss',
        declaration: v,
        nameNode: v,
        fn,
        factoryParams: [],
        useSite: true,
        reach: inline ? functionExpressionText(inline) : `(${v.getText(sf)})`,
        roots: [v],
        ...(wrapped ? { customGrad: true } : {}),
      });
      continue;
    }
    if (ts.isIdentifier(v)) {
      // const LOSS = 'mse'; compile({ loss: LOSS })
      const binding = scopes.resolve(v);
      const constant = binding && ts.isVariableDeclaration(binding) && binding.initializer && ts.isVariableDeclarationList(binding.parent) && (binding.parent.flags & ts.NodeFlags.Const) !== 0;
      const init = constant ? skipOuter(binding.initializer as ts.Expression) : undefined;
      if (init && (ts.isStringLiteral(init) || ts.isNoSubstitutionTemplateLiteral(init))) {
        if (names) checkName(init, role);
        continue;
      }
      const target = resolveFunction(v, sf, scopes, readModule);
      if (!target) continue;
      if (isFactoryShape(target.fn)) {
        const code = role === 'loss' ? 'LL301' : 'LL303';
        const param = target.fn.parameters[0]?.name.getText() ?? 'its parameter';
        report(v, code, role === 'loss' ? 'error' : 'warning',
          `\`${v.text}\` is a factory: given uncalled, tfjs calls it with (yTrue, yPred), so \`${param}\` becomes a tensor and the result is a function, not a tensor${role === 'loss' ? '' : ' (the metric fails when training starts)'}. Call it: \`${v.text}()\`.`);
        if (role === 'loss' && !target.external && !held((c) => c.factory === target.fn) && target.fn.parameters.every((p) => p.initializer)) {
          candidates.push(factoryCandidate(unique(v.text), v, target.fn, [], sf, v.text, [v]));
        }
        continue;
      }
      if (role === 'loss') addLocalLoss(v, target);
      continue;
    }
    if (ts.isCallExpression(v)) {
      const callee = skipOuter(v.expression);
      if (!ts.isIdentifier(callee)) continue;
      const target = resolveFunction(callee, sf, scopes, readModule);
      if (!target) continue;
      if (!isFactoryShape(target.fn)) {
        report(v, role === 'loss' ? 'LL302' : 'LL303', role === 'loss' ? 'error' : 'warning',
          `\`${callee.text}\` is a ${role === 'loss' ? 'loss' : 'loss or metric'} function, and \`${v.getText(sf)}\` calls it once, when compile runs, instead of handing it to tfjs. Pass the function itself: \`${role === 'loss' ? 'loss' : 'metrics'}: ${callee.text}\`.`);
        if (role === 'loss') addLocalLoss(callee, target);
        continue;
      }
      if (role === 'metric') continue;
      const existing = known.find((c) => c.factory === target.fn);
      // `focal()` with no arguments is the factory with its defaults: one entry is enough.
      if (v.arguments.length === 0 && held((c) => c.factory === target.fn && c.factoryParams.every((p, i) => p.defaultText === target.fn.parameters[i]?.initializer?.getText()))) continue;
      const line = lineMapOf(sf).position(v.getStart(sf)).line + 1;
      const literalCall = v.arguments.length === 0 || v.arguments.every((a) => numericValue(a) !== undefined || isPlainLiteral(a));
      if (existing && literalCall && !existing.useSite) {
        // The factory this file exports is checked with the arguments `compile` gives it.
        const updated = factoryCandidate(existing.name, v, target.fn, v.arguments, sf, callee.text, [v, ...existing.roots]);
        Object.assign(existing, { factoryParams: updated.factoryParams, reach: updated.reach, roots: updated.roots, useSite: true, needsArguments: undefined });
        continue;
      }
      candidates.push({
        ...factoryCandidate(unique(existing ? `${callee.text}@${line}` : callee.text), v, target.fn, v.arguments, sf, callee.text, [v]),
        ...(target.external ? { external: true, declaration: v, nameNode: callee } : {}),
      });
    }
  }
  return { candidates, diagnostics, quiet };

  function checkName(literal: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral, role: 'loss' | 'metric'): void {
    const compileNames = names as CompileNames;
    const valid = role === 'loss' ? compileNames.losses : compileNames.metrics;
    if (valid.includes(literal.text)) return;
    const suggestions = closestNames(literal.text, role, compileNames);
    const fn = compileNames.functions.find((f) => normalized(f.split('.').pop() ?? f).startsWith(normalized(literal.text)) && literal.text.length >= 3);
    const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?` : fn ? ` tfjs has no such name, but has the function \`tf.${fn}\`: pass it, \`${role === 'loss' ? `loss: tf.${fn}` : `metrics: [tf.${fn}]`}\`.` : '';
    const list = suggestions.length > 0 ? '' : ` Valid names: ${valid.join(', ')}.`;
    if (role === 'loss') {
      report(literal, 'LL300', 'error', `tfjs knows no loss named '${literal.text}': model.compile throws "Unknown loss ${literal.text}".${hint}${list}`);
    } else {
      report(literal, 'LL303', 'warning', `tfjs knows no metric named '${literal.text}': model.compile throws "Unknown metric ${literal.text}".${hint}${list}`);
    }
  }
}

function isPlainLiteral(e: ts.Expression): boolean {
  const x = skipOuter(e);
  return ts.isStringLiteral(x) || x.kind === ts.SyntaxKind.TrueKeyword || x.kind === ts.SyntaxKind.FalseKeyword || x.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(x) && x.text === 'undefined');
}

/** A function that returns a function and is not itself shaped like a loss. */
function isFactoryShape(fn: FunctionLike): boolean {
  return !qualifiesByParameters(fn) && returnedFunctions(fn).length > 0;
}

/** A factory checked with the call site's arguments: reached through a wrapper whose defaults are those arguments. */
function factoryCandidate(name: string, node: ts.Node, factory: FunctionLike, args: readonly ts.Expression[], sf: ts.SourceFile, calleeText: string, roots: ts.Node[]): LossCandidate {
  const factoryParams = factory.parameters.map((p, i): FactoryParam => {
    const arg = args[i];
    const given = arg && !(ts.isIdentifier(arg) && arg.text === 'undefined') ? arg : undefined;
    const source = given ?? p.initializer;
    const value = source ? numericValue(source) : undefined;
    return { name: ts.isIdentifier(p.name) ? p.name.text : `arg${i}`, defaultText: source ? source.getText(source.getSourceFile()) : 'undefined', ...(value === undefined ? {} : { value }) };
  });
  // Unset parameters are passed as undefined, so that the factory's own defaults apply.
  const params = factory.parameters.map((_, i) => {
    const arg = args[i];
    return `p${i} = ${arg ? `(${arg.getText(sf)})` : 'undefined'}`;
  });
  const forwarded = factory.parameters.map((_, i) => `p${i}`);
  const returned = returnedFunctions(factory)[0] ?? factory;
  return {
    name,
    kind: 'factory',
    declaration: node,
    nameNode: node,
    fn: returned,
    factory,
    factoryParams,
    useSite: true,
    reach: `((${params.join(', ')}) => ${calleeText}(${forwarded.join(', ')}))`,
    roots,
  };
}

interface ResolvedFunction {
  fn: FunctionLike;
  declaration: ts.Node;
  nameNode: ts.Node;
  customGrad?: boolean;
  /** Declared in another module. */
  external?: boolean;
}

/** The function an identifier names: declared in this file, or exported by a relative module it imports. */
function resolveFunction(id: ts.Identifier, sf: ts.SourceFile, scopes: Scopes, readModule: ModuleReader): ResolvedFunction | undefined {
  const binding = scopes.resolve(id);
  if (!binding) return undefined;
  if (ts.isFunctionDeclaration(binding) && binding.body) return { fn: binding, declaration: declarationStatement(binding), nameNode: binding.name ?? binding };
  if (ts.isVariableDeclaration(binding) && binding.initializer) {
    const fn = unwrapFunction(binding.initializer);
    if (fn) return { fn, declaration: declarationStatement(binding), nameNode: binding.name };
    const wrapped = customGradFunction(binding.initializer);
    if (wrapped) return { fn: wrapped, declaration: declarationStatement(binding), nameNode: binding.name, customGrad: true };
    return undefined;
  }
  if (ts.isBindingElement(binding) || ts.isVariableDeclaration(binding)) {
    // const { huber } = require('./losses');
    const initializer = outerVariableDeclaration(binding)?.initializer;
    const init = initializer && skipOuter(initializer);
    const spec = init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require' ? init.arguments[0] : undefined;
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.') || !ts.isBindingElement(binding)) return undefined;
    const other = readModule(sf.fileName, spec.text);
    const exported = (binding.propertyName ?? binding.name).getText();
    const fn = other && exportedFunction(other, exported);
    return fn ? { fn, declaration: fn, nameNode: fn, external: true } : undefined;
  }
  if (ts.isImportSpecifier(binding) || ts.isImportClause(binding)) {
    const decl = ts.isImportClause(binding) ? binding.parent : binding.parent.parent.parent;
    if (!ts.isStringLiteral(decl.moduleSpecifier) || !decl.moduleSpecifier.text.startsWith('.')) return undefined;
    const other = readModule(sf.fileName, decl.moduleSpecifier.text);
    if (!other) return undefined;
    const exported = ts.isImportClause(binding) ? 'default' : (binding.propertyName ?? binding.name).text;
    const fn = exportedFunction(other, exported);
    return fn ? { fn, declaration: fn, nameNode: fn, external: true } : undefined;
  }
  return undefined;
}

/** The statement a declaration belongs to (a variable statement for a `const`). */
function declarationStatement(node: ts.Node): ts.Node {
  if (ts.isVariableDeclaration(node) && ts.isVariableDeclarationList(node.parent) && ts.isVariableStatement(node.parent.parent)) return node.parent.parent;
  return node;
}

/** A function a module exports under `name`, read by the same rules discovery reads exports with. */
function exportedFunction(sf: ts.SourceFile, name: string): FunctionLike | undefined {
  const exported = exportedNames(sf);
  for (const statement of sf.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.body) {
      if (exported.get(statement.name?.text ?? 'default') === name) return statement;
    } else if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) {
        const fn = decl.initializer && (unwrapFunction(decl.initializer) ?? customGradFunction(decl.initializer));
        if (fn && ts.isIdentifier(decl.name) && exported.get(decl.name.text) === name) return fn;
      }
    } else if (ts.isExportAssignment(statement) && name === 'default') {
      const fn = unwrapFunction(statement.expression);
      if (fn) return fn;
    } else if (ts.isExpressionStatement(statement)) {
      // CommonJS functions written inline: exports.name = (…) => …, module.exports = { name(…) { … } }.
      const found = commonJsFunctions(statement.expression).find(([exportedAs]) => exportedAs === name);
      if (found) return found[1];
    }
  }
  return undefined;
}

const MODULE_EXTENSIONS = ['', '.ts', '.tsx', '.mts', '.js', '.mjs', '.jsx', '/index.ts', '/index.js'];

/** A relative module read from disk: a regular file of at most 1 MB, parsed for its syntax only. */
export function readRelativeModule(fromFile: string, specifier: string): ts.SourceFile | undefined {
  const base = path.resolve(path.dirname(fromFile), specifier);
  const stripped = base.replace(/\.(js|mjs|cjs)$/, '');
  for (const candidate of [...MODULE_EXTENSIONS.map((e) => base + e), ...MODULE_EXTENSIONS.slice(1).map((e) => stripped + e)]) {
    const read = readRegularFile(candidate);
    // Missing (not this extension), or not a regular file of at most 1 MB: not looked into.
    if (!read || !('text' in read)) continue;
    const kind = /\.[cm]?jsx?$/.test(candidate) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
    try {
      return parseWithinNesting(candidate, read.text, kind);
    } catch (error) {
      if (error instanceof TooDeeplyNested) return undefined;
      throw error;
    }
  }
  return undefined;
}

/** The values given as `loss` and `metrics` to `compile` calls, flattened out of arrays and per-output objects. */
function compileUses(sf: ts.SourceFile, scopes: Scopes): UseValue[] {
  const uses: UseValue[] = [];
  // Most loss modules say neither: no walk for them (the lint pass runs on every keystroke).
  if (!/\bloss\b/.test(sf.text)) return uses;
  const stack: ts.Node[] = [sf];
  const seen = new Set<ts.ObjectLiteralExpression>();
  // Outside a compile call, an object with both `optimizer` and `loss` is a compile config built
  // elsewhere (`return { optimizer, loss: …, metrics }`), where the file uses tfjs.
  const usesTfjs = /@tensorflow\/tfjs|\btf\.(sequential|model|layers|train)\b/.test(sf.text);
  while (stack.length > 0) {
    const node = stack.pop() as ts.Node;
    const options = ts.isCallExpression(node) ? compileOptions(node, scopes) : usesTfjs && ts.isObjectLiteralExpression(node) && isCompileConfig(node) ? node : undefined;
    if (options && !seen.has(options)) {
      seen.add(options);
      for (const prop of options.properties) {
        const key = propertyKey(prop);
        const role = key === 'loss' ? 'loss' : key === 'metrics' ? 'metric' : undefined;
        if (!role) continue;
        const value = ts.isPropertyAssignment(prop) ? prop.initializer : ts.isShorthandPropertyAssignment(prop) ? prop.name : undefined;
        if (value) for (const v of flatten(value)) uses.push({ role, value: v });
      }
    }
    const children: ts.Node[] = [];
    ts.forEachChild(node, (child) => {
      children.push(child);
    });
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as ts.Node);
  }
  return uses;
}

/** `loss` in `{ loss: … }` and `{ 'loss': … }`. */
function propertyKey(prop: ts.ObjectLiteralElementLike): string | undefined {
  return prop.name && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name)) ? prop.name.text : undefined;
}

function isCompileConfig(object: ts.ObjectLiteralExpression): boolean {
  const keys = new Set(object.properties.map(propertyKey));
  return keys.has('loss') && keys.has('optimizer');
}

/** `x.compile({ … })`, or `x.compile(config)` with `const config = { … }`. */
function compileOptions(call: ts.CallExpression, scopes: Scopes): ts.ObjectLiteralExpression | undefined {
  const callee = skipOuter(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'compile') return undefined;
  const arg = call.arguments[0] && skipOuter(call.arguments[0]);
  if (!arg) return undefined;
  if (ts.isObjectLiteralExpression(arg)) return arg;
  if (ts.isIdentifier(arg)) {
    const binding = scopes.resolve(arg);
    const init = binding && ts.isVariableDeclaration(binding) && binding.initializer ? skipOuter(binding.initializer) : undefined;
    if (init && ts.isObjectLiteralExpression(init)) return init;
  }
  return undefined;
}

function flatten(value: ts.Expression): ts.Expression[] {
  const v = skipOuter(value);
  if (ts.isConditionalExpression(v)) return [...flatten(v.whenTrue), ...flatten(v.whenFalse)];
  if (ts.isArrayLiteralExpression(v)) return v.elements.filter((e) => !ts.isSpreadElement(e) && !ts.isOmittedExpression(e)).flatMap(flatten);
  if (ts.isObjectLiteralExpression(v)) {
    return v.properties.flatMap((p) => (ts.isPropertyAssignment(p) ? flatten(p.initializer) : ts.isShorthandPropertyAssignment(p) ? [p.name] : []));
  }
  return [v];
}
