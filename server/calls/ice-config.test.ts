import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';

const dataDir = mkdtempSync(join(tmpdir(), 'commonroom-ice-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const load = (env: Record<string, string>) => loadConfig({ SESSION_SECRET: 'x'.repeat(40), ...env }, { dataDir });

describe('ICE configuration', () => {
  it('defaults to no ICE servers at all (LAN), never a public one', () => {
    expect(load({}).ice).toEqual({ stunUrls: [], turnUrls: [], turnSecret: undefined, turnTtlSeconds: 86_400 });
  });

  it('reads STUN and TURN lists and the credential lifetime', () => {
    const { ice } = load({ ICE_STUN_URLS: 'stun:a.example:3478, stuns:b.example', TURN_URLS: 'turn:t.example:3478?transport=udp,turns:t.example:5349', TURN_SECRET: 'shared-secret-123456', TURN_TTL_SECONDS: '600' });
    expect(ice).toEqual({ stunUrls: ['stun:a.example:3478', 'stuns:b.example'], turnUrls: ['turn:t.example:3478?transport=udp', 'turns:t.example:5349'], turnSecret: 'shared-secret-123456', turnTtlSeconds: 600 });
  });

  it('fails fast on TURN without a secret, and on URLs of the wrong kind', () => {
    expect(() => load({ TURN_URLS: 'turn:t.example' })).toThrow(/TURN_SECRET/);
    expect(() => load({ ICE_STUN_URLS: 'https://stun.example' })).toThrow(/ICE_STUN_URLS/);
    expect(() => load({ TURN_URLS: 'stun:x', TURN_SECRET: 'shared-secret-123456' })).toThrow(/TURN_URLS/);
  });
});
