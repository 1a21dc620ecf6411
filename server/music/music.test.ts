/**
 * Music together, end to end on the server: the real app on port 0, real sockets between members,
 * and Spotify intercepted at the HTTP level with nock (no request may leave the machine).
 */
import { closeDb } from '../../db/client.js';
import { openDatabase } from '../../db/migrate.js';
import { isSqlite } from '../../db/tx.js';
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MusicSnapshot, NowPlaying, QueueItem } from '../../protocol/music.js';
import type { SpotifyConfig } from '../config.js';
import { rawDb, Client, command, newUsers, nextEvent, roomWith, sleep, startServer, type ClientSocket, type TestServer, ok } from '../test/harness.js';
import { fxCurrentlyPlaying, fxErrors, fxId, fxMe, fxPlaylistTracks, fxSearch, fxToken, fxTrack } from './spotify-fixtures.js';

const API = 'https://api.spotify.com';
const ACCOUNTS = 'https://accounts.spotify.com';
const spotify: SpotifyConfig = {
  clientId: 'test-client-id',
  clientSecret: 'test-client-secret',
  redirectUrl: 'http://127.0.0.1:3000/api/music/callback',
  apiUrl: API,
  accountsUrl: ACCOUNTS,
};
const BASIC = `Basic ${Buffer.from('test-client-id:test-client-secret').toString('base64')}`;

let server: TestServer;
let owner: Client;
let ann: Client;
let ben: Client;
let outsider: Client;
let roomId: number;
let os: ClientSocket;
let as: ClientSocket;
let bs: ClientSocket;

/** GET without following redirects (the harness client follows them). */
async function raw(c: Client, path: string): Promise<{ status: number; location: string | null; body: any }> {
  const res = await fetch(c.url + path, { redirect: 'manual', headers: c.cookie ? { cookie: c.cookie } : {} });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, location: res.headers.get('location'), body };
}

/** Starts the sign-in and returns Spotify's consent URL parameters. */
async function begin(c: Client, room?: number) {
  const r = await raw(c, `/api/music/connect${room ? `?roomId=${room}` : ''}`);
  expect(r.status).toBe(302);
  const url = new URL(r.location!);
  return { url, state: url.searchParams.get('state')!, challenge: url.searchParams.get('code_challenge')! };
}

/** Runs the whole OAuth dance against nock; returns the tokens Spotify "issued". */
async function connect(c: Client, product: 'premium' | 'free', room?: number) {
  const { state, challenge } = await begin(c, room);
  const access = `BQ-access-${c.userId}-${Math.random().toString(36).slice(2)}`;
  const refresh = `AQ-refresh-${c.userId}-${Math.random().toString(36).slice(2)}`;
  let verifierOk = false;
  nock(ACCOUNTS)
    .post('/api/token', (body: Record<string, string>) => {
      verifierOk = createHash('sha256').update(body.code_verifier ?? '').digest('base64url') === challenge;
      return body.grant_type === 'authorization_code' && body.code === 'the-code' && body.redirect_uri === spotify.redirectUrl;
    })
    .matchHeader('authorization', BASIC)
    .reply(200, fxToken(access, refresh));
  nock(API).get('/v1/me').matchHeader('authorization', `Bearer ${access}`).reply(200, fxMe(`sp${c.userId}`, product, `Spotify ${c.userId}`));
  const cb = await raw(c, `/api/music/callback?code=the-code&state=${state}`);
  expect(cb.status).toBe(302);
  expect(cb.location).toBe(room ? `/rooms/${room}?a=music&spotify=connected` : '/?spotify=connected');
  expect(verifierOk).toBe(true);
  return { access, refresh };
}

const tokens = new Map<number, { access: string; refresh: string }>();
const bearer = (c: Client) => `Bearer ${tokens.get(c.userId)!.access}`;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  server = await startServer({ config: { spotify } });
  [owner, ann, ben, outsider] = await newUsers(server, 'owner', 'ann', 'ben', 'outsider');
  roomId = (await roomWith(owner, [ann, ben])).id;
  os = await owner.socket();
  as = await ann.socket();
  bs = await ben.socket();
  for (const s of [os, as, bs]) await ok(command(s, 'room:enter', { roomId }));
});
afterEach(() => {
  // Every interceptor a test set up must have been used, and nothing unexpected was called.
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(async () => {
  for (const s of [os, as, bs]) s?.close();
  await server?.dispose();
  nock.enableNetConnect();
  nock.restore();
});

const db = () => rawDb(server.app.db);

describe('Spotify sign-in (authorization code + PKCE)', () => {
  it('redirects to Spotify with the scopes, a random state and an S256 challenge', async () => {
    const { url, state, challenge } = await begin(owner, roomId);
    expect(url.origin + url.pathname).toBe(`${ACCOUNTS}/authorize`);
    expect(url.searchParams.get('client_id')).toBe('test-client-id');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('redirect_uri')).toBe(spotify.redirectUrl);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('scope')!.split(' ').sort()).toEqual(
      ['streaming', 'user-modify-playback-state', 'user-read-currently-playing', 'user-read-email', 'user-read-playback-state', 'user-read-private'].sort(),
    );
    expect(state).toMatch(/^[\w-]{43}$/);
    expect(challenge).toMatch(/^[\w-]{43}$/);
    // Only a hash of the state is stored.
    expect(JSON.stringify((await db().all('SELECT * FROM music_auth_states')))).not.toContain(state);
  });

  it('refuses a missing, forged, foreign or reused state, and never calls Spotify for them', async () => {
    expect((await raw(owner, '/api/music/callback?code=x')).status).toBe(400);
    expect((await raw(owner, '/api/music/callback?code=x&state=forged-state')).body.error.code).toBe('VALIDATION');
    // A state started by another session (login CSRF) is refused, and burnt.
    const { state } = await begin(ann, roomId);
    expect((await raw(owner, `/api/music/callback?code=x&state=${state}`)).status).toBe(400);
    expect((await raw(ann, `/api/music/callback?code=x&state=${state}`)).status).toBe(400);
    // Used once (successfully), then refused.
    const first = await begin(owner, roomId);
    nock(ACCOUNTS).post('/api/token').reply(200, fxToken('BQ-once', 'AQ-once'));
    nock(API).get('/v1/me').reply(200, fxMe('owner', 'premium'));
    expect((await raw(owner, `/api/music/callback?code=the-code&state=${first.state}`)).location).toContain('spotify=connected');
    expect((await raw(owner, `/api/music/callback?code=the-code&state=${first.state}`)).status).toBe(400);
    // Signed out: refused.
    expect((await raw(new Client(server.url), `/api/music/callback?code=x&state=${first.state}`)).status).toBe(401);
  });

  it('an expired state or a denied consent sends the user back with a reason', async () => {
    const { state } = await begin(owner, roomId);
    (await db().run('UPDATE music_auth_states SET expires_at = 1'));
    expect((await raw(owner, `/api/music/callback?code=x&state=${state}`)).location).toBe(`/rooms/${roomId}?a=music&spotify=expired`);
    const again = await begin(owner, roomId);
    expect((await raw(owner, `/api/music/callback?error=access_denied&state=${again.state}`)).location).toBe(`/rooms/${roomId}?a=music&spotify=denied`);
    // A failed exchange at Spotify is reported, not thrown at the user.
    const third = await begin(owner);
    nock(ACCOUNTS).post('/api/token').reply(400, { error: 'invalid_grant', error_description: 'Invalid authorization code' });
    expect((await raw(owner, `/api/music/callback?code=bad&state=${third.state}`)).location).toBe('/?spotify=failed');
  });

  it('stores tokens encrypted at rest (the database never holds them) and records the product', async () => {
    tokens.set(owner.userId, await connect(owner, 'premium', roomId));
    tokens.set(ann.userId, await connect(ann, 'premium'));
    tokens.set(ben.userId, await connect(ben, 'free'));
    expect((await owner.get('/api/music/status')).body).toMatchObject({ configured: true, account: { product: 'premium', premium: true } });
    expect((await ben.get('/api/music/status')).body).toMatchObject({ account: { product: 'free', premium: false } });
    expect((await new Client(server.url).get('/api/music/status')).body).toEqual({ configured: true, account: null });
    // SQLite: the bytes of the file and its WAL; PostgreSQL: every stored column of the accounts.
    const files = isSqlite(server.app.db)
      ? (server.app.db.$client.pragma('wal_checkpoint(TRUNCATE)'),
        [server.app.config.dbFile, `${server.app.config.dbFile}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')))
      : [JSON.stringify(await db().all('SELECT * FROM music_accounts'))];
    for (const { access, refresh } of tokens.values()) {
      for (const f of files) {
        expect(f.includes(access)).toBe(false);
        expect(f.includes(refresh)).toBe(false);
      }
    }
    const row = (await db().get('SELECT access_token_enc, refresh_token_enc FROM music_accounts WHERE user_id = ?', owner.userId)) as { access_token_enc: string };
    expect(row.access_token_enc).toMatch(/^v1\./);
  });
});

describe('tokens: refresh and Spotify errors', () => {
  const track = fxTrack('search1');

  it('refreshes before expiry, once for concurrent calls', async () => {
    (await db().run('UPDATE music_accounts SET expires_at = ? WHERE user_id = ?', Date.now() + 30_000, ann.userId));
    const { refresh } = tokens.get(ann.userId)!;
    nock(ACCOUNTS)
      .post('/api/token', (b: Record<string, string>) => b.grant_type === 'refresh_token' && b.refresh_token === refresh)
      .matchHeader('authorization', BASIC)
      .delay(50)
      .reply(200, fxToken('BQ-ann-refreshed'));
    nock(API).get('/v1/search').query(true).times(2).matchHeader('authorization', 'Bearer BQ-ann-refreshed').reply(200, fxSearch([track]));
    const [a, b] = await Promise.all([ann.get(`/api/rooms/${roomId}/music/search?q=says`), ann.get(`/api/rooms/${roomId}/music/search?q=says`)]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.tracks[0]).toMatchObject({ id: track.id, title: track.name, artists: ['Nils Frahm'], artworkUrl: track.album.images[1]!.url, durationMs: 245_000 });
    tokens.set(ann.userId, { access: 'BQ-ann-refreshed', refresh });
    // Spotify did not rotate the refresh token: the old one is kept (still encrypted).
    const row = (await db().get('SELECT expires_at FROM music_accounts WHERE user_id = ?', ann.userId)) as { expires_at: number };
    expect(row.expires_at).toBeGreaterThan(Date.now() + 3000_000);
  });

  it('a 401 (expired early) refreshes and retries once', async () => {
    nock(API).get('/v1/search').query(true).matchHeader('authorization', bearer(ann)).reply(401, fxErrors.expired);
    nock(ACCOUNTS).post('/api/token').reply(200, fxToken('BQ-ann-second', 'AQ-ann-rotated'));
    nock(API).get('/v1/search').query({ q: 'says', type: 'track', limit: '10' }).matchHeader('authorization', 'Bearer BQ-ann-second').reply(200, fxSearch([track]));
    const r = await ann.get(`/api/rooms/${roomId}/music/search?q=says`);
    expect(r.status).toBe(200);
    tokens.set(ann.userId, { access: 'BQ-ann-second', refresh: 'AQ-ann-rotated' });
  });

  it('a 429 tells when to retry, and the server waits that long before calling Spotify again', async () => {
    nock(API).get('/v1/search').query(true).reply(429, fxErrors.rateLimited, { 'Retry-After': '1' });
    const r = await ann.get(`/api/rooms/${roomId}/music/search?q=says`);
    expect(r.status).toBe(429);
    expect(r.body.error).toMatchObject({ code: 'SPOTIFY_RATE_LIMITED', retryAfter: 1 });
    expect(r.headers.get('retry-after')).toBe('1');
    // No interceptor is set: had the server called Spotify, nock would have refused it (UNAVAILABLE).
    const again = await owner.get(`/api/rooms/${roomId}/music/search?q=says`);
    expect(again.body.error.code).toBe('SPOTIFY_RATE_LIMITED');
    await sleep(1100);
  });

  it('a revoked grant disconnects the account and asks to connect again', async () => {
    const [eve] = await newUsers(server, 'eve');
    await eve.post(`/api/rooms/${roomId}/join`, {});
    await connect(eve, 'premium');
    (await db().run('UPDATE music_accounts SET expires_at = 0 WHERE user_id = ?', eve.userId));
    nock(ACCOUNTS).post('/api/token').reply(400, fxErrors.invalidGrant);
    const r = await eve.get(`/api/rooms/${roomId}/music/search?q=x`);
    expect(r.body.error.code).toBe('SPOTIFY_NOT_CONNECTED');
    expect((await eve.get('/api/music/status')).body.account).toBeNull();
    await eve.post(`/api/rooms/${roomId}/leave`, {});
  });

  it('Spotify not answering is reported, not crashed on', async () => {
    nock(API).get('/v1/search').query(true).replyWithError('socket hang up');
    const r = await ann.get(`/api/rooms/${roomId}/music/search?q=says`);
    expect(r.status).toBe(502);
    expect(r.body.error.code).toBe('SPOTIFY_UNAVAILABLE');
    nock(API).get('/v1/search').query(true).reply(200, { tracks: 'nonsense' });
    expect((await ann.get(`/api/rooms/${roomId}/music/search?q=says`)).body.error.code).toBe('SPOTIFY_UNAVAILABLE');
  });
});

describe('the shared queue over sockets', () => {
  const t1 = fxTrack('q1', { durationMs: 240_000 });
  const t2 = fxTrack('q2', { title: 'Ambre', durationMs: 180_000 });
  const t3 = fxTrack('q3', { durationMs: 200_000 });

  it('adding a track queues it for everyone and starts playing when idle', async () => {
    nock(API).get(`/v1/tracks/${t1.id}`).matchHeader('authorization', bearer(owner)).reply(200, t1);
    const queued = nextEvent<{ items: QueueItem[]; seq: number }>(as, 'music:queued');
    const playing = nextEvent<{ nowPlaying: NowPlaying }>(as, 'music:playing');
    const { added } = await ok(command(os, 'music:add', { roomId, trackId: t1.id }));
    expect(added[0]!.track).toMatchObject({ id: t1.id, uri: t1.uri, title: t1.name, durationMs: 240_000 });
    expect((await queued).items[0]!.addedBy).toBe(owner.userId);
    const np = (await playing).nowPlaying;
    expect(np).toMatchObject({ status: 'playing', item: { id: added[0]!.id, addedBy: owner.userId } });
    expect(Math.abs(np.startedAt! - Date.now())).toBeLessThan(1000);
    expect(np.endsAt! - np.startedAt!).toBe(240_000);
  });

  it('a free member adds too; a playlist link adds its playable tracks', async () => {
    nock(API).get(`/v1/tracks/${t2.id}`).matchHeader('authorization', bearer(ben)).reply(200, t2);
    const added = await ok(command(bs, 'music:add', { roomId, trackId: t2.id }));
    expect(added.added[0].addedBy).toBe(ben.userId);
    const pl = fxId('playlist1');
    nock(API)
      .get(`/v1/playlists/${pl}/tracks`)
      .query(true)
      .reply(200, fxPlaylistTracks(pl, [t3, null, { ...fxTrack('local'), is_local: true }]));
    const fromPlaylist = await ok(command(as, 'music:add', { roomId, playlist: `https://open.spotify.com/playlist/${pl}?si=abc123` }));
    expect(fromPlaylist.added.map((i: QueueItem) => i.track.id)).toEqual([t3.id]);
    const snap = await ok<MusicSnapshot>(command(bs, 'music:state', { roomId }));
    expect(snap.nowPlaying!.item.track.id).toBe(t1.id);
    expect(snap.queue.map((i) => i.track.id)).toEqual([t2.id, t3.id]);
    expect(snap.seq).toBeGreaterThan(0);
  });

  it('members remove only their own tracks; moderators reorder and remove any', async () => {
    const snap = await ok<MusicSnapshot>(command(os, 'music:state', { roomId }));
    const [bens, anns] = snap.queue;
    expect(await command(as, 'music:remove', { roomId, itemId: bens!.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await command(as, 'music:move', { roomId, itemId: anns!.id, toIndex: 0 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await command(as, 'music:remove', { roomId, itemId: snap.nowPlaying!.item.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const moved = nextEvent(bs, 'music:moved');
    await ok(command(os, 'music:move', { roomId, itemId: anns!.id, toIndex: 0 }));
    expect(await moved).toMatchObject({ itemId: anns!.id, toIndex: 0 });
    expect((await ok<MusicSnapshot>(command(bs, 'music:state', { roomId }))).queue.map((i) => i.id)).toEqual([anns!.id, bens!.id]);
    const removed = nextEvent(os, 'music:removed');
    await ok(command(bs, 'music:remove', { roomId, itemId: bens!.id }));
    expect(await removed).toMatchObject({ itemId: bens!.id, by: ben.userId });
  });

  it('only moderators or the adder pause and resume; the position freezes', async () => {
    expect(await command(as, 'music:pause', { roomId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const paused = await ok<NowPlaying>(command(os, 'music:pause', { roomId }));
    expect(paused).toMatchObject({ status: 'paused', startedAt: null, endsAt: null });
    await sleep(50);
    expect((await ok<MusicSnapshot>(command(as, 'music:state', { roomId }))).nowPlaying!.positionMs).toBe(paused.positionMs);
    const resumed = await ok<NowPlaying>(command(os, 'music:play', { roomId }));
    expect(resumed.status).toBe('playing');
    expect(Date.now() - resumed.startedAt! - paused.positionMs).toBeLessThan(1000);
  });

  it('skips by a majority of the members present', async () => {
    const { nowPlaying } = await ok<MusicSnapshot>(command(as, 'music:state', { roomId }));
    const itemId = nowPlaying!.item.id; // added by the owner
    expect(nowPlaying!.votesNeeded).toBe(2); // 3 present
    const voted = nextEvent(os, 'music:voted');
    expect(await ok(command(as, 'music:vote-skip', { roomId, itemId }))).toMatchObject({ skipped: false, skipVotes: [ann.userId], votesNeeded: 2 });
    expect(await voted).toMatchObject({ itemId, skipVotes: [ann.userId] });
    // Voting twice does not count twice.
    expect(await ok(command(as, 'music:vote-skip', { roomId, itemId }))).toMatchObject({ skipped: false, skipVotes: [ann.userId] });
    const skipped = nextEvent(os, 'music:skipped');
    const next = nextEvent<{ nowPlaying: NowPlaying }>(os, 'music:playing');
    expect(await ok(command(bs, 'music:vote-skip', { roomId, itemId }))).toMatchObject({ skipped: true });
    expect(await skipped).toMatchObject({ itemId, reason: 'votes' });
    expect((await next).nowPlaying.item.track.id).toBe(t3.id);
    // A stale vote (for the track that was skipped) changes nothing.
    expect(await command(bs, 'music:vote-skip', { roomId, itemId })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('the adder skips their own track at once; the queue then runs out', async () => {
    const { nowPlaying } = await ok<MusicSnapshot>(command(as, 'music:state', { roomId }));
    const idle = nextEvent<{ nowPlaying: NowPlaying | null }>(bs, 'music:playing');
    expect(await ok(command(as, 'music:vote-skip', { roomId, itemId: nowPlaying!.item.id }))).toMatchObject({ skipped: true });
    expect((await idle).nowPlaying).toBeNull();
  });

  it('advances to the next track when one ends, and survives a restart', async () => {
    const short = fxTrack('short', { durationMs: 400 });
    const long = fxTrack('long', { durationMs: 600_000 });
    nock(API).get(`/v1/tracks/${short.id}`).reply(200, short);
    nock(API).get(`/v1/tracks/${long.id}`).reply(200, long);
    await ok(command(os, 'music:add', { roomId, trackId: short.id }));
    await ok(command(os, 'music:add', { roomId, trackId: long.id }));
    const next = await nextEvent<{ nowPlaying: NowPlaying; by: number | null }>(bs, 'music:playing', (f) => f.nowPlaying?.item.track.id === long.id, 3000);
    expect(next.by).toBeNull();
    const before = await ok<MusicSnapshot>(command(bs, 'music:state', { roomId }));
    // Restart: the queue and the playing track's start instant come back from SQLite.
    for (const s of [os, as, bs]) s.close();
    server = await server.restart();
    for (const c of [owner, ann, ben, outsider]) c.moveTo(server);
    os = await owner.socket();
    as = await ann.socket();
    bs = await ben.socket();
    for (const s of [os, as, bs]) await ok(command(s, 'room:enter', { roomId }));
    const after = await ok<MusicSnapshot>(command(bs, 'music:state', { roomId }));
    expect(after.nowPlaying).toMatchObject({ status: 'playing', startedAt: before.nowPlaying!.startedAt, item: { id: before.nowPlaying!.item.id } });
    expect(after.nowPlaying!.positionMs).toBeGreaterThanOrEqual(before.nowPlaying!.positionMs);
  });

  it('catches up with tracks that ended while the server was down', async () => {
    const t = fxTrack('after', { durationMs: 100_000 });
    nock(API).get(`/v1/tracks/${t.id}`).reply(200, t);
    await ok(command(os, 'music:add', { roomId, trackId: t.id }));
    await server.close();
    // The playing 10-minute track started 11 minutes ago: it ended while we were down.
    const stopped = await openDatabase({ databaseUrl: server.app.config.databaseUrl, poolSize: 1, file: server.app.config.dbFile });
    await rawDb(stopped).run('UPDATE music_playback SET started_at = ? WHERE room_id = ?', Date.now() - 660_000, roomId);
    await closeDb(stopped);
    for (const s of [os, as, bs]) s.close();
    server = await startServer({ dataDir: server.dataDir, config: { spotify } });
    for (const c of [owner, ann, ben, outsider]) c.moveTo(server);
    os = await owner.socket();
    as = await ann.socket();
    bs = await ben.socket();
    for (const s of [os, as, bs]) await ok(command(s, 'room:enter', { roomId }));
    const snap = await ok<MusicSnapshot>(command(os, 'music:state', { roomId }));
    expect(snap.nowPlaying!.item.track.id).toBe(t.id);
    expect(snap.nowPlaying!.positionMs).toBeGreaterThanOrEqual(59_000);
    expect(snap.queue).toEqual([]);
  });
});

describe('listen together (sync to the member’s own Spotify)', () => {
  it('starts the room’s track at the room’s position on the member’s device', async () => {
    const { nowPlaying } = await ok<MusicSnapshot>(command(as, 'music:state', { roomId }));
    let sent: { uris: string[]; position_ms: number } | null = null;
    nock(API)
      .put('/v1/me/player/play', (b: { uris: string[]; position_ms: number }) => ((sent = b), true))
      .matchHeader('authorization', bearer(ann))
      .reply(204);
    const r = await ann.post(`/api/rooms/${roomId}/music/sync`, { mode: 'force' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ action: 'played', trackId: nowPlaying!.item.track.id });
    expect(sent!.uris).toEqual([nowPlaying!.item.track.uri]);
    expect(Math.abs(sent!.position_ms - (Date.now() - nowPlaying!.startedAt!))).toBeLessThan(1500);
  });

  it('check mode leaves a member in step alone and corrects a drift over 3 s', async () => {
    await sleep(3000); // the per-user sync budget refills
    const { nowPlaying } = await ok<MusicSnapshot>(command(as, 'music:state', { roomId }));
    const track = { ...fxTrack('after', { durationMs: 100_000 }) };
    const pos = () => Date.now() - nowPlaying!.startedAt!;
    nock(API).get('/v1/me/player/currently-playing').reply(200, () => fxCurrentlyPlaying(track, pos() + 500));
    expect((await ann.post(`/api/rooms/${roomId}/music/sync`, { mode: 'check' })).body).toMatchObject({ action: 'in-sync' });
    nock(API).get('/v1/me/player/currently-playing').reply(200, () => fxCurrentlyPlaying(track, pos() - 8000));
    nock(API).put('/v1/me/player/play').reply(204);
    const r = await ann.post(`/api/rooms/${roomId}/music/sync`, { mode: 'check' });
    expect(r.body.action).toBe('played');
    expect(r.body.driftMs).toBeLessThan(-7000);
    // Nothing playing on their side (204) also syncs.
    nock(API).get('/v1/me/player/currently-playing').reply(204);
    nock(API).put('/v1/me/player/play').reply(204);
    expect((await ann.post(`/api/rooms/${roomId}/music/sync`, { mode: 'check' })).body.action).toBe('played');
  });

  it('explains a missing device, a non-Premium account and an unconnected member', async () => {
    nock(API).put('/v1/me/player/play').reply(404, fxErrors.noDevice);
    const noDevice = await owner.post(`/api/rooms/${roomId}/music/sync`, {});
    expect(noDevice.status).toBe(409);
    expect(noDevice.body.error.code).toBe('SPOTIFY_NO_DEVICE');
    // Free account: refused without calling Spotify.
    expect((await ben.post(`/api/rooms/${roomId}/music/sync`, {})).body.error.code).toBe('SPOTIFY_PREMIUM_REQUIRED');
    // Premium on record but Spotify says otherwise (the plan changed).
    nock(API).put('/v1/me/player/play').reply(403, fxErrors.premiumRequired);
    const premium = await owner.post(`/api/rooms/${roomId}/music/sync`, {});
    expect(premium.status).toBe(403);
    expect(premium.body.error.code).toBe('SPOTIFY_PREMIUM_REQUIRED');
    const [zed] = await newUsers(server, 'zed');
    await zed.post(`/api/rooms/${roomId}/join`, {});
    expect((await zed.post(`/api/rooms/${roomId}/music/sync`, {})).body.error.code).toBe('SPOTIFY_NOT_CONNECTED');
    expect((await zed.get(`/api/rooms/${roomId}/music/search?q=x`)).body.error.code).toBe('SPOTIFY_NOT_CONNECTED');
    const zs = await zed.socket();
    expect(await command(zs, 'music:add', { roomId, trackId: fxId('zzz') })).toMatchObject({ ok: false, error: { code: 'SPOTIFY_NOT_CONNECTED' } });
    zs.close();
    await zed.post(`/api/rooms/${roomId}/leave`, {});
  });

  it('a paused room pauses the member’s Spotify', async () => {
    await ok(command(os, 'music:pause', { roomId }));
    nock(API).put('/v1/me/player/pause').reply(204);
    await sleep(3000);
    expect((await ann.post(`/api/rooms/${roomId}/music/sync`, {})).body).toMatchObject({ action: 'paused' });
    await ok(command(os, 'music:play', { roomId }));
  });
});

describe('access and garbage', () => {
  it('refuses outsiders on every route and event, and changes nothing', async () => {
    await connect(outsider, 'premium');
    const xs = await outsider.socket();
    const before = await ok<MusicSnapshot>(command(os, 'music:state', { roomId }));
    const itemId = before.nowPlaying!.item.id;
    for (const [event, payload] of [
      ['music:state', { roomId }],
      ['music:add', { roomId, trackId: fxId('sneak') }],
      ['music:remove', { roomId, itemId }],
      ['music:vote-skip', { roomId, itemId }],
      ['music:move', { roomId, itemId, toIndex: 0 }],
      ['music:play', { roomId }],
      ['music:pause', { roomId }],
    ] as const) {
      expect(await command(xs, event, payload), event).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    }
    expect((await outsider.get(`/api/rooms/${roomId}/music/search?q=x`)).body.error.code).toBe('NOT_MEMBER');
    expect((await outsider.post(`/api/rooms/${roomId}/music/sync`, {})).body.error.code).toBe('NOT_MEMBER');
    xs.close();
    const anon = new Client(server.url);
    expect((await anon.get(`/api/rooms/${roomId}/music/search?q=x`)).status).toBe(401);
    expect((await anon.post(`/api/rooms/${roomId}/music/sync`, {})).status).toBe(401);
    expect((await raw(anon, '/api/music/connect')).status).toBe(401);
    expect((await anon.post('/api/music/disconnect')).status).toBe(401);
    const after = await ok<MusicSnapshot>(command(os, 'music:state', { roomId }));
    expect({ ...after, serverNow: 0, nowPlaying: { ...after.nowPlaying, positionMs: 0, votesNeeded: 0 } }).toEqual({
      ...before,
      serverNow: 0,
      nowPlaying: { ...before.nowPlaying, positionMs: 0, votesNeeded: 0 },
    });
  });

  it('rejects garbage on every event and route', async () => {
    for (const [event, payload] of [
      ['music:state', { roomId: 'x' }],
      ['music:add', { roomId, trackId: '../../v1/me' }],
      ['music:add', { roomId, trackId: fxId('a'), playlist: 'x' }],
      ['music:add', { roomId, playlist: '' }],
      ['music:remove', { roomId, itemId: -1 }],
      ['music:vote-skip', { roomId }],
      ['music:move', { roomId, itemId: 1, toIndex: 1.5 }],
      ['music:play', { roomId, extra: true }],
      ['music:pause', null],
    ] as const) {
      expect(await command(os, event, payload), event).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    // A pasted link that is not Spotify's is refused before any call.
    expect(await command(os, 'music:add', { roomId, playlist: 'https://evil.example/playlist/x' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect((await owner.get(`/api/rooms/${roomId}/music/search`)).status).toBe(400);
    expect((await owner.get(`/api/rooms/${roomId}/music/search?q=${'x'.repeat(201)}`)).status).toBe(400);
    expect((await owner.get('/api/rooms/abc/music/search?q=x')).status).toBe(400);
    expect((await owner.post(`/api/rooms/${roomId}/music/sync`, { mode: 'loud' })).status).toBe(400);
    expect((await owner.post(`/api/rooms/${roomId}/music/sync`, { mode: 'force', extra: 1 })).status).toBe(400);
    expect((await raw(owner, '/api/music/connect?roomId=-4')).status).toBe(400);
    expect((await raw(owner, `/api/music/callback?state=${'s'.repeat(300)}`)).status).toBe(400);
  });

  it('disconnect forgets the tokens', async () => {
    const told = nextEvent(as, 'music:account');
    expect((await ann.post('/api/music/disconnect')).status).toBe(204);
    expect(await told).toEqual({ connected: false });
    expect((await ann.get('/api/music/status')).body.account).toBeNull();
    expect((await db().get('SELECT count(*) AS n FROM music_accounts WHERE user_id = ?', ann.userId))).toEqual({ n: 0 });
  });
});

describe('without Spotify keys', () => {
  it('says so, and the rest of the room works', async () => {
    const bare = await startServer();
    try {
      const [a] = await newUsers(bare, 'solo');
      const room = await roomWith(a, []);
      expect((await a.get('/api/music/status')).body).toEqual({ configured: false, account: null });
      const s = await a.socket();
      await ok(command(s, 'room:enter', { roomId: room.id }));
      expect(await ok(command(s, 'music:state', { roomId: room.id }))).toMatchObject({ nowPlaying: null, queue: [] });
      expect(await command(s, 'music:add', { roomId: room.id, trackId: fxId('x') })).toMatchObject({ ok: false, error: { code: 'SPOTIFY_NOT_CONFIGURED' } });
      const search = await a.get(`/api/rooms/${room.id}/music/search?q=x`);
      expect(search.status).toBe(503);
      expect(search.body.error.code).toBe('SPOTIFY_NOT_CONFIGURED');
      expect((await raw(a, '/api/music/connect')).body.error.code).toBe('SPOTIFY_NOT_CONFIGURED');
      expect(await ok(command(s, 'chat:send', { roomId: room.id, text: 'still works' }))).toMatchObject({ text: 'still works' });
      s.close();
    } finally {
      await bare.dispose();
    }
  });
});
