import { describe, expect, it } from 'vitest';
import { isOriginAllowed } from './origin.js';

describe('isOriginAllowed', () => {
  it('allows same host, listed origins and requests without Origin', () => {
    expect(isOriginAllowed(undefined, 'a.test', [])).toBe(true);
    expect(isOriginAllowed('http://a.test', 'a.test', [])).toBe(true);
    expect(isOriginAllowed('https://b.test', 'a.test', ['https://b.test'])).toBe(true);
  });
  it('refuses foreign and malformed origins', () => {
    expect(isOriginAllowed('http://evil.test', 'a.test', [])).toBe(false);
    expect(isOriginAllowed('null', 'a.test', [])).toBe(false);
    expect(isOriginAllowed('http://a.test.evil.test', 'a.test', [])).toBe(false);
  });
});
