// The lint rules, one per file, each `(scope: LossScope) => Diagnostic[]`.
import type { Diagnostic } from '../../report';
import type { LossScope } from '../loss-scope';
import { checkDataReadInLoss } from './data-read-in-loss';
import { checkMathOnTensor } from './math-on-tensor';
import { checkOperatorOnTensor } from './operator-on-tensor';
import { checkOpWithoutGradient } from './op-without-gradient';
import { checkTensorInBooleanContext } from './tensor-in-boolean-context';
import { checkUnguardedLogDivSqrt } from './unguarded-log-div-sqrt';

export const LINT_RULES: ReadonlyArray<(scope: LossScope) => Diagnostic[]> = [
  checkTensorInBooleanContext,
  checkOperatorOnTensor,
  checkMathOnTensor,
  checkDataReadInLoss,
  checkOpWithoutGradient,
  checkUnguardedLogDivSqrt,
];
