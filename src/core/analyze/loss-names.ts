// How a loss's parameters are named and typed (DESIGN.md "Loss discovery"): shared by discovery and
// by the CLI's textual scan, which must not load TypeScript, so this module imports nothing.

// Keras's backend names its losses' parameters (target, output); tfjs-layers keeps them.
export const TRUE_NAMES = /^(y_?true|ytrue|true_?y|y_?t|labels?|targets?|y_?target|truths?|ground_?truths?|gt|actuals?|y_?actual|expected|y|true_?values?|y_?real)$/i;
export const PRED_NAMES = /^(y_?pred(icted|iction|s)?|ypred|pred_?y|y_?p|preds?|predictions?|predicted|logits|outputs?|y_?hat|yhat|y_?out|estimates?|pred_?values?|scores)$/i;
export const METRIC_NAME = /(accuracy|precision|recall|^acc$|auc|f1|fbeta|fscore|r2_?score|iou|coef|metric)/i;
/** Tested against a parameter's type as written (`tf.Tensor`, `Tensor2D`, `{tf.Scalar}` in JSDoc). */
export const TENSOR_TYPE = /(^|[.\s<|(])(Tensor([1-6]D)?|Scalar|Variable)\b/;
