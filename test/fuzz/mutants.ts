// Mutants of the project's own loss files, and the extremes of the torture run, for the fuzz test
// (500 in CI) and `npm run fuzz` (10,000). Each goes through the CLI's own path (`runCheck
// --static --json`) and must come out with no internal error, valid JSON, and every range inside
// the file as VS Code counts lines. fast-check generates and, on a failure, shrinks the mutant.
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { runCheck } from '../../src/cli';
import { Analyzer } from '../../src/core/analyze';
import { LineMap } from '../../src/core/analyze/lines';
import type { CheckReport, Range } from '../../src/core/report';

const ROOT = path.resolve(__dirname, '..', '..');
export const FUZZ_SEED = 20261201;

export interface Source {
  name: string;
  text: string;
}

/** The loss files of examples/ and test/fixtures/. */
export function corpus(): Source[] {
  const found: Source[] = [];
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (/\.[jt]s$/.test(entry.name)) found.push({ name: path.relative(ROOT, full), text: fs.readFileSync(full, 'utf8') });
    }
  };
  visit(path.join(ROOT, 'examples'));
  visit(path.join(ROOT, 'test', 'fixtures'));
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

const wrap = (body: string): string =>
  `import * as tf from '@tensorflow/tfjs';\nexport function deep(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {\n  const a = yPred;\n  return ${body};\n}\n`;

/** The torture run's findings, past their thresholds. */
export function extremes(): Source[] {
  const loss = "export function mse(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {\n  return tf.mean(tf.square(tf.sub(yTrue, yPred)));\n}\n";
  return [
    { name: 'calls.ts', text: wrap(`${'tf.abs('.repeat(820)}a${')'.repeat(820)}`) },
    { name: 'chain.ts', text: wrap(`a${'.abs()'.repeat(1210)}`) },
    { name: 'objects.ts', text: wrap(`a; const o = ${'{x:'.repeat(1074)}1${'}'.repeat(1074)}`) },
    { name: 'parens.ts', text: wrap(`${'('.repeat(1464)}a${')'.repeat(1464)}`) },
    { name: 'minus.ts', text: wrap(Array(2500).fill('a').join(' - ')) },
    { name: 'unary.ts', text: wrap(`${'-'.repeat(3000)}a`) },
    { name: 'nameless.ts', text: `import * as tf from '@tensorflow/tfjs';\nexport function \n (yTrue: tf.Tensor, yPred: tf.Tensor) { return yPred; }\n` },
    { name: 'separators.ts', text: `import * as tf from '@tensorflow/tfjs';\n/* \u2028 */ const s = "\u2029";\r${loss.replace(/\n/g, '\r')}` },
    // Found by `npm run fuzz`: a use site reached a function whose name the parser filled in as "".
    { name: 'missing-names.js', text: `function* function* function* export const f = ${fs.readFileSync(path.join(ROOT, 'test/fixtures/use-sites/class-model.js'), 'utf8').split('loss: useHuber')[0]}loss: ` },
    { name: 'crlf.js', text: `const tf = require('@tensorflow/tfjs');\r\nexports.mse = (yTrue, yPred) => {\r\n  if (yPred) return yTrue;\r\n  return tf.sub(yTrue, yPred);\r\n};\r\n` },
  ];
}

/** Fragments that break code in the ways people and tools do. */
const FRAGMENTS = ['(', ')', '{', '}', '[', ']', '=>', ',', ';', '`', '${', '"', "'", '/*', '*/', '//', '\n', '\r', '\r\n', '\u2028', '\u2029', '\ufeff',
  'yPred', 'yTrue', 'tf.log(', 'tf.where(', 'tf.lessEqual(', 'if (yPred) ', 'export function ', 'export const f = ', 'async ', 'function* ', '<T>',
  'compile({loss: ', '@loss', '/** @loss */', 'class C { m(yTrue, yPred) { return yPred; } }', 'module.exports = ', 'exports.x = ', 'import ', 'require(', ' as any', '!', '?.', '...'];

type Mutation = (text: string) => string;

/** One edit at a place chosen by fast-check (a fraction of the text's length). */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 200 })).map(([at, n]): Mutation => (t) => {
    const i = Math.floor(at * t.length);
    return t.slice(0, i) + t.slice(i + n);
  }),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...FRAGMENTS), fc.integer({ min: 1, max: 3 })).map(([at, fragment, times]): Mutation => (t) => {
    const i = Math.floor(at * t.length);
    return t.slice(0, i) + fragment.repeat(times) + t.slice(i);
  }),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 300 })).map(([from, to, n]): Mutation => (t) => {
    const i = Math.floor(from * t.length);
    const j = Math.floor(to * t.length);
    return t.slice(0, j) + t.slice(i, i + n) + t.slice(j);
  }),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.string({ unit: 'binary', minLength: 1, maxLength: 8 })).map(([at, s]): Mutation => (t) => {
    const i = Math.floor(at * t.length);
    return t.slice(0, i) + s + t.slice(i + s.length);
  }),
  fc.double({ min: 0, max: 1, noNaN: true }).map((at): Mutation => (t) => t.slice(0, Math.floor(at * t.length))),
);

/** A file of the corpus with one to four edits. */
export function mutantArbitrary(sources: Source[]): fc.Arbitrary<Source> {
  return fc.tuple(fc.constantFrom(...sources), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([source, edits]) => ({
    name: source.name,
    text: edits.reduce((text, edit) => edit(text), source.text),
  }));
}

/** Runs the CLI's static path on one file and lists what is wrong with the outcome (empty: nothing). */
export async function checkSource(source: Source, dir: string, analyzer: Analyzer): Promise<string[]> {
  const file = path.join(dir, `mutant${path.extname(source.name) || '.ts'}`);
  fs.writeFileSync(file, source.text);
  let stdout = '';
  let stderr = '';
  const code = await runCheck({ format: 'json', static: true, task: 'auto', seed: 1, timeoutMs: 5000, files: [file] }, (t) => (stdout += t), (t) => (stderr += t), analyzer);
  const problems: string[] = [];
  // A NUL byte makes it a binary file, which the CLI refuses by contract (exit 2, one line).
  if (source.text.slice(0, 8192).includes('\0')) return code === 2 && /is not a text file/.test(stderr) ? [] : [`a binary file gave exit ${code}: ${stderr.trim()}`];
  if (code !== 0 && code !== 1) problems.push(`exit ${code}: ${stderr.trim()}`);
  else if (stderr !== '') problems.push(`stderr: ${stderr.trim()}`);
  let report: CheckReport;
  try {
    report = JSON.parse(stdout) as CheckReport;
  } catch (error) {
    return [...problems, `invalid JSON: ${(error as Error).message}`];
  }
  // The text as the CLI read it: a BOM is dropped.
  const lines = new LineMap(source.text.replace(/^\ufeff/, ''));
  const text = source.text.replace(/^\ufeff/, '');
  const inside = (range: Range, what: string): void => {
    for (const p of [range.start, range.end]) {
      const offset = lines.offset(p);
      if (p.line < 0 || p.character < 0 || lines.position(offset).line !== p.line || lines.position(offset).character !== p.character || offset > text.length) {
        problems.push(`${what} ${JSON.stringify(range)} is outside the file`);
        return;
      }
    }
    if (lines.offset(range.start) > lines.offset(range.end)) problems.push(`${what} ${JSON.stringify(range)} ends before it starts`);
  };
  for (const f of report.files) {
    f.diagnostics.forEach((d) => inside(d.range, d.code));
    for (const loss of f.losses) {
      inside(loss.range, `loss ${loss.name}`);
      if (loss.name === '') problems.push('a loss named ""');
      loss.diagnostics.forEach((d) => inside(d.range, `${loss.name}: ${d.code}`));
    }
  }
  return problems;
}
