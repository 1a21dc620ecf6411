/**
 * Issue 16: a participant whose connection drops during an SFU call reconnects, rejoins under the
 * same peer id and publishes again, and stays in the call: also when its publish was still in
 * flight at Janus when the socket dropped (a busy machine), and when the rejoin races the drop.
 * Real server, real Janus (skipped without it), real socket.io-client reconnects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { command, newUsers, nextEvent, roomWith, startServer, type Client, type ClientSocket, type TestServer } from '../test/harness.js';
import { findExecutable } from './janus-supervisor.js';
import { fakeOffer } from './fake-offer.js';

const hasJanus = !!findExecutable('janus');

async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const ack = await p;
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}

/** The network drops under the socket; resolves once socket.io has reconnected by itself. */
async function dropAndReconnect(s: ClientSocket): Promise<void> {
  const back = new Promise<void>((r) => s.io.once('reconnect', () => r()));
  (s.io as unknown as { engine: { close(): void } }).engine.close();
  await back;
}

describe.skipIf(!hasJanus)('rejoining an SFU call after a dropped connection', () => {
  let server: TestServer;
  let owner: Client, m1: Client, m2: Client;
  let roomId: number;
  const S: Record<string, ClientSocket> = {};
  beforeAll(async () => {
    const janus = loadConfig({ JANUS_WS_PORT: '0', JANUS_RTP_PORTS: '33000-33999' }, { dataDir: '/tmp' }).janus;
    server = await startServer({ config: { janus } });
    await server.app.sfu.supervisor!.waitUp(20_000);
    await new Promise<void>((r) => (server.app.sfu.status() === 'up' ? r() : server.app.sfu.once('status', () => r())));
    [owner, m1, m2] = await newUsers(server, 'rjowner', 'rjm1', 'rjm2');
    roomId = (await roomWith(owner, [m1, m2])).id;
    for (const [k, c] of Object.entries({ owner, m1, m2 })) {
      S[k] = await c.socket();
      await ok(command(S[k]!, 'room:enter', { roomId }));
    }
    await ok(command(S.owner!, 'call:mode', { roomId, preference: 'large' }));
    for (const k of ['owner', 'm1', 'm2']) {
      await ok(command(S[k]!, 'call:join', { roomId }));
      const { token } = await ok(command(S[k]!, 'sfu:token', { roomId, role: 'call' }));
      await ok(command(S[k]!, 'sfu:publish', { roomId, token, jsep: fakeOffer() }));
    }
  }, 60_000);
  afterAll(async () => {
    for (const s of Object.values(S)) s.close();
    await server?.dispose();
  }, 30_000);

  const me = (userId: number) => server.app.calls.participants(roomId).find((p) => p.userId === userId);

  it('drop, reconnect, rejoin with the same peer id, publish again: in the call with a new feed', async () => {
    const before = me(m1.userId)!;
    expect(before.feedId).toBeGreaterThan(0);
    const left = nextEvent(S.owner!, 'call:left', (f: any) => f.userId === m1.userId);
    await dropAndReconnect(S.m1!);
    await left;
    await ok(command(S.m1!, 'room:enter', { roomId }));
    const joined = nextEvent(S.owner!, 'call:joined', (f: any) => f.participant.userId === m1.userId);
    const res = await ok(command(S.m1!, 'call:join', { roomId, peerId: before.peerId }));
    expect(res.peerId).toBe(before.peerId);
    expect(res.state.mode).toBe('sfu');
    await joined;
    const { token } = await ok(command(S.m1!, 'sfu:token', { roomId, role: 'call' }));
    const pub = await ok(command(S.m1!, 'sfu:publish', { roomId, token, jsep: fakeOffer() }));
    expect(me(m1.userId)).toMatchObject({ peerId: before.peerId, feedId: pub.feedId });
    expect(server.app.sfu.feedOf(roomId, m1.userId)).toBe(pub.feedId);
    expect(server.app.calls.isSfu(roomId)).toBe(true);
  }, 60_000);

  it('a publish still at Janus when the socket drops does not push the rejoined participant out (nor leave a ghost feed)', async () => {
    const peerId = me(m2.userId)!.peerId;
    const { token } = await ok(command(S.m2!, 'sfu:token', { roomId, role: 'call' }));
    // Publish and lose the connection at once: the answer comes back to a dead socket.
    const stale = command(S.m2!, 'sfu:publish', { roomId, token, jsep: fakeOffer() });
    await dropAndReconnect(S.m2!);
    // The rejoin and the new publish go out straight away, racing the server's handling of the drop.
    // (The token needs the join's answer first: commands of one socket run concurrently once handlers await.)
    await ok(command(S.m2!, 'call:join', { roomId, peerId }));
    const t2 = (await ok(command(S.m2!, 'sfu:token', { roomId, role: 'call' }))).token;
    const pub = await ok(command(S.m2!, 'sfu:publish', { roomId, token: t2, jsep: fakeOffer() }));
    await stale.catch(() => null);
    // Let every pending Janus request settle: the state must be the rejoined one.
    await expect.poll(() => me(m2.userId)?.feedId, { timeout: 10_000 }).toBe(pub.feedId);
    expect(server.app.sfu.feedOf(roomId, m2.userId)).toBe(pub.feedId);
    expect(me(m2.userId)?.peerId).toBe(peerId);
    expect(server.app.sfu.publishersOf(roomId)).toEqual(expect.arrayContaining([pub.feedId]));
    expect(server.app.sfu.publishersOf(roomId).length).toBe(3);
    // Others can still reach m2's new feed and the call is whole.
    expect(server.app.calls.participants(roomId).map((p) => p.userId).sort()).toEqual([owner.userId, m1.userId, m2.userId].sort());
  }, 60_000);
});
