import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findings } from '../../../test/helpers/analyze';
import { Analyzer } from '.';

function tempProject(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-project-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const LOSS = `import * as tf from '@tensorflow/tfjs';
export function mse(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const unused = 1;
  return tf.mean(tf.square(tf.sub(yTrue, yPred)));
}
export function wrong(yTrue: number, yPred: tf.Tensor): tf.Tensor { return tf.sub(yPred, yTrue); }
`;

describe('type-checking against tfjs', () => {
  const analyzer = new Analyzer();
  const made: string[] = [];
  after(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('uses the tfjs declarations shipped with Loss Lab in a folder with no node_modules', () => {
    const dir = tempProject({ 'loss.ts': LOSS });
    made.push(dir);
    const analysis = analyzer.analyze(path.join(dir, 'loss.ts'), LOSS);
    // No "Cannot find module" (LL001), and LL101 proves that tf.Tensor was resolved.
    assert.deepStrictEqual(findings(analysis), ['LL101@5:22']);
  });

  it("uses the project's own tsconfig", () => {
    const dir = tempProject({ 'loss.ts': LOSS, 'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, noUnusedLocals: true } }) });
    made.push(dir);
    const analysis = analyzer.analyze(path.join(dir, 'loss.ts'), LOSS);
    assert.deepStrictEqual(findings(analysis, 'LL001'), ['LL001@2:8']);
    assert.match(analysis.losses[0]?.diagnostics[0]?.message ?? '', /'unused' is declared but its value is never read/);
  });

  it("uses the project's own tfjs when it has one", () => {
    // A project whose installed tfjs declares only sub: tf.mean and tf.square do not exist there.
    const dir = tempProject({
      'loss.ts': LOSS,
      'node_modules/@tensorflow/tfjs/package.json': JSON.stringify({ name: '@tensorflow/tfjs', version: '0.0.1', types: 'index.d.ts' }),
      'node_modules/@tensorflow/tfjs/index.d.ts': 'export declare class Tensor { private brand; }\nexport declare function sub(a: Tensor | number, b: Tensor | number): Tensor;\n',
    });
    made.push(dir);
    const messages = analyzer.analyze(path.join(dir, 'loss.ts'), LOSS).losses.flatMap((l) => l.diagnostics.map((d) => d.message));
    assert.ok(messages.some((m) => /Property 'mean' does not exist/.test(m)), messages.join('\n'));
  });

  it("analyses an untitled editor's text, whose name has no extension", () => {
    const analysis = analyzer.analyze(path.join(os.tmpdir(), 'Untitled-1'), LOSS);
    assert.deepStrictEqual(findings(analysis), ['LL101@5:22']);
  });

  it('analyses unsaved text, not the file on disk', () => {
    const dir = tempProject({ 'loss.ts': LOSS });
    made.push(dir);
    const edited = LOSS.replace('yTrue: number', 'yTrue: tf.Tensor');
    assert.deepStrictEqual(findings(analyzer.analyze(path.join(dir, 'loss.ts'), edited)), []);
  });
});
