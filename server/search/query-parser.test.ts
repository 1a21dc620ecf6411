import { describe, expect, it } from 'vitest';
import { isCalendarDay, parseSearchQuery, SearchSyntaxError, toFtsMatch } from './query-parser.js';

const err = (q: string) => {
  try {
    parseSearchQuery(q);
  } catch (e) {
    if (e instanceof SearchSyntaxError) return e.message;
    throw e;
  }
  throw new Error(`parsed: ${q}`);
};

describe('parseSearchQuery', () => {
  it('splits words, phrases and filters', () => {
    expect(parseSearchQuery('eigen  "linear map" from:@Alice in:"Study hall" in:42 has:LINK before:2026-02-01 after:2026-01-01')).toEqual({
      terms: [
        { text: 'eigen', phrase: false },
        { text: 'linear map', phrase: true },
      ],
      from: ['alice'],
      in: ['Study hall', '42'],
      has: ['link'],
      before: '2026-02-01',
      after: '2026-01-01',
    });
  });

  it('keeps unknown key:value words as text, and drops words without letters or digits', () => {
    expect(parseSearchQuery('http://x.org re:exam *** ( -').terms).toEqual([
      { text: 'http://x.org', phrase: false },
      { text: 're:exam', phrase: false },
    ]);
  });

  it('accepts filters alone', () => {
    expect(parseSearchQuery('from:bob').from).toEqual(['bob']);
    expect(parseSearchQuery('has:file').has).toEqual(['file']);
  });

  it('refuses what it cannot mean, saying how to fix it', () => {
    expect(err('')).toMatch(/Type a word/);
    expect(err('   *** "" ')).toMatch(/Type a word/);
    expect(err('"unclosed phrase')).toMatch(/quote/);
    expect(err('from:')).toMatch(/from: needs a value/);
    expect(err('from: bob')).toMatch(/needs a value/);
    expect(err('from:<script>')).toMatch(/username/);
    expect(err('has:pdf')).toMatch(/link or file/);
    expect(err('before:2026-02-30')).toMatch(/YYYY-MM-DD/);
    expect(err('after:yesterday')).toMatch(/YYYY-MM-DD/);
    expect(err('after:2026-02-01 before:2026-01-01')).toMatch(/earlier/);
    expect(err(Array.from({ length: 17 }, (_, i) => `w${i}`).join(' '))).toMatch(/at most 16/);
    expect(err('in:"' + 'x'.repeat(61) + '"')).toMatch(/60/);
  });
});

describe('toFtsMatch', () => {
  it('quotes every term, so FTS5 operators and quotes are plain text', () => {
    expect(toFtsMatch([{ text: 'eig', phrase: false }])).toBe('"eig"*');
    expect(toFtsMatch([{ text: 'a', phrase: false }])).toBe('"a"');
    expect(toFtsMatch([{ text: 'say "hi"', phrase: true }])).toBe('"say ""hi"""');
    expect(toFtsMatch(parseSearchQuery('NEAR(a b) OR col:x AND -y').terms)).toBe('"NEAR(a"* AND "b)"* AND "OR"* AND "col:x"* AND "AND"* AND "-y"*');
    expect(toFtsMatch([])).toBeNull();
  });
});

describe('isCalendarDay', () => {
  it('knows real days', () => {
    expect(isCalendarDay('2024-02-29')).toBe(true);
    expect(isCalendarDay('2025-02-29')).toBe(false);
    expect(isCalendarDay('2025-13-01')).toBe(false);
    expect(isCalendarDay('1969-12-31')).toBe(false);
    expect(isCalendarDay('2025-1-1')).toBe(false);
  });
});
