// One line on each diagnostic code and check id (README "Diagnostic codes" and the checks table),
// with the README entry that explains it: the rules of the SARIF output.
import { CHECK_IDS, type CheckId, type DiagnosticCode } from '../report';

/** The project's home page; the README is shown there. */
export const HOME_PAGE = 'https://github.com/loss-lab/loss-lab';

export const CODE_SUMMARIES: Record<DiagnosticCode, string> = {
  LL001: 'The file does not parse, or TypeScript reports an error in it.',
  LL100: 'A loss takes fewer than two parameters, or one after the second that tfjs never sets: wrap it in a factory.',
  LL101: "A parameter's type is no tensor at all.",
  LL102: 'The return type is not a tf.Tensor.',
  LL103: 'The loss is async or returns a Promise.',
  LL200: 'A tensor in a boolean context (if, ?:, &&, ||, !, while) is always truthy.',
  LL201: 'A JavaScript arithmetic or comparison operator on a tensor.',
  LL202: 'A Math.* function on a tensor.',
  LL203: 'Tensor data read inside the loss: gradients stop there.',
  LL204: 'An op with no registered gradient in tfjs on the path from yPred to the result: model.fit throws.',
  LL205: 'log, division or sqrt of a yPred-derived value with no clip or epsilon.',
  LL300: 'A loss name that model.compile does not know: it throws "Unknown loss".',
  LL301: 'A factory given to compile without calling it.',
  LL302: 'A plain loss called where compile takes it.',
  LL303: 'The same mistakes in compile\'s metrics.',
};

export const CHECK_SUMMARIES: Record<CheckId, string> = {
  runs: 'The module loads, a factory returns a function, and the loss runs on the sample tensors.',
  'returns-tensor': 'The loss returns a float32 tf.Tensor.',
  shape: 'The loss returns a scalar or one value per sample.',
  broadcast: 'No kernel inside the loss broadcasts the batch axis against a tensor of another rank.',
  finite: 'The loss is finite on ordinary samples.',
  'finite-at-boundaries': 'Loss and gradient are finite at exact 0 and 1 probabilities, exact matches and large residuals.',
  'zero-at-perfect': 'The loss is 0 where yPred = yTrue.',
  'minimum-at-perfect': 'The loss is smallest where yPred = yTrue.',
  monotone: 'Moving a prediction away from its target never lowers the loss.',
  'non-negative': 'The loss is never negative.',
  gradient: 'tfjs can differentiate the loss with respect to yPred, and the gradient is not zero everywhere.',
  'gradient-finite': 'The gradient is finite on the samples.',
  gradcheck: 'Autodiff agrees with central differences.',
  'no-leak': 'No tensor outlives a call made inside tf.tidy.',
  deterministic: 'Two calls on the same tensors agree.',
  backends: "The loss and its gradient agree between tfjs's cpu and wasm backends.",
  fit: 'A short model.fit with the loss runs and gives a finite loss.',
  reference: 'The loss matches the tfjs built-in given with --reference.',
  timeout: "The loss's checks finish within the time limit.",
};

export function codeHelpUri(code: DiagnosticCode): string {
  return `${HOME_PAGE}#${code.toLowerCase()}`;
}

export function checkHelpUri(_id: CheckId): string {
  return `${HOME_PAGE}#runtime-checks`;
}

export const DIAGNOSTIC_CODES = Object.keys(CODE_SUMMARIES) as DiagnosticCode[];
export { CHECK_IDS };
