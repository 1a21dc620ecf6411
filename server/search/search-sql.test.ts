import { describe, expect, it } from 'vitest';
import { toTsQuery } from './search-sql.js';

describe('PostgreSQL search query text', () => {
  it('prefixes words of 2+ characters, sequences phrases, and keeps tsquery syntax out', () => {
    expect(toTsQuery([])).toBeNull();
    expect(toTsQuery([{ text: 'Cafe', phrase: false }])).toBe("'cafe':*");
    expect(toTsQuery([{ text: 'a', phrase: false }])).toBe("'a'");
    expect(toTsQuery([{ text: 'study hall', phrase: true }, { text: 'exam', phrase: false }])).toBe("('study' <-> 'hall') & 'exam':*");
    expect(toTsQuery([{ text: "x' | !y:*", phrase: false }])).toBe("'x' & 'y'");
    expect(toTsQuery([{ text: "'&|!", phrase: false }])).toBeNull();
  });
});
