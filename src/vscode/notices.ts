// Notifications to the user, kept in order as they were shown: the integration tests read what a
// user read (VS Code's API has no way to list the notifications on screen).
import * as vscode from 'vscode';

export type NoticeLevel = 'info' | 'warning';

export class Notices {
  /** Each notification as `Loss Lab: message [Button] [Button]`, oldest first (the last 50). */
  readonly shown: string[] = [];

  show(level: NoticeLevel, message: string, ...buttons: string[]): Thenable<string | undefined> {
    const text = `Loss Lab: ${message}`;
    this.shown.push([text, ...buttons.map((b) => `[${b}]`)].join(' '));
    if (this.shown.length > 50) this.shown.shift();
    return level === 'info' ? vscode.window.showInformationMessage(text, ...buttons) : vscode.window.showWarningMessage(text, ...buttons);
  }
}
