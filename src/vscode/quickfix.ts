// Code actions for the codes core/fixes can fix (LL100, LL200, LL204, LL205, LL300–LL303): the analysis worker computes the edits as plain
// data, VS Code shows them, and only the one the user picks is applied (one undoable edit).
import * as vscode from 'vscode';
import type { AnalysisClient } from '../core/analyze/client';
import { FIXABLE_CODES } from '../core/fixes/codes';
import type { Diagnostic } from '../core/report';
import { toRange } from './convert';
import { analysisPath } from './documents';


export class LossQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly client: AnalysisClient) {}

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      const code = typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code ?? '');
      if (diagnostic.source !== 'Loss Lab' || !(FIXABLE_CODES as readonly string[]).includes(code)) continue;
      const plain: Diagnostic = {
        code: code as Diagnostic['code'],
        severity: 'error',
        message: diagnostic.message,
        range: {
          start: { line: diagnostic.range.start.line, character: diagnostic.range.start.character },
          end: { line: diagnostic.range.end.line, character: diagnostic.range.end.character },
        },
      };
      for (const fix of await this.client.fixes(analysisPath(doc), doc.getText(), plain)) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = fix.preferred;
        action.edit = new vscode.WorkspaceEdit();
        for (const edit of fix.edits) action.edit.replace(doc.uri, toRange(edit.range), edit.newText);
        actions.push(action);
      }
    }
    return actions;
  }
}
