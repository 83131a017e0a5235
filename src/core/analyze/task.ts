// Which task preset a loss is checked with (DESIGN.md "Task presets"): the `@lossTask` tag, else the
// task asked for, else what the body does (taskFromBody). A tag may also give the sample shape:
// `@lossTask categorical [8, 10]` is a batch of 8 with 10 classes.
import ts from 'typescript';
import { TASKS, type Task } from '../report';
import type { LossScope } from './loss-scope';
import { walkTree } from './syntax';

export type TaskOption = Task | 'auto';

export function isTask(value: string | undefined): value is Task {
  return (TASKS as readonly string[]).includes(value ?? '');
}

export function chooseTask(scope: LossScope, tag: string | undefined, option: TaskOption): Task {
  if (isTask(tag)) return tag;
  if (option !== 'auto') return option;
  return taskFromBody(scope);
}

/** Ops that take independent probabilities or make them: a sigmoid output. */
const BINARY_OPS = new Set(['sigmoid', 'logSigmoid', 'losses.logLoss', 'losses.sigmoidCrossEntropy', 'losses.hingeLoss', 'metrics.binaryCrossentropy', 'metrics.binaryAccuracy']);
/** Ops that take or make rows of class probabilities. */
const CLASS_OPS = new Set(['softmax', 'logSoftmax', 'losses.softmaxCrossEntropy', 'metrics.categoricalCrossentropy', 'metrics.categoricalAccuracy']);
const SPARSE_OPS = new Set(['oneHot', 'metrics.sparseCategoricalCrossentropy', 'metrics.sparseCategoricalAccuracy']);
const SPATIAL_OPS = new Set(['conv2d', 'depthwiseConv2d', 'separableConv2d', 'maxPool', 'avgPool', 'image.resizeBilinear', 'image.resizeNearestNeighbor']);

interface Signals {
  binary: boolean;
  classes: boolean;
  sparse: boolean;
  spatial: boolean;
  /** A log or a clip to (0, 1): probabilities of some kind. */
  probabilities: boolean;
  /** yTrue times yPred under a max(0, ·) or relu: a margin (hinge) loss on labels. */
  margin: boolean;
  /** 1 − yTrue: labels are 0 or 1 (contrastive, hand-written cross-entropies). */
  labels01: boolean;
  /** A sum of yTrue·yPred divided by sums, with no norm: an overlap (Dice, Tversky, Jaccard). */
  overlap: boolean;
}

const NORM_OPS = new Set(['sqrt', 'norm', 'euclideanNorm', 'l2Normalize', 'losses.cosineDistance', 'rsqrt']);

/**
 * auto, from the ops (DESIGN.md "Task presets"): sigmoid or log(1 − p) → binary; softmax,
 * logSoftmax or a log summed over the last axis → categorical; oneHot or a gather by integer labels →
 * sparse; conv2d or sums over axes 1..3 → segmentation; a margin max(0, 1 − yTrue·yPred), 1 − yTrue,
 * an overlap Σ yTrue·yPred / Σ … (Dice), any other log or a clip to (0, 1) → binary; else regression. When the preset chosen does not run,
 * the runtime tries the others (see run/worker.ts).
 */
function taskFromBody(scope: LossScope): Task {
  const s: Signals = { binary: false, classes: false, sparse: false, spatial: false, probabilities: false, margin: false, labels01: false, overlap: false };
  let maxOrRelu = false;
  let truthTimesPred = false;
  let summedProduct = false;
  let division = false;
  let norm = false;
  scope.forEachNode((node) => {
    if (!ts.isCallExpression(node)) return;
    const call = scope.tfCall(node);
    if (!call) return;
    const op = call.op ?? call.name;
    const args = node.arguments;
    const operands = call.receiver ? [call.receiver, ...args] : [...args];
    if (BINARY_OPS.has(op)) s.binary = true;
    if (CLASS_OPS.has(op)) s.classes = true;
    if (SPATIAL_OPS.has(op)) s.spatial = true;
    if (SPARSE_OPS.has(op) && (op !== 'oneHot' || call.inputs.some((input) => scope.fromTruth(input)))) s.sparse = true;
    if (op === 'gather' && operands.slice(1).some((input) => scope.fromTruth(input))) s.sparse = true;
    // log1p(x) of a square or a residual is a robust regression loss (Cauchy, MSLE); log1p(−p) is log(1 − p).
    if (op === 'log') s.probabilities = true;
    if ((op === 'log' && operands.some(isOneMinus)) || (op === 'log1p' && operands.some(isNegation))) s.binary = true;
    if (op === 'clipByValue' && isUnitInterval(operands.slice(1))) s.probabilities = true;
    if ((op === 'sum' || op === 'mean') && args.some(isSpatialAxes)) s.spatial = true;
    if (op === 'sum' && args.some(isLastAxis) && call.inputs.some((input) => containsLog(scope, input))) s.classes = true;
    if (op === 'sum' && args.some(isLastAxis) && call.inputs.some((input) => scope.fromTruth(input)) && s.probabilities) s.classes = true;
    if (op === 'maximum' || op === 'relu') maxOrRelu = true;
    if (op === 'mul' && operands.length === 2 && operands.some((x) => isParameter(scope, x, 'truth')) && operands.some((x) => isParameter(scope, x, 'pred'))) truthTimesPred = true;
    if (op === 'sub' && operands.length === 2 && isOne(operands[0] as ts.Expression) && isParameter(scope, operands[1] as ts.Expression, 'truth')) s.labels01 = true;
    if (op === 'sum' && call.inputs.some((input) => isProductOfBoth(scope, input))) summedProduct = true;
    if (op === 'div' || op === 'divNoNan') division = true;
    if (NORM_OPS.has(op)) norm = true;
  });
  s.margin = maxOrRelu && truthTimesPred;
  s.overlap = summedProduct && division && !norm;
  if (s.sparse) return 'sparse';
  if (s.spatial) return 'segmentation';
  if (s.binary) return 'binary';
  if (s.classes) return 'categorical';
  if (s.margin || s.labels01 || s.overlap || s.probabilities) return 'binary';
  return 'regression';
}

/** `1 - x` or `tf.sub(1, x)` or `x.neg().add(1)`-free forms: the complement of a probability. */
function isOneMinus(e: ts.Expression): boolean {
  const text = e.getText().replace(/\s/g, '');
  return /^(tf\.)?sub\(1(\.0*)?,/.test(text) || /^1(\.0*)?-/.test(text) || /^tf\.scalar\(1\)\.sub\(/.test(text);
}

function isNegation(e: ts.Expression): boolean {
  const text = e.getText().replace(/\s/g, '');
  return /^(tf\.)?neg\(/.test(text) || /\.neg\(\)$/.test(text) || /^-/.test(text);
}

function isOne(e: ts.Expression): boolean {
  return ts.isNumericLiteral(e) && Number(e.text) === 1;
}

/** `tf.mul(a, b)` or `a.mul(b)` with one side from yTrue and the other from yPred. */
function isProductOfBoth(scope: LossScope, e: ts.Expression): boolean {
  const node = ts.isIdentifier(e) ? initializerOf(scope, e) : e;
  if (!node || !ts.isCallExpression(node)) return false;
  const call = scope.tfCall(node);
  if ((call?.op ?? call?.name) !== 'mul' || !call) return false;
  const operands = call.receiver ? [call.receiver, ...node.arguments] : [...node.arguments];
  return operands.some((x) => scope.fromTruth(x) && !scope.fromPred(x)) && operands.some((x) => scope.fromPred(x) && !scope.fromTruth(x));
}

function initializerOf(scope: LossScope, e: ts.Identifier): ts.Expression | undefined {
  const binding = scope.symbolOf(e);
  return binding && ts.isVariableDeclaration(binding) ? binding.initializer : undefined;
}

/** The expression is yTrue or yPred itself (no derivation). */
function isParameter(scope: LossScope, e: ts.Expression, which: 'truth' | 'pred'): boolean {
  const binding = which === 'truth' ? scope.truth : scope.pred;
  return binding !== undefined && ts.isIdentifier(e) && scope.symbolOf(e) === binding;
}

/** A log somewhere inside the expression, or in what a variable it names was bound to. */
function containsLog(scope: LossScope, e: ts.Node, depth = 0): boolean {
  if (depth > 6) return false;
  let found = false;
  walkTree(e, (node) => {
    if (found) return false;
    if (ts.isCallExpression(node)) {
      const call = scope.tfCall(node);
      const op = call?.op ?? call?.name;
      if (op === 'log' || op === 'logSoftmax' || op === 'log1p') found = true;
    }
    if (ts.isIdentifier(node)) {
      const binding = scope.symbolOf(node);
      if (binding && ts.isVariableDeclaration(binding) && binding.initializer && containsLog(scope, binding.initializer, depth + 1)) found = true;
    }
    return !found;
  });
  return found;
}

/** clipByValue(x, ε, 1 - ε): bounds inside [0, 1]. */
function isUnitInterval(bounds: readonly ts.Expression[]): boolean {
  const [low, high] = bounds;
  if (!low || !high) return false;
  const value = (e: ts.Expression): number | undefined => (ts.isNumericLiteral(e) ? Number(e.text) : undefined);
  const lowValue = value(low);
  const highText = high.getText().replace(/\s/g, '');
  return (lowValue === undefined || (lowValue >= 0 && lowValue < 0.5)) && (/^1-/.test(highText) || value(high) === 1);
}

function isSpatialAxes(e: ts.Expression): boolean {
  if (!ts.isArrayLiteralExpression(e)) return false;
  const axes = e.elements.map((x) => x.getText()).join(',');
  return axes === '1,2,3' || axes === '1,2';
}

function isLastAxis(e: ts.Expression): boolean {
  return ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && e.operand.getText() === '1';
}

export { parseTaskTag, taskTagBefore, type TaskTag } from './task-tag';
