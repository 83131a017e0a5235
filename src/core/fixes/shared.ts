// What the quick fixes share: text edits with 0-based ranges, and finding nodes in the source.
import ts from 'typescript';
import { spanRange } from '../analyze/diagnostic';
import { lineMapOf } from '../analyze/lines';
import type { DiagnosticCode, Range } from '../report';
import { walkTree } from '../analyze/syntax';

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  code: DiagnosticCode;
  edits: TextEdit[];
  /** The fix to apply with one key (VS Code's preferred quick fix). */
  preferred: boolean;
}

export function replace(sf: ts.SourceFile, start: number, end: number, newText: string): TextEdit {
  return { range: spanRange(sf, start, end), newText };
}

export function replaceNode(sf: ts.SourceFile, node: ts.Node, newText: string): TextEdit {
  return replace(sf, node.getStart(sf), node.getEnd(), newText);
}

export function offsetOf(sf: ts.SourceFile, position: Range['start']): number {
  return lineMapOf(sf).offset(position);
}

/** The innermost node of a kind that spans exactly [start, end), or contains start. */
export function findNode<T extends ts.Node>(sf: ts.SourceFile, start: number, end: number, is: (n: ts.Node) => n is T): T | undefined {
  let found: T | undefined;
  walkTree(sf, (node) => {
    if (node.getStart(sf) > start || node.getEnd() < end) return false;
    if (is(node)) found = node;
    return true;
  });
  return found;
}

/** The local name of `import * as tf from '@tensorflow/tfjs'` (or require), to write tf.* calls with. */
export function tfName(sf: ts.SourceFile): string | undefined {
  for (const statement of sf.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && /^@tensorflow\/tfjs/.test(statement.moduleSpecifier.text)) {
      const bindings = statement.importClause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) return bindings.name.text;
      if (statement.importClause?.name) return statement.importClause.name.text;
    }
    if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) {
        const init = decl.initializer;
        if (ts.isIdentifier(decl.name) && init && ts.isCallExpression(init) && init.expression.getText(sf) === 'require' && /@tensorflow\/tfjs/.test(init.arguments[0]?.getText(sf) ?? '')) {
          return decl.name.text;
        }
      }
    }
  }
  // A script on a page with tfjs's <script> tag uses the global tf.
  return /\btf\./.test(sf.text) ? 'tf' : undefined;
}

export function parse(fileName: string, text: string): ts.SourceFile {
  const kind = /\.[cm]?jsx?$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
}
