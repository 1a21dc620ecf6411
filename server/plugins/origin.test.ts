import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, isOriginAllowed, normalizeOrigin } from './origin.js';

const open = { allowedOrigins: [] as string[] };
const req = (origin: string | undefined, host: string, protocol = 'http') => ({ origin, host, protocol });

describe('isOriginAllowed', () => {
  it('allows requests without Origin, listed origins and the own origin on loopback or an IP address', () => {
    expect(isOriginAllowed(req(undefined, 'a.test'), open)).toBe(true);
    expect(isOriginAllowed(req('https://b.test', 'a.test'), { allowedOrigins: ['https://b.test'] })).toBe(true);
    expect(isOriginAllowed(req('http://127.0.0.1:3000', '127.0.0.1:3000'), open)).toBe(true);
    expect(isOriginAllowed(req('http://localhost:3000', 'localhost:3000'), open)).toBe(true);
    expect(isOriginAllowed(req('http://192.168.1.5:3000', '192.168.1.5:3000'), open)).toBe(true);
    expect(isOriginAllowed(req('http://[::1]:3000', '[::1]:3000'), open)).toBe(true);
    expect(isOriginAllowed(req('HTTP://127.0.0.1:80', '127.0.0.1'), open)).toBe(true);
    expect(isOriginAllowed(req('https://10.0.0.2', '10.0.0.2', 'https'), open)).toBe(true);
  });

  it('compares the scheme: an https Origin is foreign to an http server (issue 17 item 5)', () => {
    expect(isOriginAllowed(req('https://127.0.0.1:3000', '127.0.0.1:3000'), open)).toBe(false);
    expect(isOriginAllowed(req('http://10.0.0.2', '10.0.0.2', 'https'), open)).toBe(false);
  });

  it('compares the port', () => {
    expect(isOriginAllowed(req('http://127.0.0.1:4000', '127.0.0.1:3000'), open)).toBe(false);
    expect(isOriginAllowed(req('https://b.test:8443', 'a.test'), { allowedOrigins: ['https://b.test'] })).toBe(false);
  });

  it('does not trust a DNS name taken from the Host header (DNS rebinding), unless it is the bound HOST', () => {
    expect(isOriginAllowed(req('http://rebind.evil.test:3000', 'rebind.evil.test:3000'), open)).toBe(false);
    expect(isOriginAllowed(req('http://studybox.lan:3000', 'studybox.lan:3000'), { allowedOrigins: [], bindHost: 'studybox.lan' })).toBe(true);
    expect(isOriginAllowed(req('http://other.lan:3000', 'other.lan:3000'), { allowedOrigins: [], bindHost: 'studybox.lan' })).toBe(false);
  });

  it('with PUBLIC_URL / ALLOWED_ORIGINS set accepts only those (and the own loopback origin)', () => {
    const policy = { allowedOrigins: ['https://study.example.org'] };
    expect(isOriginAllowed(req('https://study.example.org', 'study.example.org', 'https'), policy)).toBe(true);
    expect(isOriginAllowed(req('http://study.example.org', 'study.example.org'), policy)).toBe(false);
    expect(isOriginAllowed(req('http://evil.test', 'evil.test'), policy)).toBe(false);
    expect(isOriginAllowed(req('http://192.168.1.5:3000', '192.168.1.5:3000'), policy)).toBe(false);
    expect(isOriginAllowed(req('http://localhost:3000', 'localhost:3000'), policy)).toBe(true);
    expect(isOriginAllowed(req('http://localhost:3000', 'evil.test'), policy)).toBe(false);
  });

  it('refuses foreign and malformed origins', () => {
    expect(isOriginAllowed(req('http://evil.test', '10.0.0.2'), open)).toBe(false);
    expect(isOriginAllowed(req('null', '10.0.0.2'), open)).toBe(false);
    expect(isOriginAllowed(req('http://10.0.0.2.evil.test', '10.0.0.2'), open)).toBe(false);
    expect(isOriginAllowed(req('file:///etc', '10.0.0.2'), open)).toBe(false);
    expect(isOriginAllowed(req('http://10.0.0.2', ''), open)).toBe(false);
  });
});

describe('helpers', () => {
  it('normalizes origins and recognises loopback addresses', () => {
    expect(normalizeOrigin('HTTPS://Study.Example.org:443/')).toBe('https://study.example.org');
    expect(normalizeOrigin('javascript:alert(1)')).toBeNull();
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('10.0.0.1')).toBe(false);
    expect(isLoopbackAddress('::ffff:10.0.0.1')).toBe(false);
  });
});
