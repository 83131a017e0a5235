// The "Get started with Loss Lab" walkthrough's commands: an example loss to work on, and its
// buttons, which run Loss Lab's editor commands on that example although the walkthrough has focus.
import * as vscode from 'vscode';
import { untitledFor } from './commands';
import { isLossDocument } from './documents';

/** The article's first Huber loss: its `if` tests a tensor (LL200); fixed, it meets LL204. */
export const EXAMPLE = `// Loss Lab's example: the Huber loss as it is often first written.
// Its \`if\` tests a tensor, which is always truthy (LL200): put the cursor on the squiggle and
// press Ctrl+. (Cmd+. on macOS) for the quick fix.
import * as tf from '@tensorflow/tfjs';

/** Huber loss: quadratic within the threshold t, linear beyond it. */
export function huberLoss(t = 1.0) {
  return (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor => {
    const error = tf.sub(yTrue, yPred);
    const withinThreshold = tf.lessEqual(tf.abs(error), t);
    if (withinThreshold) {
      return tf.mul(tf.square(error), 0.5);
    }
    return tf.sub(tf.mul(tf.abs(error), t), 0.5 * t * t);
  };
}
`;

/**
 * The steps' buttons: each runs an editor command on the example. One command per step, since a
 * step is done when its own command runs (a command run from an extension does not count).
 */
export const STEP_COMMANDS: Record<string, string> = {
  'lossLab.walkthrough.quickFix': 'editor.action.quickFix',
  'lossLab.walkthrough.check': 'lossLab.checkFile',
  'lossLab.walkthrough.preview': 'lossLab.openPreview',
  'lossLab.walkthrough.train': 'lossLab.train',
};

export function registerWalkthrough(context: vscode.ExtensionContext): void {
  let example: vscode.Uri | undefined;
  context.subscriptions.push(
    vscode.commands.registerCommand('lossLab.openExample', async () => {
      const doc = await vscode.workspace.openTextDocument(await untitledFor('lossLabExample'));
      const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside });
      await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), EXAMPLE));
      example = doc.uri;
    }),
    ...Object.entries(STEP_COMMANDS).map(([id, command]) =>
      vscode.commands.registerCommand(id, async () => {
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === example?.toString()) ?? lastLossDocument();
        if (!doc) {
          void vscode.window.showInformationMessage('Loss Lab: open the example first (or any file with a loss).');
          return;
        }
        const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside });
        if (command === 'editor.action.quickFix') placeCursorOnLoss(editor);
        await vscode.commands.executeCommand(command);
      }),
    ),
  );
}

function lastLossDocument(): vscode.TextDocument | undefined {
  const visible = vscode.window.visibleTextEditors.map((e) => e.document).filter(isLossDocument);
  return visible[visible.length - 1];
}

/** On the first Loss Lab diagnostic (where a quick fix applies), else inside the loss. */
function placeCursorOnLoss(editor: vscode.TextEditor): void {
  const diagnostic = vscode.languages.getDiagnostics(editor.document.uri).find((d) => d.source === 'Loss Lab');
  const text = editor.document.getText();
  const position = diagnostic?.range.start ?? editor.document.positionAt(Math.max(0, text.indexOf('return (yTrue')));
  editor.selection = new vscode.Selection(position, position);
  editor.revealRange(new vscode.Range(position, position));
}
