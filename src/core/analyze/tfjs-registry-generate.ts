// Builds the TfjsRegistry from the installed tfjs: kernel gradients from tfjs's own gradient
// registry (getGradient after importing @tensorflow/tfjs), op → kernel and method → op maps from
// tfjs-core's compiled op sources. Runs at build time; the analyzer reads the JSON it writes.
import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';
import type { CompileNames } from './compile-names';
import type { OpEntry, TfjsRegistry } from './tfjs-registry';

export function generateTfjsRegistry(): TfjsRegistry {
  const coreDir = path.dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
  const dist = path.join(coreDir, 'dist');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- importing tfjs registers all gradients
  const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  const kernels = readKernelNames(path.join(dist, 'kernel_names.js'));
  const gradients: Record<string, boolean> = {};
  for (const kernel of [...kernels.values()].sort()) gradients[kernel] = tf.getGradient(kernel) !== undefined;

  const ops: Record<string, OpEntry> = {};
  for (const file of listJs(path.join(dist, 'ops'))) {
    const folder = path.relative(path.join(dist, 'ops'), path.dirname(file));
    for (const [name, entry] of readOps(file, kernels)) {
      const key = folder === '' ? name : `${folder.split(path.sep).join('.')}.${name}`;
      ops[key] = entry;
    }
  }
  const methods: Record<string, string> = {};
  for (const file of listJs(path.join(dist, 'public', 'chained_ops'))) {
    for (const [method, op] of readChainedOps(file)) methods[method] = op;
  }
  const version = (JSON.parse(fs.readFileSync(path.join(coreDir, 'package.json'), 'utf8')) as { version: string }).version;
  const compile = readCompileNames(Object.keys(ops).filter((op) => op.startsWith('losses.')));
  return { tfjsVersion: version, gradients, ops: sortKeys(ops), methods: sortKeys(methods), compile };
}

/**
 * The strings `compile` accepts, from tfjs-layers' own sources: the keys of `lossesMap` (losses.js)
 * and of `metricsMap` (metrics.js), the aliases `export const mse = meanSquaredError`, and the array
 * literals `['accuracy', 'acc', …]` that training.js tests a metric string against.
 */
function readCompileNames(lossFunctions: string[]): CompileNames {
  const layersDist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-layers/package.json')), 'dist');
  const losses = objectKeys(parse(path.join(layersDist, 'losses.js')), 'lossesMap');
  const lossAliases: Record<string, string> = {};
  for (const statement of parse(path.join(layersDist, 'losses.js')).statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const decl of statement.declarationList.declarations) {
      if (ts.isIdentifier(decl.name) && decl.initializer && ts.isIdentifier(decl.initializer) && losses.includes(decl.initializer.text)) {
        lossAliases[decl.name.text] = decl.initializer.text;
      }
    }
  }
  const metrics = new Set(objectKeys(parse(path.join(layersDist, 'metrics.js')), 'metricsMap'));
  const visit = (node: ts.Node): void => {
    // ['accuracy', 'acc', 'crossentropy', 'ce'].indexOf(metric)
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'indexOf' && ts.isArrayLiteralExpression(node.expression.expression)) {
      const arg = node.arguments[0];
      if (arg && ts.isIdentifier(arg) && arg.text === 'metric') {
        for (const el of node.expression.expression.elements) if (ts.isStringLiteral(el)) metrics.add(el.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(parse(path.join(layersDist, 'engine', 'training.js')));
  const metricFunctions: string[] = [];
  for (const statement of parse(path.join(layersDist, 'exports_metrics.js')).statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) metricFunctions.push(`metrics.${statement.name.text}`);
  }
  return { losses: losses.sort(), lossAliases: sortKeys(lossAliases), metrics: [...metrics].sort(), functions: [...lossFunctions, ...metricFunctions].sort() };
}

/** The property names of `export const NAME = { a, b, … }`. */
function objectKeys(sf: ts.SourceFile, name: string): string[] {
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const decl of statement.declarationList.declarations) {
      if (!ts.isIdentifier(decl.name) || decl.name.text !== name || !decl.initializer || !ts.isObjectLiteralExpression(decl.initializer)) continue;
      return decl.initializer.properties.flatMap((p) => (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? [p.name.text] : []));
    }
  }
  throw new Error(`${name} not found in ${sf.fileName}: tfjs-layers changed its layout`);
}

function listJs(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listJs(full));
    else if (entry.name.endsWith('.js') && !entry.name.endsWith('_test.js')) out.push(full);
  }
  return out.sort();
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
}

/** `export const LessEqual = 'LessEqual';` → identifier → kernel name. */
function readKernelNames(file: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const statement of parse(file).statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const decl of statement.declarationList.declarations) {
      if (ts.isIdentifier(decl.name) && decl.initializer && ts.isStringLiteral(decl.initializer)) {
        names.set(decl.name.text, decl.initializer.text);
      }
    }
  }
  return names;
}

/** `function lessEqual_(…) { … ENGINE.runKernel(LessEqual, …) }  export const lessEqual = op({lessEqual_});` */
function readOps(file: string, kernelNames: Map<string, string>): Array<[string, OpEntry]> {
  const sf = parse(file);
  const bodies = new Map<string, ts.Node>();
  const exported: Array<[string, string]> = [];
  for (const statement of sf.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) bodies.set(statement.name.text, statement);
    if (!ts.isVariableStatement(statement)) continue;
    const isExport = statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    for (const decl of statement.declarationList.declarations) {
      const init = decl.initializer;
      if (!isExport || !ts.isIdentifier(decl.name) || !init || !ts.isCallExpression(init)) continue;
      if (!ts.isIdentifier(init.expression) || init.expression.text !== 'op') continue;
      const arg = init.arguments[0];
      const prop = arg && ts.isObjectLiteralExpression(arg) ? arg.properties[0] : undefined;
      const impl = prop?.name && ts.isIdentifier(prop.name) ? prop.name.text : undefined;
      if (impl) exported.push([decl.name.text, impl]);
    }
  }
  return exported.map(([name, impl]): [string, OpEntry] => {
    const kernels = new Set<string>();
    let customGradient = false;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'runKernel') {
          const first = node.arguments[0];
          // Most ops pass the imported constant (LessEqual); a few pass the name as a string ('Square').
          const kernel = !first ? undefined : ts.isIdentifier(first) ? kernelNames.get(first.text) : ts.isStringLiteral(first) ? first.text : undefined;
          if (kernel) kernels.add(kernel);
        }
        if (ts.isIdentifier(callee) && callee.text === 'customGrad') customGradient = true;
      }
      ts.forEachChild(node, visit);
    };
    const body = bodies.get(impl);
    if (body) visit(body);
    return [name, { kernels: [...kernels].sort(), customGradient }];
  });
}

/** `getGlobalTensorClass().prototype.lessEqual = function (b) { return lessEqual(this, b); };` */
function readChainedOps(file: string): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  for (const statement of parse(file).statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isBinaryExpression(statement.expression)) continue;
    const { left, right } = statement.expression;
    if (!ts.isPropertyAccessExpression(left) || !ts.isFunctionExpression(right)) continue;
    let op: string | undefined;
    const visit = (node: ts.Node): void => {
      if (!op && ts.isCallExpression(node) && node.arguments.some((a) => a.kind === ts.SyntaxKind.ThisKeyword)) {
        op = node.expression.getText();
      }
      ts.forEachChild(node, visit);
    };
    visit(right.body);
    if (op) found.push([left.name.text, op]);
  }
  return found;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
