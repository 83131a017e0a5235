// The editor's type pass (what the analysis worker runs when typing pauses) on the 296-line bench
// file, warm, against TypeScript's own language service answering getSemanticDiagnostics for the
// same file with the same compiler options, warm: both after an edit each time, in alternating
// runs. Targets (issue "As fast as tsc"): ≤ 60 ms and ≤ 1.2× the language service.
import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';
import { Analyzer } from '../src/core/analyze';
import { sideBySide } from './side-by-side';

const FILE = path.join(__dirname, 'fixtures', 'many-losses.ts');
const RUNS = 30;

/** The options Loss Lab type-checks the file with: the project's tsconfig, which includes bench/, and what it forces. */
function projectOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.resolve(__dirname, '..', 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!parsed) throw new Error('tsconfig.json does not parse');
  return { ...parsed.options, noEmit: true, allowJs: true, skipLibCheck: true };
}

/** A language service over the one file, as tsserver keeps one: each edit is a new version of its text. */
function languageService(text: string): { edit(text: string): void; service: ts.LanguageService } {
  let version = 0;
  let current = text;
  const options = projectOptions();
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [FILE],
    getScriptVersion: (f) => (f === FILE ? String(version) : '0'),
    getScriptSnapshot: (f) => {
      const content = f === FILE ? current : ts.sys.readFile(f);
      return content === undefined ? undefined : ts.ScriptSnapshot.fromString(content);
    },
    getCurrentDirectory: () => path.dirname(FILE),
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
    realpath: ts.sys.realpath,
  };
  const service = ts.createLanguageService(host, ts.createDocumentRegistry());
  return {
    service,
    edit(next: string) {
      current = next;
      version++;
    },
  };
}

function timed(work: () => void): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

export async function benchEditor(): Promise<Array<[string, string]>> {
  const text = fs.readFileSync(FILE, 'utf8');
  const lines = text.split('\n').length;
  const analyzer = new Analyzer();
  const ls = languageService(text);
  const editorOptions = { types: 'full', typeScriptErrors: 'unchecked-by-editor' } as const;
  let edits = 0;
  const ours = (): number => {
    const edited = `${text}\n// edit ${edits++}\n`;
    return timed(() => analyzer.analyze(FILE, edited, editorOptions));
  };
  const theirs = (): number => {
    ls.edit(`${text}\n// edit ${edits++}\n`);
    return timed(() => ls.service.getSemanticDiagnostics(FILE));
  };
  // Warm-up: both load the libraries and tfjs's declarations once.
  for (let i = 0; i < 3; i++) {
    ours();
    theirs();
  }
  const pass = await sideBySide(ours, theirs, RUNS);
  const firstErrors = ls.service.getSemanticDiagnostics(FILE).length;
  // With TypeScript's own errors (LL001): what the pass does for JavaScript VS Code does not check, and the CLI.
  const withErrors = await sideBySide(() => timed(() => analyzer.analyze(FILE, `${text}\n// edit ${edits++}\n`)), theirs, 9);
  return [
    [
      `editor: type pass, warm, ${lines} lines, after an edit, vs the language service's getSemanticDiagnostics (median of ${RUNS}, alternating)`,
      `${pass.a.toFixed(1)} ms vs ${pass.b.toFixed(1)} ms: ${pass.ratio.toFixed(2)}× (targets ≤ 60 ms: ${pass.a <= 60 ? 'met' : 'NOT met'}; ≤ 1.2×: ${pass.ratio <= 1.2 ? 'met' : 'NOT met'}; ${firstErrors} TypeScript errors in the file)`,
    ],
    [
      `editor: the same pass with TypeScript's errors too (LL001, as for unchecked JavaScript), vs the same (median of 9, alternating)`,
      `${withErrors.a.toFixed(1)} ms vs ${withErrors.b.toFixed(1)} ms: ${withErrors.ratio.toFixed(2)}×`,
    ],
  ];
}
