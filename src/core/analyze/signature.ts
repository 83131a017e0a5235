// LL100–LL103: the loss must be `(yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor`, synchronous.
// Parameter and return types come from the TypeScript checker (JSDoc types in JavaScript).
import ts from 'typescript';
import type { Diagnostic } from '../report';
import { unsetExtraParameters, type LossCandidate } from './discover';
import { diagnostic, spanRange } from './diagnostic';
import { walkChildren } from './syntax';

export interface SignatureContext {
  sourceFile: ts.SourceFile;
  /** The type checker, when the analysis runs with types: LL101, LL102 and a Promise return need it. */
  checker?: ts.TypeChecker;
  tensorType?: ts.Type;
}

export function checkSignature(loss: LossCandidate, ctx: SignatureContext): Diagnostic[] {
  return [...checkParameterCount(loss, ctx), ...checkParameterTypes(loss, ctx), ...checkReturn(loss, ctx)];
}

function checkParameterCount(loss: LossCandidate, { sourceFile }: SignatureContext): Diagnostic[] {
  const params = loss.fn.parameters;
  // tfjs calls a loss with two arguments: extra parameters with a default, optional ones and a rest
  // parameter are fine (tfjs-layers' own `categoricalCrossentropy(target, output, fromLogits = false)`);
  // tf.customGrad adds its `save` function as the last argument.
  const unset = unsetExtraParameters(loss.fn).filter((p) => !(loss.customGrad && p === params[params.length - 1]));
  if (params.length >= 2 && unset.length === 0) return [];
  const names = params.map((p) => p.name.getText());
  const fn = loss.kind === 'factory' ? 'the returned function' : `\`${loss.name}\``;
  if (params.length < 2) {
    const node = params.length === 0 ? loss.nameNode : (params[0] as ts.ParameterDeclaration);
    return [
      diagnostic(sourceFile, node, 'LL100', 'error',
        `${fn} takes ${params.length} parameter${params.length === 1 ? '' : 's'}; tfjs calls a loss with exactly two, (yTrue, yPred). Declare both: \`(yTrue, yPred) => …\`.`),
    ];
  }
  const extra = params.slice(2).map((p) => (p.initializer ? `${p.name.getText()} = ${p.initializer.getText()}` : `${p.name.getText()} = …`));
  const first = params[0] as ts.ParameterDeclaration;
  const last = params[params.length - 1] as ts.ParameterDeclaration;
  const unsetNames = unset.map((p) => `\`${p.name.getText()}\``).join(', ');
  const factoryName = /^[A-Za-z_$][\w$]*$/.test(loss.name) ? loss.name : 'makeLoss';
  return [
    {
      code: 'LL100',
      severity: 'error',
      message:
        `${fn} takes ${params.length} parameters (${names.join(', ')}); tfjs calls a loss with exactly two, (yTrue, yPred), ` +
        `so ${unsetNames} ${unset.length === 1 ? 'is' : 'are'} never set. Give ${unset.length === 1 ? 'it a default' : 'them defaults'}, or move ${unset.length === 1 ? 'it' : 'them'} into a factory: \`export function ${factoryName}(${extra.join(', ')}) { return (${names[0]}, ${names[1]}) => … }\`, and pass \`${factoryName}()\` to compile.`,
      range: spanRange(sourceFile, first.getStart(sourceFile), last.getEnd()),
    },
  ];
}

function checkParameterTypes(loss: LossCandidate, ctx: SignatureContext): Diagnostic[] {
  const { checker, tensorType, sourceFile } = ctx;
  if (!checker || !tensorType) return [];
  const found: Diagnostic[] = [];
  loss.fn.parameters.slice(0, 2).forEach((param, i) => {
    const declared = param.type ?? ts.getJSDocType(param);
    if (!declared) return;
    const type = checker.getTypeAtLocation(param);
    // A narrower tensor type (Tensor2D, Scalar, `T extends Tensor`) is how typed code says its rank:
    // tfjs passes a tensor of that rank when the model's output has it. Only a type that is no
    // tensor at all (number, number[], string) cannot receive what tfjs passes.
    if (isOpen(type) || checker.isTypeAssignableTo(tensorType, type) || checker.isTypeAssignableTo(type, tensorType)) return;
    const role = i === 0 ? 'yTrue' : 'yPred';
    found.push(
      diagnostic(sourceFile, param, 'LL101', 'error',
        `parameter \`${param.name.getText()}\` (${role}) is typed \`${checker.typeToString(type)}\`, which does not accept the tf.Tensor that tfjs passes; type it \`tf.Tensor\`.`),
    );
  });
  return found;
}

function checkReturn(loss: LossCandidate, ctx: SignatureContext): Diagnostic[] {
  const { checker, tensorType, sourceFile } = ctx;
  const fn = loss.fn;
  const asyncKeyword = ts.canHaveModifiers(fn) ? ts.getModifiers(fn)?.find((m) => m.kind === ts.SyntaxKind.AsyncKeyword) : undefined;
  const annotation = fn.type ?? ts.getJSDocReturnType(fn);
  if (asyncKeyword) {
    return [diagnostic(sourceFile, asyncKeyword, 'LL103', 'error', asyncMessage('is async'))];
  }
  // tf.customGrad's function returns {value, gradFunc}; the wrapper tfjs calls returns the tensor.
  if (!checker || loss.customGrad) return [];
  const signature = checker.getSignatureFromDeclaration(fn);
  if (!signature) return [];
  const returnType = checker.getReturnTypeOfSignature(signature);
  const anchor = annotation ?? firstReturn(fn) ?? loss.nameNode;
  if (isPromise(returnType)) {
    return [diagnostic(sourceFile, anchor, 'LL103', 'error', asyncMessage(`returns \`${checker.typeToString(returnType)}\``))];
  }
  if (!tensorType || isOpen(returnType) || checker.isTypeAssignableTo(returnType, tensorType)) return [];
  const shown = checker.typeToString(returnType);
  const what = returnType.flags & ts.TypeFlags.Void ? 'returns nothing' : `returns \`${shown}\``;
  return [
    diagnostic(sourceFile, anchor, 'LL102', 'error',
      `the loss ${what}, but tfjs needs a tf.Tensor to differentiate (a scalar, or one value per sample). Return the tensor itself, e.g. \`tf.mean(tf.square(tf.sub(yTrue, yPred)))\`, not a number read from it.`),
  ];
}

function asyncMessage(what: string): string {
  return `the loss ${what}: tfjs calls it inside its gradient tape and needs a tf.Tensor back at once, not a Promise. Remove \`async\`/\`await\` and compute synchronously with tf ops.`;
}

/** any, unknown and error types say nothing: the checker could not tell. */
function isOpen(type: ts.Type): boolean {
  return (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0;
}

function isPromise(type: ts.Type): boolean {
  const name = type.getSymbol()?.getName();
  return name === 'Promise' || name === 'PromiseLike';
}

function firstReturn(fn: ts.FunctionLikeDeclaration): ts.Node | undefined {
  const body = fn.body;
  if (!body) return undefined;
  if (!ts.isBlock(body)) return body;
  let found: ts.Node | undefined;
  walkChildren(body, (node) => {
    if (found) return false;
    if (ts.isReturnStatement(node)) found = node;
    return !found && !ts.isFunctionLike(node);
  });
  return found;
}
