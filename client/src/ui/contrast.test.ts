/**
 * Issue 17 item 20: text colours meet WCAG AA (4.5:1 for text). Checks the design tokens in
 * styles.css for both themes, avatar initials on every palette colour, and chess coordinates.
 */
/// <reference types="node" />
// Reads the source files (Vitest runs in Node; its CSS pipeline would hand back an empty string).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { contrastRatio, readableInk } from './contrast';

const source = (rel: string) => readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8');
const css = source('../app/styles.css');
const board = source('../features/chess/components/ChessBoard.vue');

const darkStart = css.indexOf('@media (prefers-color-scheme: dark)');

function tokens(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{3,6})\s*;/gi)) out[m[1]!] = m[2]!;
  return out;
}
const light = tokens(css.slice(0, darkStart));
const dark = { ...light, ...tokens(css.slice(darkStart, css.indexOf('\n}\n', darkStart))) };

describe('WCAG AA contrast', () => {
  it('basic arithmetic matches the WCAG definition', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777', '#777')).toBe(1);
    expect(contrastRatio('#8d8d96', '#ffffff')).toBeCloseTo(3.29, 2); // the old meta grey
  });

  for (const [theme, t] of [
    ['light', light],
    ['dark', dark],
  ] as const) {
    it(`${theme} theme: body, muted and faint text (meta, keyboard hints) reach 4.5:1 on every surface`, () => {
      for (const fg of ['text', 'text-muted', 'text-faint']) {
        for (const bg of ['surface', 'bg', 'surface-2']) {
          expect(contrastRatio(t[fg]!, t[bg]!), `${fg} on ${bg}: ${t[fg]} / ${t[bg]}`).toBeGreaterThanOrEqual(4.5);
        }
      }
      expect(contrastRatio(t['accent-text']!, t['accent-soft']!)).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(t['on-accent']!, t.accent!)).toBeGreaterThanOrEqual(4.5);
    });
  }

  it('avatar initials pick the readable ink on every colour people get or pick', () => {
    // server/auth/auth.service.ts AVATAR_COLORS and ProfileDialog's swatches.
    const palette = ['#e76f51', '#2a9d8f', '#e9c46a', '#264653', '#8e7dbe', '#f4a261', '#457b9d', '#d62828', '#52b788', '#6d597a'];
    const swatches = ['#5b5bd6', '#0d9488', '#16a34a', '#ca8a04', '#ea580c', '#dc2626', '#db2777', '#7c3aed', '#2563eb', '#475569'];
    for (const c of [...palette, ...swatches]) expect(contrastRatio(readableInk(c), c), c).toBeGreaterThanOrEqual(4.5);
    // Orange and amber used to get white initials (3.1:1).
    expect(readableInk('#e76f51')).toBe('#1b1b1f');
    expect(readableInk('#f4a261')).toBe('#1b1b1f');
    expect(readableInk('#264653')).toBe('#ffffff');
  });

  it('chess board coordinates are readable on both square colours', () => {
    const v = (name: string) => new RegExp(`--${name}:\\s*(#[0-9a-f]{6})`, 'i').exec(board)![1]!;
    expect(contrastRatio(v('coord-on-light'), v('light'))).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(v('coord-on-dark'), v('dark'))).toBeGreaterThanOrEqual(4.5);
  });
});
