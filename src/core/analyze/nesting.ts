// How deeply a file nests, measured without recursion. TypeScript's parser and checker recurse once
// or more per level of the syntax tree, so a hostile file (500 nested calls) overflows the stack
// inside TypeScript, where Loss Lab cannot make the walk iterative. Such a file is kept out of the
// TypeScript program and reported once, so that it cannot take other files' reports with it.
import ts from 'typescript';

/**
 * Levels of the syntax tree allowed. Real code nests a few dozen levels; TypeScript's checker
 * overflowed Node's default stack from about 410 nested calls, 530 nested objects and 600 chained
 * methods (1,200 levels), so this keeps a margin of more than two on the cheapest case.
 */
export const MAX_NESTING = 200;

/**
 * The first node nested deeper than `limit` levels, or undefined. A binary expression's left operand
 * costs no level: `a - a - a …` nests to the left, and TypeScript checks such chains without recursion.
 */
export function tooDeeplyNested(sf: ts.SourceFile, limit = MAX_NESTING): ts.Node | undefined {
  const nodes: ts.Node[] = [sf];
  const depths: number[] = [0];
  while (nodes.length > 0) {
    const node = nodes.pop() as ts.Node;
    const depth = depths.pop() as number;
    if (depth > limit) return node;
    const chained = ts.isBinaryExpression(node);
    ts.forEachChild(node, (child) => {
      nodes.push(child);
      depths.push(chained && child === (node as ts.BinaryExpression).left ? depth : depth + 1);
    });
  }
  return undefined;
}

/** Thrown where the analysis of one file overflowed the stack, or would have. */
export class TooDeeplyNested extends Error {
  constructor(readonly offset: number) {
    super('nested too deeply to analyse');
    this.name = 'TooDeeplyNested';
  }
}

/** Whether an error is V8's stack overflow (the only RangeError with this message). */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack size/i.test(error.message);
}

/**
 * Parses `text`, or throws TooDeeplyNested at the place it nests too deeply: where the tree passes the
 * limit, or, when TypeScript's parser itself overflowed, where brackets nest deepest.
 */
export function parseWithinNesting(
  fileName: string,
  text: string,
  kind: ts.ScriptKind,
  languageVersion: ts.ScriptTarget | ts.CreateSourceFileOptions = ts.ScriptTarget.Latest,
): ts.SourceFile {
  let sf: ts.SourceFile;
  try {
    sf = ts.createSourceFile(fileName, text, languageVersion, true, kind);
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    throw new TooDeeplyNested(deepestBracket(text, kind));
  }
  const deep = tooDeeplyNested(sf);
  if (deep) throw new TooDeeplyNested(deep.getStart(sf));
  return sf;
}

/** The offset of the most deeply nested opening bracket, by TypeScript's scanner (iterative). */
export function deepestBracket(text: string, kind: ts.ScriptKind): number {
  const variant = kind === ts.ScriptKind.TSX || kind === ts.ScriptKind.JSX ? ts.LanguageVariant.JSX : ts.LanguageVariant.Standard;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, variant, text);
  let depth = 0;
  let deepest = 0;
  let at = 0;
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token === ts.SyntaxKind.OpenParenToken || token === ts.SyntaxKind.OpenBracketToken || token === ts.SyntaxKind.OpenBraceToken) {
      depth += 1;
      if (depth > deepest) [deepest, at] = [depth, scanner.getTokenStart()];
    } else if (token === ts.SyntaxKind.CloseParenToken || token === ts.SyntaxKind.CloseBracketToken || token === ts.SyntaxKind.CloseBraceToken) {
      depth = Math.max(0, depth - 1);
    }
  }
  return at;
}
