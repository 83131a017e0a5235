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

/** A file the analysis refused to read, and why (shown as a diagnostic or a CLI message). */
export interface RefusedRead {
  refused: string;
}

/**
 * The text of a workspace file the analysis reads (a tsconfig, an `extends`, an imported module), only
 * if it is a regular file of at most `max` bytes: a symlink to /dev/zero, a FIFO, a socket or a huge
 * file is refused with the reason, never read. Undefined when the file does not exist.
 */
export function readRegularFile(file: string, max = MAX_SOURCE_BYTES): { text: string } | RefusedRead | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? undefined : { refused: `${file} cannot be read (${code ?? String(error)})` };
  }
  const wrong = whyNotRegular(file, stat, max);
  if (wrong) return { refused: wrong };
  let fd: number;
  try {
    // Non-blocking, and checked again on the open file: a FIFO swapped in after the stat cannot hang the read.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    return { refused: `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  try {
    const opened = fs.fstatSync(fd);
    const changed = whyNotRegular(file, opened, max);
    if (changed) return { refused: changed };
    const bytes = Buffer.alloc(opened.size);
    let read = 0;
    while (read < bytes.length) {
      const n = fs.readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    const text = bytes.subarray(0, read).toString('utf8');
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch (error) {
    return { refused: `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  } finally {
    fs.closeSync(fd);
  }
}

/** Why a file is not read (not a regular file, or over `max` bytes), or undefined when it can be. */
export function whyNotRegular(file: string, stat: fs.Stats, max = MAX_SOURCE_BYTES): string | undefined {
  if (!stat.isFile()) return `${file} is ${kindOf(stat)}, not a regular file: not read`;
  if (stat.size > max) return `${file} is ${(stat.size / 1024 / 1024).toFixed(1)} MB, over the ${max / 1024 / 1024} MB Loss Lab reads: not read`;
  return undefined;
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}
