import { describe, expect, it } from 'vitest';
import { composeQuery, splitQuery } from './searchQuery';

describe('search query text and filter controls', () => {
  it('composes filters after the text, quoting room names with spaces', () => {
    expect(composeQuery({ text: ' eigen ', from: '@bob', room: 'Study hall', hasLink: true, after: '2026-01-01', before: '' })).toBe(
      'eigen from:bob in:"Study hall" has:link after:2026-01-01',
    );
    expect(composeQuery({ text: '', from: '', room: '', hasLink: false, after: '', before: '' })).toBe('');
  });

  it('reads typed filters back into the controls and keeps the rest as text', () => {
    expect(splitQuery('eigen from:bob in:"Study hall" "linear map" has:link before:2026-02-01 has:file')).toEqual({
      text: 'eigen "linear map" has:file',
      from: 'bob',
      room: 'Study hall',
      hasLink: true,
      after: '',
      before: '2026-02-01',
    });
  });

  it('round-trips', () => {
    const f = { text: 'x "y z"', from: 'al', room: 'Lab 2', hasLink: false, after: '2026-01-01', before: '2026-03-01' };
    expect(splitQuery(composeQuery(f))).toEqual(f);
  });
});
