// LL200 fix: a branch on a tensor, rewritten as the element-wise choice it meant.
//   if (c) { return a; } return b;   →  return tf.where(c, a, b);
//   if (c) return a; else return b;  →  return tf.where(c, a, b);
//   c ? a : b                        →  tf.where(c, a, b)
// A file with no tfjs import (the article's snippet as pasted) gets one in the same edit.
import ts from 'typescript';
import type { Diagnostic } from '../report';
import { findNode, offsetOf, replace, replaceNode, tfName, type Fix, type TextEdit } from './shared';

export function tensorConditionToWhere(sf: ts.SourceFile, diagnostic: Diagnostic): Fix | undefined {
  const fix = rewrite(sf, diagnostic, tfName(sf) ?? 'tf');
  if (!fix || tfName(sf)) return fix;
  return { ...fix, title: `${fix.title}, and import tf`, edits: [importTf(sf), ...fix.edits] };
}

/** `import * as tf from '@tensorflow/tfjs';` at the top (after a #! line), or require in a CommonJS file. */
function importTf(sf: ts.SourceFile): TextEdit {
  const at = sf.text.startsWith('#!') ? sf.text.indexOf('\n') + 1 : 0;
  const commonJs = /\brequire\s*\(|\bmodule\.exports\b/.test(sf.text) && !sf.statements.some((s) => ts.isImportDeclaration(s) || ts.isExportDeclaration(s));
  return replace(sf, at, at, commonJs ? "const tf = require('@tensorflow/tfjs');\n" : "import * as tf from '@tensorflow/tfjs';\n");
}

function rewrite(sf: ts.SourceFile, diagnostic: Diagnostic, tf: string): Fix | undefined {
  const start = offsetOf(sf, diagnostic.range.start);
  const end = offsetOf(sf, diagnostic.range.end);
  const condition = sf.text.slice(start, end);
  const title = `Choose element-wise with ${tf}.where(${condition.length > 24 ? `${condition.slice(0, 23)}…` : condition}, …)`;

  const ternary = findNode(sf, start, end, ts.isConditionalExpression);
  if (ternary && ternary.condition.getStart(sf) === start) {
    return { title, code: 'LL200', edits: [replaceNode(sf, ternary, `${tf}.where(${condition}, ${ternary.whenTrue.getText(sf)}, ${ternary.whenFalse.getText(sf)})`)], preferred: true };
  }
  const statement = findNode(sf, start, end, ts.isIfStatement);
  if (!statement || statement.expression.getStart(sf) !== start) return undefined;
  const whenTrue = returned(statement.thenStatement);
  if (!whenTrue) return undefined;
  if (statement.elseStatement) {
    const whenFalse = returned(statement.elseStatement);
    if (!whenFalse) return undefined;
    return { title, code: 'LL200', edits: [replaceNode(sf, statement, `return ${tf}.where(${condition}, ${whenTrue.getText(sf)}, ${whenFalse.getText(sf)});`)], preferred: true };
  }
  // if (c) { return a; } followed by return b;
  const block = statement.parent;
  if (!ts.isBlock(block)) return undefined;
  const next = block.statements[block.statements.indexOf(statement) + 1];
  if (!next || !ts.isReturnStatement(next) || !next.expression) return undefined;
  return {
    title,
    code: 'LL200',
    edits: [replace(sf, statement.getStart(sf), next.getEnd(), `return ${tf}.where(${condition}, ${whenTrue.getText(sf)}, ${next.expression.getText(sf)});`)],
    preferred: true,
  };
}

/** The expression of `return x;` or `{ return x; }`. */
function returned(statement: ts.Statement): ts.Expression | undefined {
  if (ts.isReturnStatement(statement)) return statement.expression;
  if (ts.isBlock(statement) && statement.statements.length === 1) return returned(statement.statements[0] as ts.Statement);
  return undefined;
}
