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

/** Commands the walkthrough's steps may run on the example. */
const STEP_COMMANDS = new Set(['lossLab.checkFile', 'lossLab.checkLoss', 'lossLab.openPreview', 'lossLab.train', 'editor.action.quickFix']);

export function registerWalkthrough(context: vscode.ExtensionContext): void {
  let example: vscode.Uri | undefined;
  context.subscriptions.push(
    vscode.commands.registerCommand('lossLab.openExample', async () => {
      const doc = await vscode.workspace.openTextDocument(await untitledFor('huberLoss'));
      const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside });
      await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), EXAMPLE));
      example = doc.uri;
    }),
    // `command:lossLab.walkthrough.run?["lossLab.checkFile"]`: the step's command, in the example's editor.
    vscode.commands.registerCommand('lossLab.walkthrough.run', async (command: unknown) => {
      if (typeof command !== 'string' || !STEP_COMMANDS.has(command)) return;
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === example?.toString()) ?? lastLossDocument();
      if (!doc) {
        void vscode.window.showInformationMessage('Loss Lab: open the example first (or any file with a loss).');
        return;
      }
      const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside });
      if (command === 'editor.action.quickFix' || command === 'lossLab.checkLoss') placeCursorOnLoss(editor);
      await vscode.commands.executeCommand(command);
    }),
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
