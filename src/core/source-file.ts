// Reading a loss file from disk, with a message that names the file for each way it can be wrong.
import * as fs from 'fs';
import * as path from 'path';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** A loss module is rarely over 100 KB; past this it is generated code or the wrong file. */
export const MAX_SOURCE_BYTES = 1024 * 1024;

export class SourceFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'SourceFileError';
  }
}

/** The text of a loss file, or a SourceFileError that says what is wrong with it. */
export function readSourceFile(file: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SourceFileError(file, code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot be read (${code ?? String(error)})`);
  }
  if (stat.isDirectory()) {
    throw new SourceFileError(file, `${file} is a directory: pass the loss files themselves, e.g. ${path.join(file, '*.ts')}`);
  }
  if (!stat.isFile()) throw new SourceFileError(file, `${file} is not a regular file`);
  if (!SOURCE_EXTENSIONS.includes(path.extname(file).toLowerCase())) {
    throw new SourceFileError(file, `${file} is not a TypeScript or JavaScript file (expected ${SOURCE_EXTENSIONS.join(', ')})`);
  }
  if (stat.size > MAX_SOURCE_BYTES) {
    const mb = (stat.size / 1024 / 1024).toFixed(1);
    throw new SourceFileError(file, `${file} is ${mb} MB; Loss Lab reads loss files of up to ${MAX_SOURCE_BYTES / 1024 / 1024} MB`);
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new SourceFileError(file, `${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (bytes.subarray(0, 8192).includes(0)) throw new SourceFileError(file, `${file} is not a text file (it contains NUL bytes)`);
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
