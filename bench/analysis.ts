// Static analysis speed: a 300-line loss module, cold (first file) and warm (after an edit), at each
// level of type checking. Target (issue "Core analysis"): ≤ 30 ms warm.
import * as fs from 'fs';
import * as path from 'path';
import { Analyzer, type TypeCheckLevel } from '../src/core/analyze';

const FILE = path.join(__dirname, 'fixtures', 'many-losses.ts');
const RUNS = 40;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

export async function benchAnalysis(): Promise<Array<[string, string]>> {
  const text = fs.readFileSync(FILE, 'utf8');
  const lines = text.split('\n').length;
  const analyzer = new Analyzer();
  const rows: Array<[string, string]> = [];

  let t = performance.now();
  const first = analyzer.analyze(path.join(__dirname, 'fixtures', 'first.ts'), "import * as tf from '@tensorflow/tfjs';\nexport const mse = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mean(tf.square(tf.sub(yTrue, yPred)));\n");
  rows.push(['analysis, cold (first file, full types)', `${(performance.now() - t).toFixed(0)} ms (${first.losses.length} loss)`]);

  const losses = analyzer.analyze(FILE, text).losses.length;
  const levels: Array<[TypeCheckLevel, string]> = [
    ['off', 'syntax + lints (every keystroke)'],
    ['signatures', '+ signature types (LL101-103)'],
    ['full', "+ TypeScript's errors (LL001), as the CLI"],
  ];
  for (const [level, label] of levels) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // An edit each time, as in the editor: a changed line at the end.
      const edited = `${text}\n// edit ${i}\n`;
      t = performance.now();
      analyzer.analyze(FILE, edited, { types: level });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const target = level === 'off' ? ` (target ≤ 30 ms: ${percentile(times, 0.5) <= 30 ? 'met' : 'NOT met'})` : '';
    rows.push([`analysis, warm, ${lines} lines, ${losses} losses, ${label}`, `median ${percentile(times, 0.5).toFixed(1)} ms, p90 ${percentile(times, 0.9).toFixed(1)} ms${target}`]);
  }
  rows.push(...chainRows(analyzer));
  return rows;
}

/**
 * The lint pass on `a - a - …` chains of growing length (hardening issue: linear, 10,000 terms in
 * ≤ 1 s). Side by side, so that the ratio shows whether the time grows with the length or faster.
 */
function chainRows(analyzer: Analyzer): Array<[string, string]> {
  const chain = (terms: number): string =>
    `import * as tf from '@tensorflow/tfjs';\nexport function chain(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {\n  const a = yPred;\n  return ${Array(terms).fill('a').join(' - ')};\n}\n`;
  const time = (terms: number): number => {
    const text = chain(terms);
    const t = performance.now();
    analyzer.analyze(path.join(__dirname, 'fixtures', `chain-${terms}.ts`), text, { types: 'off' });
    return performance.now() - t;
  };
  time(1000); // warm-up
  const [small, large] = [time(2500), time(10_000)];
  return [[
    'lint pass, a - a - … chain, 2,500 and 10,000 terms',
    `${small.toFixed(0)} ms and ${large.toFixed(0)} ms (×${(large / small).toFixed(1)} for ×4 the terms; target ≤ 1000 ms: ${large <= 1000 ? 'met' : 'NOT met'})`,
  ]];
}
