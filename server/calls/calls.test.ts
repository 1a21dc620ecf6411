import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { CallJoinResult } from '../../protocol/calls.js';
import { Client, command, newUsers, nextEvent, roomWith, sleep, startServer, type ClientSocket, type TestServer } from '../test/harness.js';
import { PEER_WS_PATH } from './peer-server.js';
import { callTokenKey, issuePeerToken } from './token.js';

let server: TestServer;
let owner: Client;
let member: Client;
let outsider: Client;
let roomId: number;
let os: ClientSocket;
let ms: ClientSocket;
let xs: ClientSocket;
const sockets: ClientSocket[] = [];
const wsOpen: WebSocket[] = [];

async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const ack = await p;
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}

async function socketFor(c: Client, enter?: number): Promise<ClientSocket> {
  const s = await c.socket();
  sockets.push(s);
  if (enter) await ok(command(s, 'room:enter', { roomId: enter }));
  return s;
}

/** Opens the peer server's WebSocket like PeerJS does; resolves with the first message or the refusal status. */
function peerConnect(c: Client | null, id: string, token: string, opts: { origin?: string } = {}): Promise<{ status: number; ws?: WebSocket; first?: any }> {
  const url = `${server.url.replace('http', 'ws')}${PEER_WS_PATH}?key=commonroom&id=${encodeURIComponent(id)}&token=${encodeURIComponent(token)}&version=1.5.5`;
  const ws = new WebSocket(url, { headers: { ...(c?.cookie ? { cookie: c.cookie } : {}), ...(opts.origin ? { origin: opts.origin } : {}) } });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('message', (data) => {
      wsOpen.push(ws);
      resolve({ status: 101, ws, first: JSON.parse(String(data)) });
    });
    ws.once('error', (e) => (e.message.includes('Unexpected server response') ? undefined : reject(e)));
  });
}

const nextMessage = (ws: WebSocket, ms = 1500) =>
  new Promise<any>((resolve) => {
    const t = setTimeout(() => resolve(null), ms);
    ws.once('message', (d) => {
      clearTimeout(t);
      resolve(JSON.parse(String(d)));
    });
  });

beforeAll(async () => {
  server = await startServer();
  [owner, member, outsider] = await newUsers(server, 'owner', 'member', 'outsider');
  roomId = (await roomWith(owner, [member])).id;
  os = await socketFor(owner, roomId);
  ms = await socketFor(member, roomId);
  xs = await socketFor(outsider);
});
afterAll(async () => {
  for (const w of wsOpen) w.terminate();
  for (const s of sockets) s.close();
  await server.dispose();
});

describe('call commands: outsiders and garbage', () => {
  const payloads = (id: number) =>
    ({
      'call:state': { roomId: id },
      'call:join': { roomId: id },
      'call:leave': { roomId: id },
      'call:update': { roomId: id, muted: true },
      'call:record': { roomId: id, recording: true },
    }) as const;

  it('non-members get NOT_MEMBER from every command, and no token', async () => {
    for (const [name, payload] of Object.entries(payloads(roomId))) {
      const ack = await command(xs, name as 'call:state', payload);
      expect(ack, name).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    }
    expect(await command(xs, 'call:join', { roomId: 999_999 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('garbage payloads are refused with VALIDATION and change nothing', async () => {
    const junk: [string, unknown][] = [
      ['call:state', null],
      ['call:state', { roomId: 'one' }],
      ['call:join', { roomId, peerId: 'r1u1-not-hex' }],
      ['call:join', { roomId, muted: 'yes' }],
      ['call:join', { roomId, extra: 1 }],
      ['call:join', 'join please'],
      ['call:leave', { roomId: -1 }],
      ['call:update', { roomId }],
      ['call:update', { roomId, muted: 1 }],
      ['call:record', { roomId }],
      ['call:record', { roomId, recording: 'on' }],
    ];
    for (const [name, payload] of junk) {
      const ack = await command(os, name as 'call:state', payload);
      expect(ack, `${name} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect((await ok(command(os, 'call:state', { roomId }))).participants).toEqual([]);
  });

  it('update and record need you to be in the call', async () => {
    expect(await command(os, 'call:update', { roomId, muted: true })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await command(os, 'call:record', { roomId, recording: true })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });
});

describe('joining, state facts and leaving', () => {
  let ownerJoin: CallJoinResult;
  let memberJoin: CallJoinResult;

  it('a member joins: a peer id bound to them, a token, no ICE servers on a LAN, and the room sees it', async () => {
    const seen = nextEvent(ms, 'call:joined');
    ownerJoin = await ok(command(os, 'call:join', { roomId }));
    expect(ownerJoin.peerId).toMatch(new RegExp(`^r${roomId}u${owner.userId}-[0-9a-f]{16}$`));
    expect(ownerJoin).toMatchObject({ iceServers: [], peers: [], peerServer: { path: '/peerjs', key: 'commonroom', port: null } });
    expect(ownerJoin.expiresAt - Date.now()).toBeGreaterThan(50_000);
    const fact = await seen;
    expect(fact).toMatchObject({ roomId, participant: { userId: owner.userId, peerId: ownerJoin.peerId, muted: false, cameraOff: false } });
    expect(fact.seq).toBeGreaterThan(0);
  });

  it('the second joiner is given the first one’s peer id to call; call:state lists both', async () => {
    memberJoin = await ok(command(ms, 'call:join', { roomId, muted: true }));
    expect(memberJoin.peers).toEqual([ownerJoin.peerId]);
    const state = await ok(command(os, 'call:state', { roomId }));
    expect(state.participants.map((p) => [p.userId, p.muted])).toEqual([
      [owner.userId, false],
      [member.userId, true],
    ]);
    expect(state.capacity).toBe(6);
  });

  it('joining again from the same socket refreshes the token, same peer id, no new fact', async () => {
    const again = await ok(command(os, 'call:join', { roomId }));
    expect(again.peerId).toBe(ownerJoin.peerId);
    expect(again.token).not.toBe('');
  });

  it('mute, camera and screen state and recording are broadcast as facts', async () => {
    let fact = nextEvent(ms, 'call:updated');
    await ok(command(os, 'call:update', { roomId, muted: true, cameraOff: true }));
    expect(await fact).toMatchObject({ participant: { userId: owner.userId, muted: true, cameraOff: true, screen: false } });
    fact = nextEvent(ms, 'call:updated');
    await ok(command(os, 'call:update', { roomId, screen: true }));
    expect(await fact).toMatchObject({ participant: { screen: true, muted: true } });
    fact = nextEvent(ms, 'call:recording');
    await ok(command(os, 'call:record', { roomId, recording: true }));
    expect(await fact).toMatchObject({ userId: owner.userId, recording: true, participant: { recording: true } });
  });

  it('resuming with someone else’s peer id is refused', async () => {
    expect(await command(ms, 'call:join', { roomId, peerId: ownerJoin.peerId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('leaving is seen by the others', async () => {
    const left = nextEvent(os, 'call:left');
    await ok(command(ms, 'call:leave', { roomId }));
    expect(await left).toMatchObject({ userId: member.userId, peerId: memberJoin.peerId, reason: 'left' });
    expect((await ok(command(os, 'call:state', { roomId }))).participants.map((p) => p.userId)).toEqual([owner.userId]);
  });

  it('a dropped connection leaves the call; the reconnect resumes the same peer id and others see them come back', async () => {
    const s = await socketFor(member, roomId);
    const j = await ok(command(s, 'call:join', { roomId }));
    const left = nextEvent(os, 'call:left', (f) => f.userId === member.userId);
    s.disconnect();
    expect(await left).toMatchObject({ reason: 'disconnected', peerId: j.peerId });
    const back = nextEvent(os, 'call:joined', (f) => f.participant.userId === member.userId);
    const s2 = await socketFor(member, roomId);
    const resumed = await ok(command(s2, 'call:join', { roomId, peerId: j.peerId }));
    expect(resumed.peerId).toBe(j.peerId);
    expect((await back).participant.peerId).toBe(j.peerId);
    await ok(command(s2, 'call:leave', { roomId }));
  });

  it('leaves with the owner too', async () => {
    await ok(command(os, 'call:leave', { roomId }));
    expect((await ok(command(os, 'call:state', { roomId }))).participants).toEqual([]);
  });
});

describe('capacity', () => {
  it('six people fit; the seventh gets CONFLICT "full"', async () => {
    const people = await newUsers(server, 'person1', 'person2', 'person3', 'person4', 'person5', 'person6', 'person7');
    const [host, ...rest] = people;
    const id = (await roomWith(host!, rest)).id;
    const socks: ClientSocket[] = [];
    for (const p of people) socks.push(await socketFor(p));
    for (const s of socks.slice(0, 6)) await ok(command(s, 'call:join', { roomId: id }));
    const seventh = await command(socks[6]!, 'call:join', { roomId: id });
    expect(seventh).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/full/) } });
    // Someone leaves: the seventh gets in.
    await ok(command(socks[0]!, 'call:leave', { roomId: id }));
    await ok(command(socks[6]!, 'call:join', { roomId: id }));
  });
});

describe('the peer server', () => {
  let a: CallJoinResult;
  let b: CallJoinResult;
  const key = () => callTokenKey(server.app.config.sessionSecret);

  beforeAll(async () => {
    a = await ok(command(os, 'call:join', { roomId }));
    b = await ok(command(ms, 'call:join', { roomId }));
  });

  it('discovery is off and the HTTP side answers only under /peerjs', async () => {
    expect((await owner.get('/peerjs/commonroom/peers')).status).toBe(401);
    expect((await owner.get('/peerjs/nothing/here/at/all')).status).toBe(404);
  });

  it('accepts the participant with their token and relays signalling to the other participant', async () => {
    const ca = await peerConnect(owner, a.peerId, a.token);
    expect(ca).toMatchObject({ status: 101, first: { type: 'OPEN' } });
    const cb = await peerConnect(member, b.peerId, b.token);
    expect(cb).toMatchObject({ status: 101, first: { type: 'OPEN' } });
    const got = nextMessage(cb.ws!);
    ca.ws!.send(JSON.stringify({ type: 'OFFER', dst: b.peerId, payload: { sdp: 'x' } }));
    expect(await got).toMatchObject({ type: 'OFFER', src: a.peerId, payload: { sdp: 'x' } });
  });

  it('refuses forged, expired and missing tokens', async () => {
    const [u, r, exp, mac] = a.token.split('.');
    expect((await peerConnect(owner, a.peerId, `${u}.${r}.${Number(exp) + 1000}.${mac}`)).status).toBe(401);
    expect((await peerConnect(owner, a.peerId, 'forged')).status).toBe(401);
    expect((await peerConnect(owner, a.peerId, '')).status).toBe(400);
    const expired = issuePeerToken(key(), { peerId: a.peerId, userId: owner.userId, roomId, expiresAt: Date.now() - 1 });
    expect((await peerConnect(owner, a.peerId, expired)).status).toBe(401);
  });

  it('nobody registers as someone else: another user’s id with either token, or without a session', async () => {
    expect((await peerConnect(member, a.peerId, a.token)).status).toBe(401); // a's token, b's session
    expect((await peerConnect(member, a.peerId, b.token)).status).toBe(401); // b's token on a's id
    expect((await peerConnect(null, a.peerId, a.token)).status).toBe(401); // no cookie
    // A valid-looking token the server never issued for that id (made with the real key, wrong user).
    const minted = issuePeerToken(key(), { peerId: a.peerId, userId: member.userId, roomId, expiresAt: Date.now() + 60_000 });
    expect((await peerConnect(member, a.peerId, minted)).status).toBe(403); // not their place in the call
  });

  it('refuses a foreign Origin', async () => {
    expect((await peerConnect(owner, a.peerId, a.token, { origin: 'https://evil.example' })).status).toBe(403);
  });

  it('a member of another room cannot call into this one', async () => {
    const otherRoom = (await roomWith(outsider, [])).id;
    const x = await ok(command(xs, 'call:join', { roomId: otherRoom }));
    const cx = await peerConnect(outsider, x.peerId, x.token);
    expect(cx.status).toBe(101);
    // With a token for the other room they cannot use an id of this room either.
    expect((await peerConnect(outsider, `r${roomId}u${outsider.userId}-0123456789abcdef`, x.token)).status).toBe(401);
    // And their signalling to this room's peers is not relayed.
    const ca = await peerConnect(owner, a.peerId, a.token); // reconnect replaces the earlier socket
    expect(ca.status).toBe(101);
    const got = nextMessage(ca.ws!, 800);
    cx.ws!.send(JSON.stringify({ type: 'OFFER', dst: a.peerId, payload: { sdp: 'intrusion' } }));
    expect(await got).toBeNull();
  });

  it('leaving the call closes the signalling connection and the token no longer opens one', async () => {
    const cb = await peerConnect(member, b.peerId, b.token);
    expect(cb.status).toBe(101);
    const closed = new Promise<number>((resolve) => cb.ws!.once('close', (code) => resolve(code)));
    await ok(command(ms, 'call:leave', { roomId }));
    expect(await closed).toBe(4001);
    expect((await peerConnect(member, b.peerId, b.token)).status).toBe(403);
  });

  it('a kicked participant is dropped from the call and loses the peer server', async () => {
    b = await ok(command(ms, 'call:join', { roomId }));
    const cb = await peerConnect(member, b.peerId, b.token);
    expect(cb.status).toBe(101);
    const ended = nextEvent(ms, 'call:ended');
    const left = nextEvent(os, 'call:left', (f) => f.userId === member.userId);
    expect((await owner.post(`/api/rooms/${roomId}/members/${member.userId}/kick`)).status).toBe(204);
    expect(await ended).toEqual({ roomId, reason: 'removed' });
    expect(await left).toMatchObject({ reason: 'removed' });
    await sleep(50);
    expect((await peerConnect(member, b.peerId, b.token)).status).toBe(403);
    expect(await command(ms, 'call:join', { roomId })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
  });
});
