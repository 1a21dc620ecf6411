import { describe, expect, it } from 'vitest';
import { parseJoinCode } from './joinCode';

describe('parseJoinCode', () => {
  it('accepts codes in any case and pasted invite links', () => {
    expect(parseJoinCode(' k7qx2m ')).toBe('K7QX2M');
    expect(parseJoinCode('https://study.example/r/K7QX2M')).toBe('K7QX2M');
    expect(parseJoinCode('http://localhost:3000/r/ab12cd/')).toBe('AB12CD');
  });
  it('refuses anything else', () => {
    expect(parseJoinCode('K7QX2')).toBeNull();
    expect(parseJoinCode('K7QX2M9')).toBeNull();
    expect(parseJoinCode('K7-X2M')).toBeNull();
  });
});
