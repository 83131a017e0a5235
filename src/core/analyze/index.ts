// The analysis of one file: find the losses, check their signatures, lint their bodies, and report
// TypeScript's own errors as LL001. Pure: no `vscode`, nothing is run.
//
// Two speeds. Discovery, the lint rules, LL100, LL103 (async) and syntax errors need only the syntax
// tree and take a few milliseconds. LL101, LL102, a Promise return and TypeScript's semantic errors
// need TypeScript's checker over tfjs's declarations, which costs far more; `types` chooses how much
// of it runs, so that the editor can lint on every keystroke and type-check when typing pauses.
import * as path from 'path';
import ts from 'typescript';
import type { Diagnostic, LossReport, Range } from '../report';
import { findLosses, type FactoryParam, type LossCandidate } from './discover';
import { rangeOf, spanRange } from './diagnostic';
import { LineMap } from './lines';
import { LINT_RULES } from './lints';
import { deepestBracket, isStackOverflow, MAX_NESTING, parseWithinNesting, TooDeeplyNested } from './nesting';
import { LossScope, type TypeView } from './loss-scope';
import { scriptKind, TypeScriptHost, type TypedFile } from './program';
import { Scopes } from './scopes';
import { checkSignature } from './signature';
import { chooseTask, type TaskOption } from './task';
import { loadTfjsRegistry } from './tfjs-registry';
import { needsSlice, sliceExportName, sliceModule } from './slice';
import { findUseSites } from './use-sites';

/** A loss wrapped in tf.customGrad brings its own gradient: ops without one, and data reads, do not stop it. */
const CUSTOM_GRADIENT_EXEMPT = new Set(['LL203', 'LL204']);

/** off: syntax only. signatures: + LL101, LL102 and Promise returns. full: + TypeScript's errors (LL001). */
export type TypeCheckLevel = 'off' | 'signatures' | 'full';

export interface AnalyzeOptions {
  /** `--task`; a `@lossTask` tag wins over it. Default: auto. */
  task?: TaskOption;
  /** Default: full. */
  types?: TypeCheckLevel;
  /**
   * TypeScript's own semantic errors as LL001: `all` (the CLI, default), or only in files VS Code's
   * TypeScript does not already check (`unchecked-by-editor`: the editor, where they would show twice).
   * Syntax errors are always reported.
   */
  typeScriptErrors?: TypeScriptErrors;
}

export type TypeScriptErrors = 'all' | 'unchecked-by-editor';

/** A loss as the report shows it, plus what the runtime and the editor need to call and show it. */
export interface LossInfo extends LossReport {
  exportName?: string;
  factoryParams: FactoryParam[];
  nameRange: Range;
  /** Why the loss cannot be run on its own (an inline loss that reads `this`): its checks are skipped with this reason. */
  runSkip?: string;
}

export interface FileAnalysis {
  file: string;
  diagnostics: Diagnostic[];
  losses: LossInfo[];
  /**
   * The module text to run the losses from, when the file is not a plain module of exported losses
   * (a training script with a loss inline in `compile`): a slice of the file that exports each loss
   * under its `exportName` (see slice.ts). Undefined: run the file itself.
   */
  runModule?: string;
}

/** A file to analyse and its text (the file on disk need not match: unsaved edits). */
export interface SourceText {
  file: string;
  text: string;
}

export class Analyzer {
  private typescript = new TypeScriptHost();
  private readonly registry = loadTfjsRegistry();

  /**
   * Analyses `text` as the content of `fileName` (the file on disk need not match: unsaved edits). A
   * file nested too deeply for TypeScript's recursion gets one LL001 and no losses.
   */
  analyze(fileName: string, text: string, options: AnalyzeOptions = {}): FileAnalysis {
    return this.analyzeFiles([{ file: fileName, text }], options)[0] as FileAnalysis;
  }

  /**
   * Analyses files together, with one TypeScript program per project (see TypeScriptHost.checkAll);
   * results in their order. A file nested too deeply is kept out of the program (one LL001 each), so
   * that it cannot cost the other files of its project their analysis.
   */
  analyzeFiles(files: readonly SourceText[], options: AnalyzeOptions = {}): FileAnalysis[] {
    const level = options.types ?? 'full';
    const parsed = files.map(({ file, text }): ts.SourceFile | FileAnalysis => {
      // An untitled editor's name has no extension: TypeScript would not take it as a source file.
      const resolved = path.resolve(file);
      const absolute = /\.[cm]?[jt]sx?$/i.test(resolved) ? resolved : `${resolved}.ts`;
      try {
        return parseWithinNesting(absolute, text, scriptKind(absolute));
      } catch (error) {
        if (!(error instanceof TooDeeplyNested)) throw error;
        return { file, diagnostics: [tooDeepDiagnostic(text, error.offset)], losses: [] };
      }
    });
    const sources = parsed.filter((p): p is ts.SourceFile => !('losses' in p));
    const typed = new Map<ts.SourceFile, TypedFile | undefined>();
    const overflowed = new Set<ts.SourceFile>();
    if (level !== 'off') {
      try {
        this.typescript.checkAll(sources).forEach((t, i) => typed.set(sources[i] as ts.SourceFile, t));
      } catch (error) {
        if (!isStackOverflow(error)) throw error;
        // An overflow inside TypeScript's checker may leave its program half-built: start a fresh one,
        // and check the files one by one, so that only the one TypeScript cannot take loses its types.
        this.typescript = new TypeScriptHost();
        for (const sf of sources) {
          try {
            typed.set(sf, this.typescript.checkAll([sf])[0]);
          } catch (inner) {
            if (!isStackOverflow(inner)) throw inner;
            this.typescript = new TypeScriptHost();
            typed.set(sf, undefined);
            overflowed.add(sf);
          }
        }
      }
    }
    return files.map(({ file, text }, i) => {
      const sf = parsed[i] as ts.SourceFile | FileAnalysis;
      if ('losses' in sf) return sf;
      const tooDeep = (): FileAnalysis => ({ file, diagnostics: [tooDeepDiagnostic(text, deepestBracket(text, scriptKind(sf.fileName)))], losses: [] });
      if (overflowed.has(sf)) return tooDeep();
      try {
        return this.analyzeParsed(file, sf, typed.get(sf), options);
      } catch (error) {
        if (!isStackOverflow(error)) throw error;
        return tooDeep();
      }
    });
  }

  private analyzeParsed(fileName: string, sf: ts.SourceFile, typed: TypedFile | undefined, options: AnalyzeOptions): FileAnalysis {
    const level = options.types ?? 'full';
    const view: TypeView | undefined = typed?.tensorType ? { checker: typed.checker, tensorType: typed.tensorType } : undefined;
    const scopes = new Scopes();
    const declared = findLosses(sf);
    const useSites = findUseSites(sf, scopes, declared, this.registry.compile);
    // A function the parser gave a missing name (`function* function* …`) is its syntax error's, not a loss named "".
    const candidates = [...declared, ...useSites.candidates].filter((c) => c.name !== '');
    const sliced = needsSlice(candidates);
    const losses = candidates.map((candidate, index): LossInfo => {
      // A factory imported from another module is linted in its own file; here it is only run.
      const own = candidate.fn.getSourceFile() === sf;
      const scope = new LossScope(own ? sf : candidate.fn.getSourceFile(), candidate, own ? scopes : new Scopes(), this.registry, own ? view : undefined);
      const lints = LINT_RULES.flatMap((rule) => rule(scope)).filter((d) => !(candidate.customGrad && CUSTOM_GRADIENT_EXEMPT.has(d.code)));
      const diagnostics = candidate.external ? [] : [...checkSignature(candidate, { sourceFile: sf, ...view }), ...lints];
      const exportName = sliced ? sliceExportName(index) : candidate.exportName;
      const runSkip = whyNotRun(candidate);
      return {
        name: candidate.name,
        kind: candidate.kind,
        range: rangeOf(sf, candidate.declaration),
        task: chooseTask(scope, candidate.taskTag, options.task ?? 'auto'),
        diagnostics,
        checks: [],
        ...(exportName === undefined ? {} : { exportName }),
        factoryParams: candidate.factoryParams,
        nameRange: rangeOf(sf, candidate.nameNode),
        ...(runSkip ? { runSkip } : {}),
      };
    });

    const fileDiagnostics: Diagnostic[] = [...useSites.diagnostics, ...(typed?.refused ?? []).map((reason) => refusedRead(reason))];
    // A factory given uncalled is also TypeScript's long TS2322 at the same place: LL301 says it plainly.
    for (const { diagnostic, start, semantic } of typeScriptErrors(sf, typed, level === 'full' ? options.typeScriptErrors ?? 'all' : 'syntax')) {
      if (semantic && useSites.quiet.some(([from, to]) => start >= from && start < to)) continue;
      const owner = candidates.findIndex((c) => !c.external && start >= c.declaration.getStart(sf) && start < c.declaration.getEnd());
      (owner >= 0 ? (losses[owner] as LossInfo).diagnostics : fileDiagnostics).push(diagnostic);
    }
    for (const loss of losses) loss.diagnostics.sort(byPosition);
    fileDiagnostics.sort(byPosition);
    if (!sliced) return { file: fileName, diagnostics: fileDiagnostics, losses };
    const slice = sliceModule(sf, scopes, candidates);
    for (const [index, reason] of slice.blocked) (losses[index] as LossInfo).runSkip = `${candidates[index]?.name} is not run: ${reason}.`;
    return { file: fileName, diagnostics: fileDiagnostics, losses, runModule: slice.text };
  }
}

function tooDeepDiagnostic(text: string, offset: number): Diagnostic {
  const lines = new LineMap(text);
  const start = lines.position(offset);
  return {
    code: 'LL001',
    severity: 'error',
    message: `the file is nested too deeply to analyse (more than ${MAX_NESTING} levels here): TypeScript would overflow its stack. Split the expression into named steps.`,
    range: { start, end: lines.position(lines.lineEnd(offset)) },
  };
}

/** A project file TypeScript asked for and Loss Lab did not read (a tsconfig `extends` to /dev/zero). */
function refusedRead(reason: string): Diagnostic {
  const at = { line: 0, character: 0 };
  return { code: 'LL001', severity: 'error', message: `the analysis is incomplete: ${reason}`, range: { start: at, end: at } };
}

/** Why a loss found by its declaration cannot be run on its own; the slice adds its own reasons. */
function whyNotRun(c: LossCandidate): string | undefined {
  const quoted = (names: string[]): string => names.map((n) => `\`${n}\``).join(', ');
  if (c.needsArguments) {
    const one = c.needsArguments.length === 1;
    return `${c.name} is not run: the factory needs ${quoted(c.needsArguments)} to make a loss. Give ${one ? 'it a default' : 'them defaults'}, or Loss Lab runs it where compile calls it with ${one ? 'one' : 'them'}.`;
  }
  if (c.needsInstance) {
    const [cls] = c.name.split('.');
    return `${c.name} is not run: it is a method of ${cls} instances, and ${cls}'s constructor needs ${quoted(c.needsInstance)}. A static method, or a loss outside the class, can be run.`;
  }
  return undefined;
}

function typeScriptErrors(sf: ts.SourceFile, typed: TypedFile | undefined, which: TypeScriptErrors | 'syntax'): Array<{ diagnostic: Diagnostic; start: number; semantic: boolean }> {
  const program = typed?.program ?? syntaxOnlyProgram(sf);
  const semantic = which === 'all' || (which === 'unchecked-by-editor' && !checkedByEditor(sf, typed?.program.getCompilerOptions()));
  return [
    ...program.getSyntacticDiagnostics(sf).map((d) => toDiagnostic(sf, d, true)),
    ...(semantic ? program.getSemanticDiagnostics(sf).map((d) => toDiagnostic(sf, d, false)) : []),
  ];
}

/** VS Code's TypeScript reports type errors itself in .ts files, and in .js files with checkJs or `// @ts-check`. */
function checkedByEditor(sf: ts.SourceFile, options: ts.CompilerOptions | undefined): boolean {
  if (!/\.[cm]?jsx?$/i.test(sf.fileName)) return true;
  if (/^\s*\/\/\s*@ts-nocheck/m.test(sf.text)) return false;
  return options?.checkJs === true || /^\s*\/\/\s*@ts-check/m.test(sf.text);
}

/** A program of the one file with no libraries: enough for its syntax errors. */
function syntaxOnlyProgram(sf: ts.SourceFile): ts.Program {
  const host: ts.CompilerHost = {
    getSourceFile: (f) => (f === sf.fileName ? sf : undefined),
    getDefaultLibFileName: () => 'lib.d.ts',
    writeFile: () => undefined,
    getCurrentDirectory: () => path.dirname(sf.fileName),
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (f) => f === sf.fileName,
    readFile: () => undefined,
  };
  return ts.createProgram({ rootNames: [sf.fileName], options: { noLib: true, noResolve: true, allowJs: true, noEmit: true, types: [] }, host });
}

function toDiagnostic(sf: ts.SourceFile, d: ts.Diagnostic, syntax: boolean): { diagnostic: Diagnostic; start: number; semantic: boolean } {
  const start = d.start ?? 0;
  const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
  const message = syntax ? `the file does not parse: ${text} (TS${d.code})` : `TypeScript: ${text} (TS${d.code})`;
  return { diagnostic: { code: 'LL001', severity: 'error', message, range: spanRange(sf, start, start + (d.length ?? 0)) }, start, semantic: !syntax };
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.code.localeCompare(b.code);
}
