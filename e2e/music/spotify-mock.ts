/**
 * A tiny stand-in for Spotify's accounts and Web API hosts on 127.0.0.1, for the end-to-end spec
 * (the browser-driven server is a separate process, so nock cannot reach into it). It checks what
 * matters (client credentials, PKCE verifier, bearer tokens) and records player calls.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fxMe, fxSearch, fxToken, fxTrack } from '../../server/music/spotify-fixtures.js';

export interface MockProfile {
  id: string;
  product: 'premium' | 'free';
  displayName: string;
}

export interface PlayCall {
  spotifyUser: string;
  uris: string[];
  positionMs: number;
  at: number;
}

export const CATALOGUE = [
  fxTrack('weightless', { title: 'Weightless', artist: 'Marconi Union', durationMs: 480_000 }),
  fxTrack('says', { title: 'Says', artist: 'Nils Frahm', durationMs: 499_000 }),
  fxTrack('nuvole', { title: 'Nuvole Bianche', artist: 'Ludovico Einaudi', durationMs: 357_000 }),
];

export async function startSpotifyMock(clientId: string, clientSecret: string) {
  /** The Spotify identity the next consent screen "signs in" as. */
  let nextProfile: MockProfile = { id: 'ada', product: 'premium', displayName: 'Ada' };
  const codes = new Map<string, { challenge: string; profile: MockProfile; redirectUri: string }>();
  const tokens = new Map<string, MockProfile>();
  const refreshTokens = new Map<string, MockProfile>();
  const plays: PlayCall[] = [];
  const unexpected: string[] = [];
  let n = 0;

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => resolve(data));
    });
  const who = (req: IncomingMessage) => tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://mock');
    const body = await readBody(req);
    if (req.method === 'GET' && url.pathname === '/authorize') {
      const p = url.searchParams;
      if (p.get('client_id') !== clientId || p.get('code_challenge_method') !== 'S256' || !p.get('state')) return json(res, 400, { error: 'invalid_request' });
      const code = `code-${++n}`;
      codes.set(code, { challenge: p.get('code_challenge')!, profile: nextProfile, redirectUri: p.get('redirect_uri')! });
      const back = new URL(p.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', p.get('state')!);
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (req.method === 'POST' && url.pathname === '/api/token') {
      if (req.headers.authorization !== `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`) return json(res, 401, { error: 'invalid_client' });
      const form = new URLSearchParams(body);
      if (form.get('grant_type') === 'authorization_code') {
        const c = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        if (!c || c.redirectUri !== form.get('redirect_uri') || createHash('sha256').update(verifier).digest('base64url') !== c.challenge) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid authorization code' });
        }
        const access = `acc-${c.profile.id}-${++n}`;
        const refresh = `ref-${c.profile.id}-${n}`;
        tokens.set(access, c.profile);
        refreshTokens.set(refresh, c.profile);
        return json(res, 200, fxToken(access, refresh));
      }
      if (form.get('grant_type') === 'refresh_token') {
        const profile = refreshTokens.get(form.get('refresh_token') ?? '');
        if (!profile) return json(res, 400, { error: 'invalid_grant', error_description: 'Refresh token revoked' });
        const access = `acc-${profile.id}-${++n}`;
        tokens.set(access, profile);
        return json(res, 200, fxToken(access));
      }
      return json(res, 400, { error: 'unsupported_grant_type' });
    }
    if (url.pathname.startsWith('/v1/')) {
      const profile = who(req);
      if (!profile) return json(res, 401, { error: { status: 401, message: 'Invalid access token' } });
      if (req.method === 'GET' && url.pathname === '/v1/me') return json(res, 200, fxMe(profile.id, profile.product, profile.displayName));
      if (req.method === 'GET' && url.pathname === '/v1/search') {
        const q = (url.searchParams.get('q') ?? '').toLowerCase();
        return json(res, 200, fxSearch(CATALOGUE.filter((t) => `${t.name} ${t.artists[0]!.name}`.toLowerCase().includes(q)), q));
      }
      const track = /^\/v1\/tracks\/([A-Za-z0-9]{22})$/.exec(url.pathname);
      if (req.method === 'GET' && track) {
        const t = CATALOGUE.find((x) => x.id === track[1]);
        return t ? json(res, 200, t) : json(res, 404, { error: { status: 404, message: 'Non existing id' } });
      }
      if (req.method === 'PUT' && url.pathname === '/v1/me/player/play') {
        if (profile.product !== 'premium') return json(res, 403, { error: { status: 403, message: 'Player command failed: Premium required', reason: 'PREMIUM_REQUIRED' } });
        const b = JSON.parse(body || '{}') as { uris?: string[]; position_ms?: number };
        plays.push({ spotifyUser: profile.id, uris: b.uris ?? [], positionMs: b.position_ms ?? 0, at: Date.now() });
        res.writeHead(204);
        return res.end();
      }
      if (req.method === 'GET' && url.pathname === '/v1/me/player/currently-playing') {
        res.writeHead(204);
        return res.end();
      }
      if (req.method === 'PUT' && url.pathname === '/v1/me/player/pause') {
        res.writeHead(204);
        return res.end();
      }
    }
    unexpected.push(`${req.method} ${url.pathname}`);
    json(res, 404, { error: { status: 404, message: 'Service not found' } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    plays,
    unexpected,
    signInAs(p: MockProfile) {
      nextProfile = p;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
