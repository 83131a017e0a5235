// Which files Loss Lab analyses in the editor: the `lossLab.include` and `lossLab.exclude` globs
// (VS Code's glob syntax, matched against the path relative to the workspace folder).
import picomatch from 'picomatch';

export const DEFAULT_INCLUDE = ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'];
export const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/dist/**', '**/build/**', '**/out/**', '**/*.d.ts'];

/** A test of a path relative to its workspace folder, with `/` separators. */
export type ScopeFilter = (relativePath: string) => boolean;

export function scopeFilter(include: readonly string[], exclude: readonly string[]): ScopeFilter {
  // dot: a folder named .config holds code like any other.
  const options = { dot: true, windows: false };
  const included = include.length === 0 ? () => false : picomatch([...include], options);
  const excluded = exclude.length === 0 ? () => false : picomatch([...exclude], options);
  return (relativePath) => {
    const path = relativePath.replace(/^\/+/, '');
    return included(path) && !excluded(path);
  };
}

/**
 * A single glob for VS Code's findFiles (`{a,b}`), or undefined where a pattern has braces of its
 * own (findFiles does not nest them): the filter above then decides alone.
 */
export function joinedGlob(patterns: readonly string[]): string | undefined {
  if (patterns.length === 1) return patterns[0];
  if (patterns.some((p) => /[{}]/.test(p))) return undefined;
  return `{${patterns.join(',')}}`;
}
