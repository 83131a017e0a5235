// Small DOM helpers of the panel's page.

/** The element with this id, of this type: the page's HTML (src/webview-html.ts) guarantees both. */
export function element<T extends HTMLElement = HTMLElement>(id: string, type?: new () => T): T {
  const found = document.getElementById(id);
  if (!found || (type && !(found instanceof type))) throw new Error(`the panel's page has no ${type?.name ?? 'element'} #${id}`);
  return found as T;
}

/** Four significant digits, without trailing zeros; exponents for the very large and the very small. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const magnitude = Math.abs(x);
  if (magnitude >= 1e5 || magnitude < 1e-3) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}

/** Replaces a node's children with a text. */
export function say(id: string, text: string): void {
  element(id).textContent = text;
}
