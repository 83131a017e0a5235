// The lossLab.* settings, read fresh each time (they may change while the extension runs).
import * as vscode from 'vscode';
import type { TaskOption } from '../core/analyze/task';
import { BACKEND_CHOICES, type BackendChoice } from '../protocol';

export interface Settings {
  task: TaskOption;
  batchSize: number;
  seed: number;
  timeoutMs: number;
  checkOnSave: boolean;
  reference: string | undefined;
  /** The preview panel's training backend; 'auto' times each and picks the fastest. */
  panelBackend: BackendChoice;
}

export function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration('lossLab');
  const reference = config.get<string>('reference', '');
  return {
    task: config.get<TaskOption>('task', 'auto'),
    batchSize: config.get<number>('batchSize', 6),
    seed: config.get<number>('seed', 1),
    timeoutMs: config.get<number>('timeoutMs', 5000),
    checkOnSave: config.get<boolean>('checkOnSave', true),
    reference: reference === '' ? undefined : reference,
    panelBackend: choice(config.get<string>('panel.backend', 'auto')),
  };
}

function choice(value: string): BackendChoice {
  return (BACKEND_CHOICES as readonly string[]).includes(value) ? (value as BackendChoice) : 'auto';
}
