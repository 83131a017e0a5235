// The `@lossTask` JSDoc tag (`@lossTask categorical [8, 10]`): read from text alone, with no
// TypeScript, so that the runtime (and the editor that starts it) need not load the compiler.
import { TASKS, type Task } from '../report';

function isTask(value: string | undefined): value is Task {
  return (TASKS as readonly string[]).includes(value ?? '');
}

export interface TaskTag {
  task?: Task;
  /** `[batch, width]` or `[batch]` from the tag. */
  batch?: number;
  width?: number;
}

/** `@lossTask categorical [8, 10]` in a comment: the task and the sample shape, where given. */
export function parseTaskTag(comment: string): TaskTag | undefined {
  const match = /@lossTask\s+([\w-]+)(?:\s*\[\s*(\d+)\s*(?:,\s*(\d+)\s*)?(?:,[\d\s,]*)?\])?/.exec(comment);
  if (!match) return undefined;
  const tag: TaskTag = {};
  if (isTask(match[1])) tag.task = match[1];
  const batch = match[2] === undefined ? undefined : Number(match[2]);
  // Only [batch, width] names a width: a segmentation mask's [batch, h, w, 1] gives its batch.
  const width = match[3] === undefined || /,[\d\s]*,/.test(match[0]) ? undefined : Number(match[3]);
  if (batch !== undefined && batch >= 1 && batch <= 4096) tag.batch = batch;
  if (width !== undefined && width >= 1 && width <= 4096) tag.width = width;
  return tag;
}

/**
 * The `@lossTask` tag in the JSDoc comment right before `offset` (where a loss's declaration
 * starts), if there is one: only keywords and blanks may sit between the comment and the offset.
 */
export function taskTagBefore(text: string, offset: number): TaskTag | undefined {
  const before = text.slice(Math.max(0, offset - 4000), offset);
  const end = before.lastIndexOf('*/');
  // Keywords, and the name and type of a const bound to an arrow function, may sit between them.
  if (end < 0 || !/^\s*((export|default|async|function|const|let|var|declare)\b\s*)*([\w$]+\s*(:[^=;{}]*)?=\s*)?$/.test(before.slice(end + 2))) return undefined;
  const start = before.lastIndexOf('/**', end);
  return start < 0 ? undefined : parseTaskTag(before.slice(start, end));
}
