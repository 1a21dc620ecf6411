import { describe, expect, it } from 'vitest';
import { localDaySqlPg } from '../analytics/day-sql.js';
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
  it('names the zone for local days and refuses anything else', () => {
    expect(localDaySqlPg('m.created_at', 'Europe/Berlin')).toBe("to_char(to_timestamp(m.created_at / 1000.0) AT TIME ZONE 'Europe/Berlin', 'YYYY-MM-DD')");
    expect(() => localDaySqlPg('x', "UTC'; drop")).toThrow();
  });
});
