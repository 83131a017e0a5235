import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { allDiagnostics, analyzeSource } from '../../../test/helpers/analyze';
import { Analyzer } from '.';
import { mayHoldLoss } from './candidate-scan';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.[cm]?[jt]sx?$/.test(entry.name) ? [full] : [];
  });
}

describe('the textual scan for files that may hold a loss', () => {
  const files = ['examples', 'test/fixtures', 'bench/fixtures'].flatMap((dir) => sourceFiles(path.join(ROOT, dir)));

  it('says "candidate" for every fixture and example in which the analysis finds a loss or a finding', function () {
    this.timeout(180_000); // about 40 files, each with its own program (the examples are loose scripts)
    const analyzer = new Analyzer();
    let withFindings = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const analysis = analyzer.analyze(file, text);
      if (analysis.losses.length === 0 && allDiagnostics(analysis).length === 0) continue;
      withFindings++;
      assert.ok(mayHoldLoss(text), `${path.relative(ROOT, file)}: the analysis finds ${analysis.losses.length} losses, the scan says none`);
    }
    assert.ok(withFindings >= 30, `only ${withFindings} files with losses: the fixtures moved?`);
  });

  // Each of these is a loss (or a use site) by a different rule of discovery; the scan sees them all.
  const losses: Array<[string, string]> = [
    ['Keras names, no tfjs import', 'export const f = (target, output) => target.sub(output).square().mean();'],
    ['parameters typed as tensors', "import * as tf from '@tensorflow/tfjs';\nexport function f(a: tf.Tensor2D, b: tf.Tensor2D) { return b; }"],
    ['JSDoc tensor types', '/** @param {tf.Tensor} a\n * @param {tf.Scalar} b */\nexports.f = function (a, b) { return b; };'],
    ['a @loss tag on any parameters', '/** @loss */\nfunction f(a, b) { return b; }'],
    ['a loss inline in compile', "model.compile({ optimizer: 'adam', loss: (a, b) => b.sub(a).abs().mean() });"],
    ['a loss name in compile', "model.compile({ optimizer: 'sgd', 'loss': 'mse' });"],
    ['a factory', 'export function make(k = 2) { return (y, scores) => scores.mul(k); }'],
    ['an identifier with a unicode escape', 'export const f = (y, y\\u0050red) => y\\u0050red;'],
  ];
  for (const [what, text] of losses) {
    it(`finds ${what}`, () => {
      const analysis = analyzeSource(text, { file: 'scan.ts' });
      const useSites = allDiagnostics(analysis).filter((d) => d.code.startsWith('LL3'));
      assert.ok(analysis.losses.length + useSites.length > 0, 'the analysis finds it');
      assert.ok(mayHoldLoss(text));
    });
  }

  it('says "no loss" for modules that hold none, without parsing them', () => {
    const none = [
      '',
      'export function scale(x, k) { return x * k; }\n',
      "import * as fs from 'fs';\nexport const read = (file: string): string => fs.readFileSync(file, 'utf8');\n",
      "import * as tf from '@tensorflow/tfjs';\nexport function normalize(x: number[], mean: number) { return tf.tensor(x).sub(mean); }\n",
      'export class Queue<T> { private items: T[] = []; push(item: T) { this.items.push(item); } }\n',
    ];
    for (const text of none) {
      assert.strictEqual(mayHoldLoss(text), false, text);
      const analysis = analyzeSource(text, { file: 'scan.ts' });
      assert.strictEqual(analysis.losses.length, 0, text);
    }
  });
});
