import * as assert from 'assert';
import { analyzeSource, findings } from '../../../test/helpers/analyze';
import { fixesFor } from '../fixes';
import { LineMap } from './lines';

const LOSS = [
  "import * as tf from '@tensorflow/tfjs';",
  'export function bad(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {',
  '  if (yPred) return yTrue;',
  '  return yPred;',
  '}',
];

describe('positions in VS Code lines', () => {
  it('counts \\n, \\r\\n and \\r as line breaks, and not U+2028 or U+2029', () => {
    const map = new LineMap('a\nb\r\nc\rd\u2028e\u2029f');
    assert.deepStrictEqual([0, 2, 5, 7, 9, 11].map((o) => map.position(o)), [
      { line: 0, character: 0 },
      { line: 1, character: 0 },
      { line: 2, character: 0 },
      { line: 3, character: 0 },
      { line: 3, character: 2 },
      { line: 3, character: 4 },
    ]);
    assert.strictEqual(map.offset({ line: 3, character: 4 }), 11);
    assert.strictEqual(map.offset({ line: 1, character: 99 }), 5, 'clamped to the line and its break');
  });

  it('keeps ranges on their line after a U+2028 in a comment', () => {
    const text = ['/* a comment with a line separator \u2028 in it */', ...LOSS].join('\n');
    assert.deepStrictEqual(findings(analyzeSource(text, { types: 'off' })), ['LL200@3:6']);
  });

  it('keeps ranges on their line after a U+2029 in a string', () => {
    const text = ['const s = "para\u2029graph";', ...LOSS].join('\n');
    assert.deepStrictEqual(findings(analyzeSource(text, { types: 'off' })), ['LL200@3:6']);
  });

  it('counts lone \\r line breaks, for the loss, its diagnostics and its fixes', () => {
    const text = LOSS.join('\r');
    const analysis = analyzeSource(text, { types: 'off' });
    assert.deepStrictEqual(findings(analysis), ['LL200@2:6']);
    assert.deepStrictEqual(analysis.losses[0]?.range, { start: { line: 1, character: 0 }, end: { line: 4, character: 1 } });
    const diagnostic = analysis.losses[0]?.diagnostics[0];
    assert.ok(diagnostic);
    const [fix] = fixesFor('inline.ts', text, diagnostic);
    assert.ok(fix, 'the LL200 fix finds its node from the \\r-based range');
  });

  it('does not report a function with no name as a loss named ""', () => {
    const analysis = analyzeSource("import * as tf from '@tensorflow/tfjs';\nexport function \n (yTrue: tf.Tensor, yPred: tf.Tensor) { return yPred; }\n", { types: 'off' });
    assert.deepStrictEqual(analysis.losses, []);
    assert.deepStrictEqual(findings(analysis), ['LL001@2:1']);
  });
});
