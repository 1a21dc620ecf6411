import { describe, expect, it } from 'vitest';
import { isBlankText, userText } from './text.js';

const INVISIBLES = ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\uFE0F', '\u200E', '\u202E', '\u2066', '\u3164', '\u2800', '\u{E0100}', ' ', '\t', '\n', '\u00A0', '\u3000'];

describe('isBlankText (issue 17 #6: invisible-only text is empty)', () => {
  it('treats every invisible character, alone or mixed, as blank', () => {
    for (const ch of INVISIBLES) expect(isBlankText(ch), `U+${ch.codePointAt(0)!.toString(16)}`).toBe(true);
    expect(isBlankText(INVISIBLES.join(''))).toBe(true);
    expect(isBlankText('')).toBe(true);
  });
  it('keeps visible text, including emoji with joiners and selectors', () => {
    for (const t of ['a', ' x ', '\u200Bhi\u200B', '👩‍💻', '❤️', '.', 'ㅤx']) expect(isBlankText(t), t).toBe(false);
  });
});

describe('userText', () => {
  it('refuses blank text in required fields, trimming by default', () => {
    const s = userText(10);
    expect(s.safeParse('\u200B\u200D\uFEFF').success).toBe(false);
    expect(s.safeParse('  hi ').data).toBe('hi');
    expect(s.safeParse('x'.repeat(11)).success).toBe(false);
  });
  it('keeps spaces when trim is off, still refusing blank text', () => {
    const s = userText(10, { trim: false });
    expect(s.safeParse('  hi').data).toBe('  hi');
    expect(s.safeParse(' \u2060 ').success).toBe(false);
  });
  it('turns blank optional text into an empty string', () => {
    const s = userText(10, { required: false });
    expect(s.parse('\u200B\u00AD')).toBe('');
    expect(s.parse('ok')).toBe('ok');
  });
});
