// Text colours that stay readable in every theme. VS Code's status colours are made for icons:
// testing.iconPassed (#73c991) on a light editor reaches 2:1, errorForeground in Light Modern 3.4:1,
// short of WCAG AA's 4.5:1 for text. Each is mixed toward the theme's foreground just enough to reach
// 4.5:1 on the panel's backgrounds; a theme whose colours already do keeps them as they are.

type Rgb = [number, number, number];

const probe = document.createElement('canvas').getContext('2d');

/** Any CSS colour as RGB (the canvas normalises it); undefined when it is not one. */
export function parseColor(text: string): Rgb | undefined {
  if (!probe || !text) return undefined;
  probe.fillStyle = '#010203';
  probe.fillStyle = text;
  const value = String(probe.fillStyle);
  if (value === '#010203' && text.trim().toLowerCase() !== '#010203') return undefined;
  const hex = /^#([0-9a-f]{6})$/i.exec(value)?.[1];
  if (hex) return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
  const rgb = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(value);
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : undefined;
}

/** WCAG 2's relative luminance and contrast ratio. */
export function contrast(a: Rgb, b: Rgb): number {
  const luminance = (c: Rgb): number => {
    const [r, g, b2] = c.map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as Rgb;
    return 0.2126 * r + 0.7152 * g + 0.0722 * b2;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const mix = (a: Rgb, b: Rgb, t: number): Rgb => a.map((v, i) => Math.round(v + (b[i] as number - v) * t)) as Rgb;
const hex = (c: Rgb): string => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** `color`, mixed toward `foreground` until it reaches `ratio` against every background. */
export function readable(color: Rgb, foreground: Rgb, backgrounds: readonly Rgb[], ratio = 4.5): Rgb {
  for (let t = 0; t <= 1.0001; t += 0.05) {
    const candidate = mix(color, foreground, t);
    if (backgrounds.every((b) => contrast(candidate, b) >= ratio)) return candidate;
  }
  return foreground;
}

const STATUS: Record<'pass' | 'warn' | 'fail', { variables: string[]; fallback: string }> = {
  pass: { variables: ['--vscode-testing-iconPassed', '--vscode-charts-green'], fallback: '#388a34' },
  warn: { variables: ['--vscode-editorWarning-foreground', '--vscode-charts-yellow'], fallback: '#bf8803' },
  fail: { variables: ['--vscode-errorForeground', '--vscode-charts-red'], fallback: '#c00000' },
};

/** Sets --ll-pass, --ll-warn and --ll-fail on the body from the theme's own colours, made readable. */
export function applyStatusColors(): void {
  const style = getComputedStyle(document.body);
  const variable = (name: string): Rgb | undefined => parseColor(style.getPropertyValue(name).trim());
  const foreground = variable('--vscode-foreground') ?? parseColor(style.color) ?? [51, 51, 51];
  const backgrounds = ['--vscode-editor-background', '--vscode-editorWidget-background'].map(variable).filter((c): c is Rgb => c !== undefined);
  if (backgrounds.length === 0) backgrounds.push(parseColor(style.backgroundColor) ?? [255, 255, 255]);
  for (const [name, { variables, fallback }] of Object.entries(STATUS)) {
    const base = variables.map(variable).find((c) => c !== undefined) ?? (parseColor(fallback) as Rgb);
    document.body.style.setProperty(`--ll-${name}`, hex(readable(base, foreground, backgrounds)));
  }
}
