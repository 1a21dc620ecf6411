/**
 * Pure: does a function's return value (as JSON, from the sandbox) equal a test's expected value?
 * `unordered` ignores the order of the outer array; `unordered-deep` also the order inside each
 * nested array (group anagrams: groups and their words in any order).
 */
import type { CompareMode } from '@protocol/interviews-constants.js';

function canonical(v: unknown, deep: boolean, top: boolean): string {
  if (Array.isArray(v)) {
    const items = v.map((x) => canonical(x, deep, false));
    if (top || deep) items.sort();
    return `[${items.join(',')}]`;
  }
  if (v && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k], false, false)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function sameResult(gotJson: string | undefined, expected: unknown, mode: CompareMode): boolean {
  if (gotJson === undefined) return false;
  let got: unknown;
  try {
    got = JSON.parse(gotJson);
  } catch {
    return false;
  }
  if (mode === 'exact') return canonical(got, false, false) === canonical(expected, false, false);
  if (!Array.isArray(got) || !Array.isArray(expected)) return false;
  return canonical(got, mode === 'unordered-deep', true) === canonical(expected, mode === 'unordered-deep', true);
}
