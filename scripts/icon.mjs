// media/icon.png (128×128): the extension's icon, drawn as SVG and rendered by Debian's Chromium.
// A loss curve with its minimum, and the kink a threshold loss has beside it.
//   node scripts/icon.mjs
import * as path from 'node:path';
import { launchBrowser } from '../test/e2e/browser.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
// Huber's curve, δ = 1, residual −3…3, drawn in a 128-pixel square.
const points = [];
for (let i = 0; i <= 60; i++) {
  const r = -3 + (6 * i) / 60;
  const loss = Math.abs(r) <= 1 ? 0.5 * r * r : Math.abs(r) - 0.5;
  points.push(`${(20 + (88 * i) / 60).toFixed(1)},${(96 - loss * 24).toFixed(1)}`);
}
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">
  <defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#23395d"/><stop offset="1" stop-color="#14213d"/></linearGradient></defs>
  <rect x="4" y="4" width="120" height="120" rx="24" fill="url(#bg)"/>
  <line x1="20" y1="104" x2="108" y2="104" stroke="#8da9c4" stroke-width="3" stroke-linecap="round"/>
  <polyline points="${points.join(' ')}" fill="none" stroke="#ffb703" stroke-width="7" stroke-linecap="round" stroke-linejoin="round"/>
  <circle cx="64" cy="96" r="8" fill="#8ecae6" stroke="#14213d" stroke-width="3"/>
</svg>`;

const browser = await launchBrowser({ width: 128, height: 128 });
try {
  const page = await browser.newPage();
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: path.join(ROOT, 'media', 'icon.png'), omitBackground: true });
} finally {
  await browser.close();
}
