// Which task preset a loss is checked with (DESIGN.md "Task presets"): the `@lossTask` tag, else the
// task asked for, else what the body does: log or a clip to (0, 1) → binary (categorical where it
// sums over classes or uses softmax), one-hot of the labels → sparse, reductions over axes 1..3 →
// segmentation; else regression.
import ts from 'typescript';
import { TASKS, type Task } from '../report';
import type { LossScope } from './loss-scope';

export type TaskOption = Task | 'auto';

export function isTask(value: string | undefined): value is Task {
  return (TASKS as readonly string[]).includes(value ?? '');
}

export function chooseTask(scope: LossScope, tag: string | undefined, option: TaskOption): Task {
  if (isTask(tag)) return tag;
  if (option !== 'auto') return option;
  return taskFromBody(scope);
}

const PROBABILITY_OPS = new Set(['log', 'logSigmoid', 'sigmoid', 'losses.logLoss', 'losses.sigmoidCrossEntropy', 'metrics.binaryCrossentropy', 'metrics.binaryAccuracy']);
const CLASS_OPS = new Set(['softmax', 'logSoftmax', 'losses.softmaxCrossEntropy', 'metrics.categoricalCrossentropy', 'metrics.categoricalAccuracy']);

function taskFromBody(scope: LossScope): Task {
  let probabilities = false;
  let classes = false;
  let sparse = false;
  let spatial = false;
  scope.forEachNode((node) => {
    if (!ts.isCallExpression(node)) return;
    const call = scope.tfCall(node);
    if (!call) return;
    const op = call.op ?? call.name;
    const args = node.arguments;
    if (PROBABILITY_OPS.has(op)) probabilities = true;
    if (CLASS_OPS.has(op)) classes = true;
    if (op === 'clipByValue' && isUnitInterval(args.slice(call.receiver ? 0 : 1))) probabilities = true;
    if (op === 'oneHot' && call.inputs.some((input) => scope.fromTruth(input))) sparse = true;
    if ((op === 'sum' || op === 'mean') && args.some(isSpatialAxes)) spatial = true;
    if (op === 'sum' && args.some(isLastAxis) && call.inputs.some((input) => scope.fromTruth(input))) classes = true;
  });
  if (sparse) return 'sparse';
  if (spatial) return 'segmentation';
  if (probabilities) return classes ? 'categorical' : 'binary';
  return classes ? 'categorical' : 'regression';
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
  return ts.isArrayLiteralExpression(e) && e.elements.map((x) => x.getText()).join(',') === '1,2,3';
}

function isLastAxis(e: ts.Expression): boolean {
  return ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && e.operand.getText() === '1';
}
