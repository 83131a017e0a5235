// `loss-lab check`'s arguments to files: a file is taken as given (reading it says what is wrong
// with it), a directory is walked for .ts, .js, .mts and .mjs, a glob is matched while its base
// folder is walked. Walks skip node_modules, .git and whatever the .gitignore files on the way
// ignore (from the repository's root down, as git reads them).
import * as fs from 'fs';
import * as path from 'path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { SOURCE_EXTENSIONS } from '../source-file';

/** What a directory argument yields (globs may name any extension Loss Lab reads). */
export const WALKED_EXTENSIONS = ['.ts', '.js', '.mts', '.mjs'];
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

export interface TargetReport {
  /** The argument as given. */
  target: string;
  kind: 'file' | 'directory' | 'glob';
  /** Files it yields. */
  files: string[];
  /** Files and folders left out by a .gitignore. */
  ignored: number;
  /** Why it yields nothing, when it yields nothing. */
  empty?: string;
}

export interface Targets {
  /** Every file to check, each once, in argument order (a walk's files sorted). */
  files: string[];
  targets: TargetReport[];
}

export function expandTargets(args: readonly string[], cwd = process.cwd()): Targets {
  const seen = new Set<string>();
  const files: string[] = [];
  const targets = args.map((arg) => expandTarget(arg, cwd));
  for (const target of targets) {
    for (const file of target.files) {
      const key = path.resolve(cwd, file);
      if (seen.has(key)) continue;
      seen.add(key);
      files.push(file);
    }
  }
  return { files, targets };
}

function expandTarget(arg: string, cwd: string): TargetReport {
  const stat = statOf(path.resolve(cwd, arg));
  if (stat?.isDirectory()) {
    const walk = walkDirectory(arg, cwd, (file) => WALKED_EXTENSIONS.includes(path.extname(file).toLowerCase()));
    return withEmpty({ target: arg, kind: 'directory', ...walk }, `no ${WALKED_EXTENSIONS.join(', ')} file in it`);
  }
  const scan = picomatch.scan(arg);
  if (stat || !scan.isGlob) return { target: arg, kind: 'file', files: [arg], ignored: 0 };
  const base = scan.base === '' ? '.' : scan.base;
  const pattern = arg.replace(/^\.\//, '');
  const matches = picomatch(pattern, { dot: false, windows: false });
  if (!statOf(path.resolve(cwd, base))?.isDirectory()) return { target: arg, kind: 'glob', files: [], ignored: 0, empty: `no such folder: ${base}` };
  const walk = walkDirectory(base, cwd, (file) => SOURCE_EXTENSIONS.includes(path.extname(file).toLowerCase()) && matches(file.replace(/^\.\//, '')));
  return withEmpty({ target: arg, kind: 'glob', ...walk }, 'no TypeScript or JavaScript file matches it');
}

function withEmpty(report: TargetReport, reason: string): TargetReport {
  if (report.files.length > 0) return report;
  const skipped = report.ignored > 0 ? ` (node_modules and ${report.ignored} paths a .gitignore ignores are skipped)` : ' (node_modules is skipped)';
  return { ...report, empty: `${reason}${skipped}` };
}

interface Walk {
  files: string[];
  ignored: number;
}

interface IgnoreFile {
  /** The folder the .gitignore is in, absolute. */
  dir: string;
  rules: Ignore;
}

/**
 * Files under `dir` (a path as the user gave it, so that reported paths read like theirs) that
 * `keep` accepts, iteratively (deep trees cannot overflow the stack). Symbolic links to folders
 * are not followed: a link back up would loop.
 */
function walkDirectory(dir: string, cwd: string, keep: (file: string) => boolean): Walk {
  const files: string[] = [];
  let ignored = 0;
  const root = path.resolve(cwd, dir);
  const stack: Array<{ shown: string; abs: string; rules: IgnoreFile[] }> = [{ shown: dir, abs: root, rules: ignoreFilesAbove(root) }];
  while (stack.length > 0) {
    const { shown, abs, rules: inherited } = stack.pop()!;
    const rules = [...inherited, ...readIgnoreFile(abs)];
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch {
      continue; // An unreadable folder below the target: nothing in it can be checked either.
    }
    const below: typeof stack = [];
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const childAbs = path.join(abs, entry.name);
      const childShown = shown === '.' ? entry.name : path.join(shown, entry.name);
      if (entry.isDirectory()) {
        if (SKIPPED_DIRECTORIES.has(entry.name)) continue;
        if (isIgnored(rules, childAbs, true)) ignored++;
        else below.push({ shown: childShown, abs: childAbs, rules });
      } else if (entry.isFile() && keep(childShown.split(path.sep).join('/'))) {
        if (isIgnored(rules, childAbs, false)) ignored++;
        else files.push(childShown);
      }
    }
    // Pushed in reverse so that folders are walked in name order.
    stack.push(...below.reverse());
  }
  return { files, ignored };
}

/** The .gitignore files from the repository's root down to `dir`'s parent ([] outside a repository). */
function ignoreFilesAbove(dir: string): IgnoreFile[] {
  const chain: string[] = [];
  for (let at = path.dirname(dir); ; at = path.dirname(at)) {
    chain.unshift(at);
    if (statOf(path.join(at, '.git'))) return chain.flatMap(readIgnoreFile);
    if (path.dirname(at) === at) return [];
  }
}

function readIgnoreFile(dir: string): IgnoreFile[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, '.gitignore'), 'utf8');
  } catch {
    return [];
  }
  return [{ dir, rules: ignore().add(text) }];
}

/** As git decides: the deepest .gitignore that says something about the path wins. */
function isIgnored(files: IgnoreFile[], abs: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const { dir, rules } of files) {
    const relative = path.relative(dir, abs).split(path.sep).join('/');
    if (relative === '' || relative.startsWith('..')) continue;
    const result = rules.test(isDirectory ? `${relative}/` : relative);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}
