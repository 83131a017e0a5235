// lossLab.include / lossLab.exclude: which files Loss Lab analyses in the editor, in the Testing
// view's discovery and in Check Workspace. Untitled editors are always analysed.
import * as vscode from 'vscode';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE, joinedGlob, scopeFilter } from '../core/file-scope';

function settings(): { include: string[]; exclude: string[] } {
  const config = vscode.workspace.getConfiguration('lossLab');
  return { include: config.get<string[]>('include', DEFAULT_INCLUDE), exclude: config.get<string[]>('exclude', DEFAULT_EXCLUDE) };
}

/** Whether a document's file is one Loss Lab analyses. */
export function inScope(uri: vscode.Uri): boolean {
  if (uri.scheme === 'untitled') return true;
  const { include, exclude } = settings();
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  // Outside every folder the globs meet the whole path (`**/node_modules/**` still applies).
  const relative = folder ? vscode.workspace.asRelativePath(uri, false) : uri.path;
  return scopeFilter(include, exclude)(relative);
}

/** The workspace's files in scope, at most `max`. */
export async function findFilesInScope(max: number, token?: vscode.CancellationToken): Promise<vscode.Uri[]> {
  const { include, exclude } = settings();
  const excludeGlob = joinedGlob(exclude);
  const found = new Map<string, vscode.Uri>();
  for (const pattern of include) {
    for (const uri of await vscode.workspace.findFiles(pattern, excludeGlob, max, token)) found.set(uri.toString(), uri);
  }
  return [...found.values()].filter(inScope).slice(0, max);
}
