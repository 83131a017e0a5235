// Whether a file may hold a loss, from its text alone: the CLI loads TypeScript and builds a program
// only for the files that may. It must never say no where the analysis would find a loss or a use
// site (candidate-scan.test.ts runs it against every fixture and example), so it asks only for what
// every finding needs:
// - a loss found by its definition has a second parameter named like yPred or typed as a tensor
//   (discover.ts), or a `@loss` tag;
// - a use site is a `loss` property (use-sites.ts reads no file without the word `loss`).
// An identifier written with a \u escape reads differently in the text: such a file may hold anything.
import { PRED_NAMES, TENSOR_TYPE } from './loss-names';

/** PRED_NAMES as a word anywhere in the text, and a tensor type wherever it is written. */
const PRED_WORD = new RegExp(`\\b${PRED_NAMES.source.replace(/^\^/, '').replace(/\$$/, '')}\\b`, 'i');
const TENSOR_WORD = new RegExp(TENSOR_TYPE.source.replace(/^\(\^\|[^)]*\)/, ''));
const SIGNS = [/\bloss\b/, PRED_WORD, TENSOR_WORD, /\\u/];

/** False only when no analysis of `text` could find a loss or a finding about one. */
export function mayHoldLoss(text: string): boolean {
  return SIGNS.some((sign) => sign.test(text));
}
