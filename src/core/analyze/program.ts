// A TypeScript program for one file, with the types of tfjs available: the user's own tsconfig and
// tfjs when the project has them, else the declarations shipped with Loss Lab. Source files of
// libraries are parsed once and reused, and each program reuses the previous one's structure, so a
// re-analysis after an edit only parses and checks the edited file.
import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';
import { assetPaths } from './assets';
import { readRegularFile, whyNotRegular } from '../source-file';
import { parseWithinNesting, TooDeeplyNested } from './nesting';
import { TFJS_MODULE, walkTree } from './syntax';

export interface TypedFile {
  program: ts.Program;
  checker: ts.TypeChecker;
  sourceFile: ts.SourceFile;
  /** `tf.Tensor` as the file's tfjs declares it; undefined when tfjs's types cannot be found. */
  tensorType: ts.Type | undefined;
  /** Files of the project that were not read (not regular files, over 1 MB, nested too deeply), and why. */
  refused: string[];
}

const PROBE_NAME = '__loss_lab_tensor_probe__.ts';

function defaultOptions(): ts.CompilerOptions {
  // Mirrors VS Code's implicit project for files without a tsconfig.
  return {
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2020.d.ts', 'lib.dom.d.ts'],
    strictNullChecks: true,
    strictFunctionTypes: true,
    esModuleInterop: true,
    allowSyntheticDefaultImports: true,
    types: [],
  };
}

/** Options Loss Lab needs whatever the project says: nothing is emitted, JS is read. */
function forced(options: ts.CompilerOptions): ts.CompilerOptions {
  return {
    ...options,
    noEmit: true,
    allowJs: true,
    skipLibCheck: true,
    composite: false,
    incremental: false,
    declaration: false,
    emitDeclarationOnly: false,
  };
}

interface CachedFile {
  sourceFile: ts.SourceFile;
  mtimeMs: number;
}

export class TypeScriptHost {
  private readonly files = new Map<string, CachedFile>();
  private readonly exists = new Map<string, boolean>();
  private readonly configs = new Map<string, { mtimeMs: number; parsedAt: number; options: ts.CompilerOptions; files: Set<string> | undefined; refused: string[] }>();
  /** What the check under way refused to read. */
  private refused = new Set<string>();
  private readonly previous = new Map<string, ts.Program>();
  private readonly probes = new Map<string, ts.SourceFile>();
  private readonly resolutionCache = ts.createModuleResolutionCache(process.cwd(), (f) => f);
  private readonly assets = assetPaths();

  /** Type-checks a parsed file (absolute path; the file on disk need not exist or match). */
  check(userFile: ts.SourceFile): TypedFile {
    return this.checkAll([userFile])[0] as TypedFile;
  }

  /**
   * Type-checks parsed files with one program per project, as `tsc -p` does: the files a config
   * includes share its program, loose files share one per folder. A script (no import or export)
   * gets a program of its own: its top-level names are global, and would meet the other files'.
   */
  checkAll(userFiles: readonly ts.SourceFile[]): TypedFile[] {
    const groups = new Map<string, { projectKey: string; dir: string; options: ts.CompilerOptions; files: ts.SourceFile[]; refused: Set<string> }>();
    for (const sf of userFiles) {
      this.refused = new Set();
      const project = this.projectOf(sf.fileName);
      const projectKey = `${project.dir}\0${JSON.stringify(project.options)}`;
      let key = ts.isExternalModule(sf) ? projectKey : `${projectKey}\0${sf.fileName}`;
      // The same file twice (given twice on the command line): each copy needs its own program.
      for (let n = 1; groups.get(key)?.files.some((f) => f.fileName === sf.fileName); n++) key = `${projectKey}\0${sf.fileName}\0${n}`;
      const group = groups.get(key) ?? { projectKey, dir: project.dir, options: project.options, files: [], refused: new Set<string>() };
      group.files.push(sf);
      // What the analysis could not read (a FIFO where a tsconfig is looked for…) is told with every file of the project.
      for (const reason of this.refused) group.refused.add(reason);
      groups.set(key, group);
    }
    const typed = new Map<ts.SourceFile, TypedFile>();
    for (const group of groups.values()) {
      this.refused = new Set(group.refused);
      const probeNames = group.files.map((sf) => probeFor(sf));
      const probes = [...new Map(probeNames.map((p) => [p.name, p.text]))].map(([name, text]) => this.probeFile(name, text));
      const host = this.compilerHost(group.dir, [...group.files, ...probes]);
      const rootNames = [...group.files.map((sf) => sf.fileName), ...probes.map((p) => p.fileName)];
      // The project's last program: its unchanged files and structure are reused, as tsserver does.
      const program = ts.createProgram({ rootNames, options: group.options, host, oldProgram: this.previous.get(group.projectKey) });
      this.previous.set(group.projectKey, program);
      const checker = program.getTypeChecker();
      const tensorTypes = new Map(probes.map((p) => [p.fileName, tensorTypeOf(checker, program.getSourceFile(p.fileName))]));
      const refused = [...this.refused];
      group.files.forEach((sf, i) => {
        typed.set(sf, { program, checker, sourceFile: program.getSourceFile(sf.fileName) ?? sf, tensorType: tensorTypes.get(probeNames[i]?.name ?? ''), refused });
      });
    }
    return userFiles.map((sf) => typed.get(sf) as TypedFile);
  }

  /** The same probe object while its text stays the same, so the program can reuse its structure. */
  private probeFile(fileName: string, text: string): ts.SourceFile {
    const cachedProbe = this.probes.get(fileName);
    if (cachedProbe?.text === text) return cachedProbe;
    const probe = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2020, true, ts.ScriptKind.TS);
    this.probes.set(fileName, probe);
    return probe;
  }

  /**
   * The project of a file: compiler options from the nearest tsconfig.json (or jsconfig.json for
   * JavaScript) that includes it, as TypeScript's own project lookup decides, and the config's folder;
   * a file no config includes (an excluded `examples/`, a loose script) gets the defaults VS Code's
   * TypeScript gives loose files, and its own folder.
   */
  private projectOf(fileName: string): { dir: string; options: ts.CompilerOptions } {
    const isJs = /\.[cm]?jsx?$/.test(fileName);
    const names = isJs ? ['jsconfig.json', 'tsconfig.json'] : ['tsconfig.json'];
    const onDisk = statOrUndefined(fileName);
    let dir = path.dirname(fileName);
    for (;;) {
      for (const name of names) {
        const candidate = path.join(dir, name);
        const stat = statOrUndefined(candidate);
        if (!stat || stat.isDirectory()) continue;
        const refused = whyNotRegular(candidate, stat);
        if (refused) {
          this.refused.add(refused);
          continue;
        }
        const config = this.readConfig(candidate, stat.mtimeMs, onDisk?.mtimeMs);
        // A file not on disk yet (an unsaved editor) cannot be matched against the config's file list.
        if (!onDisk || !config.files || config.files.has(path.resolve(fileName))) return { dir, options: forced(config.options) };
      }
      const parent = path.dirname(dir);
      if (parent === dir || path.basename(dir) === 'node_modules') return { dir: path.dirname(fileName), options: forced(defaultOptions()) };
      dir = parent;
    }
  }

  private readConfig(configPath: string, mtimeMs: number, fileMtimeMs = 0): { options: ts.CompilerOptions; files: Set<string> | undefined } {
    const hit = this.configs.get(configPath);
    // Parsed again when the config changed, or when the file is newer than the parse (a new file the config may include).
    if (hit && hit.mtimeMs === mtimeMs && fileMtimeMs <= hit.parsedAt) {
      for (const reason of hit.refused) this.refused.add(reason);
      return hit;
    }
    const before = new Set(this.refused);
    // The config and every `extends` are read through the guarded reader: a symlink to /dev/zero is refused, not read.
    const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
      ...ts.sys,
      readFile: (f) => this.readProjectFile(f),
      onUnRecoverableConfigFileDiagnostic: () => undefined,
    });
    // An unreadable tsconfig falls back to the defaults; its own errors are the project's business.
    const options = parsed ? { ...parsed.options, configFilePath: undefined } : defaultOptions();
    const files = parsed ? new Set(parsed.fileNames.map((f) => path.resolve(f))) : undefined;
    const entry = { mtimeMs, parsedAt: Date.now(), options, files, refused: [...this.refused].filter((r) => !before.has(r)) };
    this.configs.set(configPath, entry);
    return entry;
  }

  private compilerHost(dir: string, inMemory: ts.SourceFile[]): ts.CompilerHost {
    const memory = new Map(inMemory.map((sf) => [sf.fileName, sf]));
    const libDir = this.assets.typescriptLib;
    const tfjsContainingFile = path.join(this.assets.tfjsTypesRoot, PROBE_NAME);
    const host: ts.CompilerHost = {
      getSourceFile: (fileName, languageVersion) => memory.get(fileName) ?? this.sourceFile(fileName, languageVersion),
      getDefaultLibFileName: (o) => path.join(libDir, ts.getDefaultLibFileName(o)),
      getDefaultLibLocation: () => libDir,
      writeFile: () => undefined,
      getCurrentDirectory: () => dir,
      getCanonicalFileName: (f) => f,
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
      getNewLine: () => '\n',
      fileExists: (f) => memory.has(f) || this.fileExists(f),
      readFile: (f) => memory.get(f)?.text ?? this.readProjectFile(f),
      directoryExists: (d) => this.directoryExists(d),
      realpath: ts.sys.realpath,
      getDirectories: ts.sys.getDirectories,
      // Shared with module resolution so that package.json scopes are read once, not per file per program.
      getModuleResolutionCache: () => this.resolutionCache,
      resolveModuleNameLiterals: (literals, containingFile, _redirected, opts) =>
        literals.map((literal) => {
          const name = literal.text;
          const found = ts.resolveModuleName(name, containingFile, opts, host, this.resolutionCache);
          if (found.resolvedModule || !TFJS_MODULE.test(name.split('/').slice(0, 2).join('/'))) return found;
          // The project has no tfjs of its own: use the declarations shipped with Loss Lab. Packages
          // it does not ship (tfjs-node, tfjs-node-gpu, other backends) re-export tfjs's API.
          const shipped = ts.resolveModuleName(name, tfjsContainingFile, opts, host, this.resolutionCache);
          return shipped.resolvedModule ? shipped : ts.resolveModuleName('@tensorflow/tfjs', tfjsContainingFile, opts, host, this.resolutionCache);
        }),
    };
    return host;
  }

  private sourceFile(fileName: string, languageVersion: ts.ScriptTarget | ts.CreateSourceFileOptions): ts.SourceFile | undefined {
    const immutable = isImmutable(fileName, this.assets.typescriptLib);
    const cachedFile = this.files.get(fileName);
    if (cachedFile && immutable) return cachedFile.sourceFile;
    const stat = statOrUndefined(fileName);
    if (!stat) return undefined;
    if (cachedFile && cachedFile.mtimeMs === stat.mtimeMs) return cachedFile.sourceFile;
    const text = immutable ? ts.sys.readFile(fileName) : this.readProjectFile(fileName);
    if (text === undefined) return undefined;
    // As tsc parses them: the binder sets the parent pointers, and of the JSDoc in TypeScript files
    // only what type errors need (tfjs's declarations are mostly comments). The file analysed is
    // parsed in full by the Analyzer, never here; a project's other files are refused when they nest
    // too deeply for TypeScript.
    const options = { ...(typeof languageVersion === 'object' ? languageVersion : { languageVersion }), jsDocParsingMode: ts.JSDocParsingMode.ParseForTypeErrors };
    let sourceFile: ts.SourceFile;
    try {
      sourceFile = immutable ? ts.createSourceFile(fileName, text, options, false) : parseWithinNesting(fileName, text, /\.json$/i.test(fileName) ? ts.ScriptKind.JSON : scriptKind(fileName), options);
    } catch (error) {
      if (!(error instanceof TooDeeplyNested)) throw error;
      this.refused.add(`${fileName} is nested too deeply to analyse: not read`);
      return undefined;
    }
    this.files.set(fileName, { sourceFile, mtimeMs: stat.mtimeMs });
    return sourceFile;
  }

  /** A file of the project (not an installed package's): read only if it is a regular file of at most 1 MB. */
  private readProjectFile(fileName: string): string | undefined {
    const read = readRegularFile(fileName);
    if (read && 'refused' in read) this.refused.add(read.refused);
    return read && 'text' in read ? read.text : undefined;
  }

  private fileExists(fileName: string): boolean {
    if (!isImmutable(fileName, this.assets.typescriptLib)) {
      // A FIFO or a device where a module is looked for is named, not silently skipped.
      const stat = statOrUndefined(fileName);
      if (stat && !stat.isFile() && !stat.isDirectory()) this.refused.add(whyNotRegular(fileName, stat) as string);
      return stat?.isFile() === true;
    }
    let known = this.exists.get(fileName);
    if (known === undefined) this.exists.set(fileName, (known = ts.sys.fileExists(fileName)));
    return known;
  }

  private directoryExists(dirName: string): boolean {
    const key = `${dirName}/`;
    if (!isImmutable(dirName, this.assets.typescriptLib)) return ts.sys.directoryExists(dirName);
    let known = this.exists.get(key);
    if (known === undefined) this.exists.set(key, (known = ts.sys.directoryExists(dirName)));
    return known;
  }
}

/** Installed packages and TypeScript's libs do not change while we run; the user's files do. */
function isImmutable(fileName: string, libDir: string): boolean {
  return fileName.includes(`${path.sep}node_modules${path.sep}`) || fileName.startsWith(libDir);
}

function statOrUndefined(fileName: string): fs.Stats | undefined {
  try {
    return fs.statSync(fileName);
  } catch {
    return undefined; // a missing file is an ordinary answer here
  }
}

export function scriptKind(fileName: string): ts.ScriptKind {
  if (/\.[cm]?js$/.test(fileName)) return ts.ScriptKind.JS;
  if (/\.jsx$/.test(fileName)) return ts.ScriptKind.JSX;
  if (/\.tsx$/.test(fileName)) return ts.ScriptKind.TSX;
  return ts.ScriptKind.TS;
}

/**
 * The probe imports Tensor from the same tfjs package the user's file imports, so both see one class;
 * one probe per folder and package, as the package resolves from the folder.
 */
function probeFor(userFile: ts.SourceFile): { name: string; text: string } {
  const specifier = tfjsSpecifier(userFile);
  const tag = specifier === '@tensorflow/tfjs' ? '' : `_${specifier.replace(/\W/g, '_')}`;
  return {
    name: path.join(path.dirname(userFile.fileName), PROBE_NAME.replace('__.ts', `${tag}__.ts`)),
    text: `import type { Tensor } from ${JSON.stringify(specifier)};\nexport declare const tensor: Tensor;\n`,
  };
}

function tfjsSpecifier(userFile: ts.SourceFile): string {
  let specifier = '@tensorflow/tfjs';
  walkTree(userFile, (node) => {
    if (!ts.isStringLiteral(node) || !TFJS_MODULE.test(node.text) || !(ts.isImportDeclaration(node.parent) || isRequireCall(node.parent))) return true;
    specifier = node.text;
    return false;
  });
  return specifier;
}

function isRequireCall(node: ts.Node): boolean {
  return ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require';
}

function tensorTypeOf(checker: ts.TypeChecker, probe: ts.SourceFile | undefined): ts.Type | undefined {
  const statement = probe?.statements[1];
  if (!statement || !ts.isVariableStatement(statement)) return undefined;
  const decl = statement.declarationList.declarations[0];
  if (!decl) return undefined;
  const type = checker.getTypeAtLocation(decl.name);
  return type.flags & ts.TypeFlags.Any ? undefined : type;
}
