// Lines as VS Code counts them. TypeScript also ends a line at U+2028 and U+2029, VS Code only at
// \n, \r\n and \r: with TypeScript's own line map, a U+2028 in a comment would shift every range
// below it by a line. Every range Loss Lab produces goes through this map.
import type ts from 'typescript';
import type { Position } from '../report';

export class LineMap {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  /** The 0-based line and character of an offset (clamped to the text). */
  position(offset: number): Position {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: at - (this.starts[lo] as number) };
  }

  /** The offset of a position (clamped to its line and to the text). */
  offset(position: Position): number {
    const line = Math.max(0, Math.min(position.line, this.starts.length - 1));
    const start = this.starts[line] as number;
    const next = line + 1 < this.starts.length ? (this.starts[line + 1] as number) : this.text.length;
    return Math.min(start + Math.max(0, position.character), next);
  }

  /** The offset where the line holding `offset` ends, before its line break. */
  lineEnd(offset: number): number {
    const { line } = this.position(offset);
    const next = line + 1 < this.starts.length ? (this.starts[line + 1] as number) : this.text.length;
    let end = next;
    while (end > (this.starts[line] as number) && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return end;
  }
}

const maps = new WeakMap<ts.SourceFile, LineMap>();

/** The line map of a parsed file, built once. */
export function lineMapOf(sf: ts.SourceFile): LineMap {
  let map = maps.get(sf);
  if (!map) maps.set(sf, (map = new LineMap(sf.text)));
  return map;
}
