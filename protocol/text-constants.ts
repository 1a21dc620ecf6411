/**
 * What counts as "nothing written" in any user text field. Zod-free so the client can use it too.
 */

/**
 * Characters that draw nothing: whitespace, zero-width and joiner characters (U+200B..U+200D,
 * U+2060..U+2064, U+FEFF), the soft hyphen, bidi controls (U+200E/F, U+202A..U+202E,
 * U+2066..U+2069, U+061C), variation selectors (U+FE00..U+FE0F, U+E0100..U+E01EF), tag characters,
 * and the blank fillers people paste to fake an empty name (Hangul fillers, braille blank).
 */
const INVISIBLE =
  /[\s\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u2800\u3164\uFE00-\uFE0F\uFEFF\uFFA0\u{1D159}\u{1D173}-\u{1D17A}\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}]/gu;

/** Pure: true when `text` has nothing a reader could see. */
export function isBlankText(text: string): boolean {
  return text.replace(INVISIBLE, '').length === 0;
}
