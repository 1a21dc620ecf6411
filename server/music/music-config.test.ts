import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';

const dataDir = mkdtempSync(join(tmpdir(), 'commonroom-music-config-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const load = (env: Record<string, string>) => loadConfig({ SESSION_SECRET: 'x'.repeat(40), ...env }, { dataDir });

describe('Spotify configuration', () => {
  it('is off without keys', () => {
    expect(load({}).spotify).toBeUndefined();
  });

  it('needs all three keys, naming the missing ones', () => {
    expect(() => load({ SPOTIFY_CLIENT_ID: 'abc' })).toThrow(/SPOTIFY_CLIENT_SECRET, SPOTIFY_REDIRECT_URL/);
    expect(() => load({ SPOTIFY_CLIENT_ID: 'abc', SPOTIFY_CLIENT_SECRET: 's', SPOTIFY_REDIRECT_URL: 'not a url' })).toThrow(/SPOTIFY_REDIRECT_URL/);
  });

  it('defaults to Spotify’s hosts; tests may point elsewhere', () => {
    const env = { SPOTIFY_CLIENT_ID: 'abc', SPOTIFY_CLIENT_SECRET: 's', SPOTIFY_REDIRECT_URL: 'https://study.example.org/api/music/callback' };
    expect(load(env).spotify).toEqual({ clientId: 'abc', clientSecret: 's', redirectUrl: env.SPOTIFY_REDIRECT_URL, apiUrl: 'https://api.spotify.com', accountsUrl: 'https://accounts.spotify.com' });
    expect(load({ ...env, SPOTIFY_API_URL: 'http://127.0.0.1:9999' }).spotify?.apiUrl).toBe('http://127.0.0.1:9999');
  });
});
