/**
 * The SFU against the real Janus process (skipped when `janus` is not installed): the supervisor,
 * VideoRoom rooms with a secret and a token ACL, our tokens, refusals, and a restart after a crash.
 * Browsers are not needed to check signalling: a well-formed SDP offer gets Janus's real answer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { Client, command, newUsers, nextEvent, roomWith, startServer, type ClientSocket, type TestServer } from '../test/harness.js';
import { findExecutable } from './janus-supervisor.js';
import { fakeOffer } from './fake-offer.js';
import { issueSfuToken, sfuTokenKey } from './sfu-token.js';

const hasJanus = !!findExecutable('janus');

let server: TestServer;
let owner: Client, m1: Client, m2: Client, m3: Client, outsider: Client, kicked: Client;
let roomId: number;
let otherRoomId: number;
const sockets: ClientSocket[] = [];
const S: Record<string, ClientSocket> = {};

async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const ack = await p;
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}
async function fail(p: Promise<{ ok: boolean; error?: { code: string; message: string } }>): Promise<{ code: string; message: string }> {
  const ack = await p;
  if (ack.ok) throw new Error('expected a refusal');
  return ack.error!;
}
async function socketFor(c: Client, enter?: number): Promise<ClientSocket> {
  const s = await c.socket();
  sockets.push(s);
  if (enter) await ok(command(s, 'room:enter', { roomId: enter }));
  return s;
}
const janusConfig = () => ({ ...loadConfig({ JANUS_WS_PORT: '0', JANUS_RTP_PORTS: '31000-31999', CALL_MESH_LIMIT: '2' }, { dataDir: '/tmp' }).janus });

describe.skipIf(!hasJanus)('SFU through the real Janus', () => {
  beforeAll(async () => {
    server = await startServer({ config: { janus: janusConfig() } });
    await server.app.sfu.supervisor!.waitUp(20_000);
    await new Promise<void>((r) => (server.app.sfu.status() === 'up' ? r() : server.app.sfu.once('status', () => r())));
    [owner, m1, m2, m3, outsider, kicked] = await newUsers(server, 'owner', 'mem1', 'mem2', 'mem3', 'outsider', 'kicked');
    roomId = (await roomWith(owner, [m1, m2, m3, kicked])).id;
    otherRoomId = (await roomWith(outsider, [])).id;
    for (const [k, c] of Object.entries({ owner, m1, m2, m3, kicked })) S[k] = await socketFor(c, roomId);
    S.outsider = await socketFor(outsider, otherRoomId);
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.dispose();
  }, 30_000);

  it('starts Janus with generated config: WebSocket API on loopback, API secret, only our plugins', () => {
    const dir = join(server.dataDir, 'janus');
    const jcfg = readFileSync(join(dir, 'janus.jcfg'), 'utf8');
    expect(jcfg).toContain(`api_secret = "${server.app.sfu.supervisor!.apiSecret}"`);
    expect(jcfg).toMatch(/disable = ".*libjanus_http\.so/);
    expect(readFileSync(join(dir, 'janus.transport.websockets.jcfg'), 'utf8')).toContain('ws_ip = "127.0.0.1"');
    expect(server.app.sfu.supervisor!.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(server.app.sfu.status()).toBe('up');
  }, 30_000);

  it('the call state tells clients the SFU is up and capacity grows to 50 (socket and HTTP)', async () => {
    const st = await ok(command(S.owner!, 'call:state', { roomId }));
    expect(st).toMatchObject({ mode: 'mesh', sfu: 'up', preference: 'auto', meshLimit: 2, capacity: 50 });
    const r = await m1.get(`/api/rooms/${roomId}/call/mode`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ mode: 'mesh', sfu: 'up', preference: 'auto', meshLimit: 2, epoch: st.epoch, capacity: 50, realtimeLive: false });
    expect((await outsider.get(`/api/rooms/${roomId}/call/mode`)).status).toBe(403);
    expect((await new Client(server.url).get(`/api/rooms/${roomId}/call/mode`)).status).toBe(401);
    expect((await m1.get(`/api/rooms/abc/call/mode`)).status).toBe(400);
  }, 30_000);

  it('a call past the mesh limit moves to SFU mode; publishing gets Janus answers; others subscribe', async () => {
    await ok(command(S.owner!, 'call:join', { roomId }));
    await ok(command(S.m1!, 'call:join', { roomId }));
    const modeFact = nextEvent(S.owner!, 'call:mode', (f: any) => f.roomId === roomId);
    await ok(command(S.m2!, 'call:join', { roomId }));
    expect(await modeFact).toMatchObject({ mode: 'sfu', sfu: 'up' });

    const { token } = await ok(command(S.owner!, 'sfu:token', { roomId, role: 'call' }));
    const feedFact = nextEvent(S.m1!, 'call:updated', (f: any) => f.participant.userId === owner.userId && f.participant.feedId);
    const pub = await ok(command(S.owner!, 'sfu:publish', { roomId, token, jsep: fakeOffer() }));
    expect(pub.jsep.type).toBe('answer');
    expect(pub.jsep.sdp).toMatch(/m=audio/);
    expect((await feedFact).participant.feedId).toBe(pub.feedId);
    expect(await server.app.sfu.janusRoomExists(roomId)).toBe(true);

    // Subscribing needs the publisher's WebRTC up (Janus: "no such feed" until then): the
    // browser e2e (e2e/sfu) covers subscribe, start and layers with real media.
    const t1 = (await ok(command(S.m1!, 'sfu:token', { roomId, role: 'call' }))).token;
    expect((await fail(command(S.m1!, 'sfu:start', { roomId, token: t1, subId: '0123456789abcdef', jsep: { type: 'answer', sdp: fakeOffer().sdp } }))).code).toBe('NOT_FOUND');
    expect((await fail(command(S.m1!, 'sfu:layer', { roomId, token: t1, subId: '0123456789abcdef', substream: 0 }))).code).toBe('NOT_FOUND');
    // Pausing an off-page tile: only one's own subscriptions, well-formed, in the call.
    expect((await fail(command(S.m1!, 'sfu:pause', { roomId, token: t1, subId: '0123456789abcdef', paused: true }))).code).toBe('NOT_FOUND');
    expect((await fail(command(S.m1!, 'sfu:pause', { roomId, token: t1, subId: '0123456789abcdef', paused: 'yes' }))).code).toBe('VALIDATION');
    expect((await fail(command(S.m1!, 'sfu:pause', { roomId, token: t1, subId: 'nope', paused: true }))).code).toBe('VALIDATION');
    expect((await fail(command(S.outsider!, 'sfu:pause', { roomId, token: t1, subId: '0123456789abcdef', paused: true }))).code).toBe('NOT_MEMBER');
    expect((await fail(command(S.m2!, 'sfu:pause', { roomId, token: t1, subId: '0123456789abcdef', paused: true }))).code).toBe('FORBIDDEN');
    expect(server.app.sfu.subscriptionsOf(roomId, m1.userId)).toEqual([]);
  }, 30_000);

  it('refuses forged, expired, someone else’s, other-room and wrong-role tokens', async () => {
    const key = sfuTokenKey(server.app.config.sessionSecret);
    const good = (await ok(command(S.m1!, 'sfu:token', { roomId, role: 'call' }))).token;
    const forged = good.slice(0, -3) + (good.endsWith('AAA') ? 'BBB' : 'AAA');
    const expired = issueSfuToken(key, { userId: m1.userId, roomId, role: 'call', expiresAt: Date.now() - 1 });
    const owners = (await ok(command(S.owner!, 'sfu:token', { roomId, role: 'call' }))).token;
    const otherRoom = issueSfuToken(key, { userId: m1.userId, roomId: otherRoomId, role: 'call', expiresAt: Date.now() + 60_000 });
    const live = (await ok(command(S.m1!, 'sfu:token', { roomId, role: 'live' }))).token;
    const cases: [string, string][] = [
      [forged, 'forged'],
      [expired, 'expired'],
      [owners, 'wrong-user'],
      [otherRoom, 'wrong-room'],
      [live, 'wrong-role'],
    ];
    for (const [token, reason] of cases) {
      const err = await fail(command(S.m1!, 'sfu:publish', { roomId, token, jsep: fakeOffer() }));
      expect(err.code).toBe('FORBIDDEN');
      expect(err.message).toContain(reason);
    }
    expect(server.app.sfu.feedOf(roomId, m1.userId)).toBeNull();
  }, 30_000);

  it('refuses outsiders, people not in the call, garbage, and feeds of another room', async () => {
    // Outsider: not a member of the room at all.
    expect((await fail(command(S.outsider!, 'sfu:token', { roomId, role: 'call' }))).code).toBe('NOT_MEMBER');
    expect((await fail(command(S.outsider!, 'sfu:token', { roomId, role: 'live' }))).code).toBe('NOT_MEMBER');
    const key = sfuTokenKey(server.app.config.sessionSecret);
    const outsiderToken = issueSfuToken(key, { userId: outsider.userId, roomId, role: 'call', expiresAt: Date.now() + 60_000 });
    expect((await fail(command(S.outsider!, 'sfu:publish', { roomId, token: outsiderToken, jsep: fakeOffer() }))).code).toBe('NOT_MEMBER');
    // A member who is not in the call gets no call token and cannot publish with a crafted one.
    expect((await fail(command(S.m3!, 'sfu:token', { roomId, role: 'call' }))).code).toBe('CONFLICT');
    const m3Token = issueSfuToken(key, { userId: m3.userId, roomId, role: 'call', expiresAt: Date.now() + 60_000 });
    expect((await fail(command(S.m3!, 'sfu:publish', { roomId, token: m3Token, jsep: fakeOffer() }))).code).toBe('CONFLICT');
    // Garbage: validation, nothing published.
    const t1 = (await ok(command(S.m1!, 'sfu:token', { roomId, role: 'call' }))).token;
    for (const bad of [
      { roomId, token: t1, jsep: { type: 'answer', sdp: fakeOffer().sdp } },
      { roomId, token: t1, jsep: { type: 'offer', sdp: 1 } },
      { roomId, token: 'x', jsep: fakeOffer() },
      { roomId: -1, token: t1, jsep: fakeOffer() },
      { roomId, token: t1, jsep: fakeOffer(), extra: true },
    ]) {
      expect((await fail(command(S.m1!, 'sfu:publish', bad))).code).toBe('VALIDATION');
    }
    expect((await fail(command(S.m1!, 'sfu:subscribe', { roomId, token: t1, feedId: 'x' }))).code).toBe('VALIDATION');
    // A feed id that is not in this room's call (another room's, or made up): not found.
    expect((await fail(command(S.m1!, 'sfu:subscribe', { roomId, token: t1, feedId: 999_999 }))).code).toBe('NOT_FOUND');
    expect(server.app.sfu.feedOf(roomId, m1.userId)).toBeNull();
  }, 30_000);

  it('another room’s call cannot be reached with this room’s feed ids, and Janus itself refuses joins without our token', async () => {
    await ok(command(S.outsider!, 'call:join', { roomId: otherRoomId }));
    await ok(command(S.outsider!, 'call:mode', { roomId: otherRoomId, preference: 'large' }));
    const to = (await ok(command(S.outsider!, 'sfu:token', { roomId: otherRoomId, role: 'call' }))).token;
    const ownerFeed = server.app.sfu.feedOf(roomId, owner.userId)!;
    expect(ownerFeed).toBeGreaterThan(0);
    expect((await fail(command(S.outsider!, 'sfu:subscribe', { roomId: otherRoomId, token: to, feedId: ownerFeed }))).code).toBe('NOT_FOUND');
    // Straight at Janus: no token, or a made-up one, is refused by the room's ACL (433 unauthorized).
    expect(await server.app.sfu.tryJoinRaw(roomId, undefined)).toBe(433);
    expect(await server.app.sfu.tryJoinRaw(roomId, 'made-up')).toBe(433);
    await ok(command(S.outsider!, 'call:leave', { roomId: otherRoomId }));
  }, 30_000);

  it('the owner chooses large mode; members cannot; moderators mute and remove; a kicked user is out', async () => {
    expect((await fail(command(S.m1!, 'call:mode', { roomId, preference: 'large' }))).code).toBe('FORBIDDEN');
    expect((await fail(command(S.m1!, 'call:moderate', { roomId, userId: m2.userId, action: 'mute' }))).code).toBe('FORBIDDEN');
    expect((await fail(command(S.outsider!, 'call:moderate', { roomId, userId: m2.userId, action: 'mute' }))).code).toBe('NOT_MEMBER');
    expect((await fail(command(S.owner!, 'call:moderate', { roomId, userId: 'x', action: 'mute' }))).code).toBe('VALIDATION');
    expect((await fail(command(S.owner!, 'call:moderate', { roomId, userId: m3.userId, action: 'mute' }))).code).toBe('NOT_FOUND');

    const muted = nextEvent(S.m2!, 'call:muted', (f: any) => f.roomId === roomId);
    await ok(command(S.owner!, 'call:moderate', { roomId, userId: m2.userId, action: 'mute' }));
    expect(await muted).toMatchObject({ roomId, by: owner.userId });
    const st = await ok(command(S.owner!, 'call:state', { roomId }));
    expect(st.participants.find((p) => p.userId === m2.userId)?.muted).toBe(true);

    // The kicked user publishes, is kicked: their feed and call place go, their token stops working.
    await ok(command(S.kicked!, 'call:join', { roomId }));
    const tk = (await ok(command(S.kicked!, 'sfu:token', { roomId, role: 'call' }))).token;
    await ok(command(S.kicked!, 'sfu:publish', { roomId, token: tk, jsep: fakeOffer() }));
    expect(server.app.sfu.feedOf(roomId, kicked.userId)).toBeGreaterThan(0);
    expect((await owner.post(`/api/rooms/${roomId}/members/${kicked.userId}/kick`)).status).toBeLessThan(300);
    await expect.poll(() => server.app.sfu.feedOf(roomId, kicked.userId)).toBeNull();
    expect((await fail(command(S.kicked!, 'sfu:publish', { roomId, token: tk, jsep: fakeOffer() }))).code).toBe('NOT_MEMBER');
    expect((await fail(command(S.kicked!, 'sfu:token', { roomId, role: 'live' }))).code).toBe('NOT_MEMBER');

    const removed = nextEvent(S.m2!, 'call:ended', (f: any) => f.roomId === roomId);
    await ok(command(S.owner!, 'call:moderate', { roomId, userId: m2.userId, action: 'remove' }));
    expect(await removed).toMatchObject({ reason: 'removed' });
    expect(server.app.calls.isParticipant(roomId, m2.userId)).toBe(false);
  }, 30_000);

  it('viewers never publish into a streaming mountpoint: offers are refused, and there is no mountpoint without a stream', async () => {
    const live = (await ok(command(S.m1!, 'sfu:token', { roomId, role: 'live' }))).token;
    expect((await fail(command(S.m1!, 'sfu:live-watch', { roomId, token: live, jsep: fakeOffer() }))).code).toBe('VALIDATION');
    expect((await fail(command(S.m1!, 'sfu:live-start', { roomId, token: live, subId: '0123456789abcdef', jsep: fakeOffer() }))).code).toBe('VALIDATION');
    expect((await fail(command(S.m1!, 'sfu:live-watch', { roomId, token: live }))).code).toBe('NOT_FOUND');
    const callToken = (await ok(command(S.m1!, 'sfu:token', { roomId, role: 'call' }))).token;
    expect((await fail(command(S.m1!, 'sfu:live-watch', { roomId, token: callToken }))).code).toBe('FORBIDDEN');
  }, 30_000);

  it('Janus killed: the server stays up, restarts it with back-off, and calls start a new SFU epoch', async () => {
    const sup = server.app.sfu.supervisor!;
    const before = await ok(command(S.owner!, 'call:state', { roomId }));
    const oldPid = sup.pid!;
    const down = nextEvent(S.owner!, 'call:mode', (f: any) => f.roomId === roomId && f.sfu === 'down', 10_000);
    process.kill(oldPid, 'SIGKILL');
    const d = await down;
    // Down: the call falls back to mesh for now.
    expect(d.mode).toBe('mesh');
    expect((await server.app.inject({ url: '/api/health' })).statusCode).toBeLessThan(500);
    const up = await nextEvent(S.owner!, 'call:mode', (f: any) => f.roomId === roomId && f.sfu === 'up', 20_000);
    expect(up.mode).toBe('sfu');
    expect(up.epoch).toBeGreaterThan(before.epoch);
    expect(sup.pid).not.toBe(oldPid);
    // Publishing works again in the new Janus (rooms are created afresh).
    const { token } = await ok(command(S.owner!, 'sfu:token', { roomId, role: 'call' }));
    expect((await ok(command(S.owner!, 'sfu:publish', { roomId, token, jsep: fakeOffer() }))).jsep.type).toBe('answer');
  }, 40_000);

  it('the last one out destroys the Janus room; shutdown stops Janus', async () => {
    for (const s of [S.owner!, S.m1!]) await command(s, 'call:leave', { roomId });
    await expect.poll(() => server.app.sfu.janusRoomExists(roomId), { timeout: 5000 }).toBe(false);
    const pid = server.app.sfu.supervisor!.pid!;
    await server.close();
    const alive = () => {
      try {
        process.kill(pid, 0);
        return existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
      } catch {
        return false;
      }
    };
    expect(alive()).toBe(false);
  });
});

describe('without Janus', () => {
  it('the server runs, calls stay mesh with capacity 6, large mode and SFU tokens are refused', async () => {
    const s = await startServer({ config: { janus: { ...janusConfig(), mode: 'child', binary: 'no-such-janus-binary' } } });
    try {
      const [o] = await newUsers(s, 'solo');
      const rid = (await roomWith(o!, [])).id;
      const sock = await o!.socket();
      sockets.push(sock);
      await ok(command(sock, 'room:enter', { roomId: rid }));
      expect(await ok(command(sock, 'call:state', { roomId: rid }))).toMatchObject({ mode: 'mesh', sfu: 'unavailable', capacity: 6 });
      expect((await fail(command(sock, 'call:mode', { roomId: rid, preference: 'large' }))).code).toBe('CONFLICT');
      expect((await fail(command(sock, 'sfu:token', { roomId: rid, role: 'live' }))).code).toBe('CONFLICT');
    } finally {
      await s.dispose();
    }
  }, 30_000);
});
