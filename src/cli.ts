// `loss-lab check [--format text|json|sarif|github] [--json] [--static] [--task T] [--seed N] [--timeout MS] [--jobs N] [--reference NAME[:PARAM]] PATH...`
// Exit 0: no error diagnostic and no failed check; 1: at least one; 2: usage error or unreadable file.
import { parseArgs } from 'node:util';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Analyzer, FileAnalysis, SourceText } from './core/analyze';
import { mayHoldLoss } from './core/analyze/candidate-scan';
import { requireWithCodeCache, type CachedModule } from './core/code-cache';
import { parseReference, REFERENCE_NAMES } from './core/checks/reference-spec';
import { formatText } from './core/format';
import { summarize, TASKS, type CheckReport, type FileReport, type LossReport, type Task } from './core/report';
import { formatGithub } from './core/cli/github';
import { formatSarif } from './core/cli/sarif';
import { expandTargets, WALKED_EXTENSIONS } from './core/cli/targets';
import { checkFiles, type FileRun } from './core/run/check-files';
import { LossRunner } from './core/run/runner';
import { readSourceFile, SourceFileError } from './core/source-file';

export const REFERENCES = REFERENCE_NAMES;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- bundled by esbuild: the version that ships
const VERSION = (require('../package.json') as { version: string }).version;

const USAGE = `usage: loss-lab check [--format text|json|sarif|github] [--static]
                      [--task auto|regression|binary|categorical|sparse|segmentation]
                      [--seed N] [--timeout MS] [--jobs N] [--reference NAME[:PARAM]] PATH...

Finds the loss functions (yTrue, yPred) => tf.Tensor in PATH..., checks their signatures and lints
their bodies; without --static it also runs them on sample tensors. A PATH is a file, a folder
(its ${WALKED_EXTENSIONS.join(', ')} files) or a glob ('src/**/*.ts'); folders and globs skip
node_modules and what .gitignore ignores.
  --format F        text (default), json, sarif (SARIF 2.1.0, for code scanning) or github
                    (GitHub Actions annotations)
  --json            the same as --format json
  --static          analysis only: no code is run
  --task T          sample tensors to check with (default auto; a @lossTask tag wins)
  --seed N          seed of the sample tensors (default 1)
  --timeout MS      time limit of each loss run (default 5000)
  --jobs N          files checked at the same time, each in a process of its own (default: the
                    number of CPUs)
  --reference NAME[:PARAM]
                    compare with a tfjs built-in along the panel's sweeps (a mismatch fails):
                    ${REFERENCES.join(', ')};
                    huber:1.5 sets Huber's delta, a factory's own delta is the default
Exit status: 0 no errors, 1 errors or failed checks (a --reference mismatch too), 2 usage error,
unreadable file or internal error (the other files are still reported).`;

class UsageError extends Error {}

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

/** One process per core: the checks are CPU-bound. */
function defaultJobs(): number {
  return Math.max(1, Math.min(64, os.availableParallelism()));
}

export interface CheckOptions {
  format: Format;
  static: boolean;
  task: 'auto' | Task;
  seed: number;
  timeoutMs: number;
  /** `NAME` or `NAME:PARAM`, validated. */
  reference?: string;
  /** Files whose losses run at the same time, each in a process of its own (default: the CPU count). */
  jobs?: number;
  files: string[];
}

export function parseCheckArgs(argv: string[]): CheckOptions {
  const [command, ...rest] = argv;
  if (command !== 'check') throw new UsageError(command === undefined ? 'missing command' : `unknown command '${command}'`);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        format: { type: 'string' },
        static: { type: 'boolean', default: false },
        task: { type: 'string', default: 'auto' },
        seed: { type: 'string', default: '1' },
        timeout: { type: 'string', default: '5000' },
        reference: { type: 'string' },
        jobs: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const format = values.format ?? (values.json ? 'json' : 'text');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be ${FORMATS.join(', ')}, not '${format}'`);
  if (values.json && format !== 'json') throw new UsageError(`--json is --format json: it cannot go with --format ${format}`);
  const task = values.task as string;
  if (task !== 'auto' && !(TASKS as readonly string[]).includes(task)) throw new UsageError(`--task must be auto, regression, binary, categorical, sparse or segmentation, not '${task}'`);
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number ≥ 0, not '${values.seed}'`);
  const timeoutMs = Number(values.timeout);
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000) {
    throw new UsageError(`--timeout must be a whole number of milliseconds from 100 to 600000, not '${values.timeout}'`);
  }
  const reference = values.reference;
  if (reference !== undefined) {
    const spec = parseReference(reference);
    if (typeof spec === 'string') throw new UsageError(`--reference ${spec}`);
  }
  const jobs = values.jobs === undefined ? defaultJobs() : Number(values.jobs);
  if (!Number.isSafeInteger(jobs) || jobs < 1 || jobs > 64) throw new UsageError(`--jobs must be a whole number from 1 to 64, not '${values.jobs}'`);
  if (positionals.length === 0) throw new UsageError('no PATH given');
  return {
    format: format as Format,
    static: values.static as boolean,
    task: task as CheckOptions['task'],
    seed,
    timeoutMs,
    ...(reference === undefined ? {} : { reference }),
    jobs,
    files: positionals,
  };
}

/** `analyzer`: one kept across runs (the fuzz test runs thousands), else the lazily loaded analysis's. */
export async function runCheck(options: CheckOptions, out: (text: string) => void, err: (text: string) => void, analyzer?: Analyzer): Promise<number> {
  const started = performance.now();
  // Each path in order: a file read, or the reason it could not be (still reported, exit 2).
  const entries: Array<SourceText | { file: string; unreadable: string }> = [];
  const targets = expandTargets(options.files);
  for (const target of targets.targets) {
    if (target.empty !== undefined) {
      err(`loss-lab: ${target.target}: ${target.empty}\n`);
      entries.push({ file: target.target, unreadable: target.empty });
    } else if (target.kind !== 'file') {
      const skipped = target.ignored > 0 ? `; node_modules and ${target.ignored} paths a .gitignore ignores skipped` : '; node_modules skipped';
      err(`loss-lab: ${target.target}: ${target.files.length} ${target.files.length === 1 ? 'file' : 'files'}${skipped}\n`);
    }
  }
  for (const file of targets.files) {
    try {
      entries.push({ file, text: readSourceFile(file) });
    } catch (error) {
      if (!(error instanceof SourceFileError)) throw error;
      err(`loss-lab: ${error.message}\n`);
      entries.push({ file, unreadable: error.message });
    }
  }
  const sources = entries.filter((e): e is SourceText => 'text' in e);
  // A bug of Loss Lab's costs the file it meets its report, never the others theirs.
  let internal = false;
  const failed = (file: string, error: unknown): void => {
    err(`loss-lab: internal error while checking ${file}: ${oneLine(error)}\n`);
    internal = true;
  };
  // `--jobs N`: N check processes at a time, the ones started ahead included. The first start while
  // TypeScript analyses the files on this thread (a process takes about 0.2 s to be ready).
  // The files that may hold a loss (candidate-scan.ts): only they are analysed with TypeScript.
  const candidates = sources.filter((s) => mayHoldLoss(s.text));
  const runner = options.static || candidates.length === 0 ? undefined : new LossRunner({ timeoutMs: options.timeoutMs, jobs: options.jobs, processes: options.jobs });
  runner?.prestart(candidates.length);
  let analyses: (FileAnalysis | undefined)[] = [];
  let broken = new Set<FileAnalysis>();
  try {
    analyses = analyzeSources(sources, candidates, options, analyzer, failed);
    const withLosses = analyses.filter((a): a is FileAnalysis => a !== undefined && a.losses.length > 0);
    if (runner && withLosses.length > 0) broken = await runLosses(runner, withLosses, sources, options, failed);
  } finally {
    await runner?.dispose();
  }
  const analysisOf = new Map(sources.map((source, i) => [source, analyses[i]]));
  const files = entries.flatMap((entry): FileReport[] => {
    if (!('text' in entry)) return [unreadableFile(entry.file, entry.unreadable)];
    const analysis = analysisOf.get(entry);
    return analysis && !broken.has(analysis) ? [toFileReport(analysis.file, analysis)] : [];
  });
  const report: CheckReport = { version: 1, files, summary: summarize(files, performance.now() - started) };
  out(formatReport(report, options.format));
  if (report.summary.unreadable > 0 || internal) return 2;
  return report.summary.errors > 0 ? 1 : 0;
}

/**
 * The analysis of each file, with one TypeScript program per project for the `candidates` (the
 * files that may hold a loss); a file that cannot is answered from its text, and when no file can,
 * TypeScript is never loaded. An internal error in the batch is retried file by file, so that it
 * costs only the file it comes from (undefined in the result).
 */
function analyzeSources(
  sources: SourceText[],
  candidates: SourceText[],
  options: CheckOptions,
  given: Analyzer | undefined,
  failed: (file: string, error: unknown) => void,
): (FileAnalysis | undefined)[] {
  const none = (s: SourceText): FileAnalysis => ({ file: s.file, diagnostics: [], losses: [] });
  if (candidates.length === 0) return sources.map(none);
  const loaded = given ? undefined : loadAnalysis();
  const analyzer = given ?? new (loaded as CachedModule<Analysis>).exports.Analyzer();
  let analysed: (FileAnalysis | undefined)[];
  try {
    analysed = analyzer.analyzeFiles(candidates, { task: options.task });
  } catch {
    analysed = candidates.map((s) => {
      try {
        return analyzer.analyzeFiles([s], { task: options.task })[0];
      } catch (error) {
        failed(s.file, error);
        return undefined;
      }
    });
  }
  loaded?.save();
  const byFile = new Map(candidates.map((s, i) => [s, analysed[i]]));
  return sources.map((s) => (byFile.has(s) ? byFile.get(s) : none(s)));
}

type Analysis = typeof import('./core/analyze');

/**
 * The analysis and TypeScript, about 4 MB of code: dist/analyzer.js beside the bundled CLI, loaded
 * with V8's code cache (code-cache.ts); from the sources (tests), the module itself. The build turns
 * the require below into one of ./analyzer.js (esbuild.mjs), so cli.js never holds TypeScript.
 */
function loadAnalysis(): CachedModule<Analysis> {
  const bundled = path.join(__dirname, 'analyzer.js');
  if (fs.existsSync(bundled)) return requireWithCodeCache<Analysis>(bundled);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see above
  return { exports: require('./core/analyze') as Analysis, fromCache: false, save: () => undefined };
}

/** The runtime checks of the files with losses, `--jobs` files at a time, each in a process of its own. */
async function runLosses(
  runner: LossRunner,
  analyses: FileAnalysis[],
  sources: SourceText[],
  options: CheckOptions,
  failed: (file: string, error: unknown) => void,
): Promise<Set<FileAnalysis>> {
  const broken = new Set<FileAnalysis>();
  const textOf = new Map(sources.map((s) => [s.file, s.text]));
  const tasks = analyses.map(() => new Map<string, Task>());
  const runs: FileRun[] = analyses.map((analysis, i) => {
    const text = textOf.get(analysis.file) ?? '';
    return {
      file: path.resolve(analysis.file),
      text: analysis.runModule ?? text,
      losses: analysis.losses,
      options: {
        seed: options.seed,
        timeoutMs: options.timeoutMs,
        task: options.task,
        sourceText: text,
        ...(options.reference ? { reference: options.reference } : {}),
        onLoss: (name, _checks, _ms, task) => tasks[i]?.set(name, task),
      },
    };
  });
  const results = await checkFiles(runner, runs);
  analyses.forEach((analysis, i) => {
    const checks = results[i];
    if (checks instanceof Error) {
      failed(analysis.file, checks);
      broken.add(analysis);
      return;
    }
    for (const loss of analysis.losses) {
      loss.checks = checks?.get(loss.name) ?? [];
      // The preset the checks ran with: auto may have moved to another when the first did not run.
      loss.task = tasks[i]?.get(loss.name) ?? loss.task;
    }
  });
  return broken;
}

function formatReport(report: CheckReport, format: Format): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'sarif':
      return formatSarif(report, { cwd: process.cwd(), version: VERSION });
    case 'github':
      return formatGithub(report);
    case 'text':
      return formatText(report);
  }
}

function unreadableFile(file: string, reason: string): FileReport {
  return { file: displayPath(file), diagnostics: [], losses: [], unreadable: reason };
}

/** Exactly the contract's fields, in the contract's order. */
function toFileReport(file: string, analysis: FileAnalysis): FileReport {
  return {
    file: displayPath(file),
    diagnostics: analysis.diagnostics,
    losses: analysis.losses.map((loss): LossReport => ({
      name: loss.name,
      kind: loss.kind,
      range: loss.range,
      task: loss.task,
      diagnostics: loss.diagnostics,
      checks: loss.checks,
    })),
  };
}

/** An error as one line: its message, never its stack. */
function oneLine(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).replace(/\s+/g, ' ').slice(0, 300);
}

function displayPath(file: string): string {
  const relative = path.isAbsolute(file) ? file : path.normalize(file);
  return relative.split(path.sep).join('/');
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let options: CheckOptions;
  try {
    options = parseCheckArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`loss-lab: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  return runCheck(options, (t) => process.stdout.write(t), (t) => process.stderr.write(t));
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // An internal failure, not the user's: one line (exit 2), never a stack trace in the user's terminal.
      process.stderr.write(`loss-lab: internal error: ${oneLine(error)}\n`);
      process.exitCode = 2;
    },
  );
}
