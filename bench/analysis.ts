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
  return rows;
}
