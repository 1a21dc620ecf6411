import { describe, expect, it } from 'vitest';
import { safeNext } from './safeNext';

describe('safeNext', () => {
  it('accepts local paths', () => {
    expect(safeNext('/r/K7QX2M')).toBe('/r/K7QX2M');
    expect(safeNext(['/rooms/3'])).toBe('/rooms/3');
  });
  it('refuses other sites and loops', () => {
    expect(safeNext('https://evil.example')).toBeNull();
    expect(safeNext('//evil.example')).toBeNull();
    expect(safeNext('/\\evil.example')).toBeNull();
    expect(safeNext('/login')).toBeNull();
    expect(safeNext(undefined)).toBeNull();
  });
});
