import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import ts from 'typescript';
import { findings } from '../../../test/helpers/analyze';
import { Analyzer, type FileAnalysis } from '.';
import { scriptKind, TypeScriptHost } from './program';

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

describe('one program per project', () => {
  const made: string[] = [];
  after(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  const SCRIPT = 'function scriptLoss(yTrue, yPred) { return yTrue.sub(yPred).square().mean(); }\nvar shared = 1;\n';
  function project(): { dir: string; files: Array<{ file: string; text: string }> } {
    const dir = tempProject({
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, noUnusedLocals: true, allowJs: true }, include: ['src'] }),
      'src/a.ts': LOSS,
      'src/b.ts': LOSS.replace('wrong', 'alsoWrong'),
      'src/page.js': SCRIPT,
      'src/page2.js': SCRIPT,
      'loose/c.ts': LOSS,
    });
    made.push(dir);
    const names = ['src/a.ts', 'src/b.ts', 'src/page.js', 'src/page2.js', 'loose/c.ts'];
    return { dir, files: names.map((n) => ({ file: path.join(dir, n), text: fs.readFileSync(path.join(dir, n), 'utf8') })) };
  }

  it('gives the modules a config includes one program, and a script or a loose folder its own', () => {
    const { files } = project();
    const host = new TypeScriptHost();
    const typed = host.checkAll(files.map(({ file, text }) => ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file))));
    const [a, b, page, page2, loose] = typed.map((t) => t.program);
    assert.strictEqual(a, b, 'a.ts and b.ts share their project');
    assert.notStrictEqual(page, a, 'a script has its own program: its top-level names are global');
    assert.notStrictEqual(page, page2);
    assert.notStrictEqual(loose, a);
    assert.ok(typed.every((t) => t.tensorType !== undefined), 'each file sees tf.Tensor');
  });

  it('finds in a batch exactly what it finds file by file', () => {
    const { files } = project();
    const alone = files.map(({ file, text }) => new Analyzer().analyze(file, text));
    const together = new Analyzer().analyzeFiles(files);
    assert.deepStrictEqual(together, alone);
    // Not vacuous: the config's noUnusedLocals (LL001), LL101, and no clash between the two scripts' globals.
    assert.deepStrictEqual(findings(together[0] as FileAnalysis), ['LL001@2:8', 'LL101@5:22']);
    assert.deepStrictEqual(findings(together[2] as FileAnalysis), []);
    assert.deepStrictEqual(findings(together[4] as FileAnalysis), ['LL101@5:22']);
  });

  it('after an edit, reuses the unchanged source files of the previous program, as tsserver does', () => {
    const { files } = project();
    const host = new TypeScriptHost();
    const [first] = files;
    if (!first) throw new Error('no file');
    const parse = (text: string): ts.SourceFile => ts.createSourceFile(first.file, text, ts.ScriptTarget.Latest, true);
    const before = host.check(parse(first.text)).program;
    const after = host.check(parse(`${first.text}// an edit\n`)).program;
    assert.notStrictEqual(after, before);
    const libraries = (p: ts.Program): ts.SourceFile[] => p.getSourceFiles().filter((sf) => sf.fileName !== first.file);
    assert.ok(libraries(before).length > 100, 'lib and tfjs declarations are in the program');
    assert.deepStrictEqual(libraries(after), libraries(before), 'the same SourceFile objects, not parsed again');
  });
});
