// A slider (and a number box, for exact values and the keyboard) per numeric factory parameter:
// Huber's threshold, focal's gamma and alpha. Other parameters keep their defaults.
import type { PanelLoss } from '../../src/protocol';
import { element } from './dom';

type Param = PanelLoss['params'][number];

/** A range around the default that covers the values people try: [0, 1] for weights and probabilities. */
export function rangeFor(param: Param): { min: number; max: number; step: number } {
  const value = param.value ?? 0;
  const fraction = /^(alpha|beta|weight|p|prob|probability|smoothing|label_?smoothing|epsilon|eps|quantile|tau|q)$/i.test(param.name) || (value > 0 && value < 1);
  let [min, max] = fraction ? [0, 1] : value > 0 ? [0, Math.max(4 * value, 1)] : value < 0 ? [4 * value, -4 * value] : [-1, 1];
  if (Number.isInteger(value) && !fraction && value > 0) max = Math.max(max, value + 4);
  if (value > max) max = value;
  if (value < min) min = value;
  return { min, max, step: (max - min) / 200 };
}

export class Sliders {
  private values: (number | null)[] = [];

  constructor(private readonly changed: (args: (number | null)[], values: Record<string, number>) => void) {}

  /** One row per parameter; `saved` restores the user's last values for the same loss. */
  show(params: Param[], saved: Record<string, number> | undefined): (number | null)[] {
    const box = element('sliders');
    box.replaceChildren();
    this.values = params.map((p) => (p.value === undefined ? null : (saved?.[p.name] ?? p.value)));
    params.forEach((param, i) => {
      const row = document.createElement('div');
      row.className = 'slider';
      const label = document.createElement('label');
      label.textContent = param.name;
      if (param.value === undefined) {
        label.title = 'not a number: kept at its default';
        const text = document.createElement('code');
        text.textContent = `= ${param.defaultText}`;
        row.append(label, text);
        box.append(row);
        return;
      }
      const { min, max, step } = rangeFor(param);
      const range = document.createElement('input');
      Object.assign(range, { type: 'range', min: String(min), max: String(max), step: String(step), value: String(this.values[i]), id: `param-${param.name}` });
      range.setAttribute('aria-label', `${param.name} (default ${param.defaultText})`);
      label.htmlFor = range.id;
      const number = document.createElement('input');
      Object.assign(number, { type: 'number', step: 'any', value: String(this.values[i]) });
      number.setAttribute('aria-label', `${param.name}, exact value`);
      const reset = document.createElement('button');
      reset.type = 'button';
      reset.textContent = '↺';
      reset.title = `back to the default, ${param.defaultText}`;
      const set = (value: number, from: HTMLInputElement | undefined): void => {
        if (!Number.isFinite(value)) return;
        this.values[i] = value;
        if (from !== range) range.value = String(value);
        if (from !== number) number.value = String(Number(value.toPrecision(6)));
        this.changed([...this.values], this.current(params));
      };
      range.addEventListener('input', () => set(Number(range.value), range));
      number.addEventListener('change', () => set(Number(number.value), number));
      reset.addEventListener('click', () => set(param.value as number, undefined));
      row.append(label, range, number, reset);
      box.append(row);
    });
    element('sliders-box').hidden = params.length === 0;
    return [...this.values];
  }

  private current(params: Param[]): Record<string, number> {
    const out: Record<string, number> = {};
    params.forEach((p, i) => {
      const v = this.values[i];
      if (v !== null && v !== undefined) out[p.name] = v;
    });
    return out;
  }
}
