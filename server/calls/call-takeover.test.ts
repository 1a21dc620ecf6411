/**
 * A room's call handed from one owner to the next (several nodes, ADR 0038 "Failover"), on one real
 * server: the service keeps its roster in a share (here a Map standing in for Redis), forgets the
 * room (evictRoom: another node owns it now), and takes it back over (adoptRoom) as the next owner
 * would. Participants whose socket went meanwhile leave as disconnected, the others keep their
 * place with no feed, a higher epoch is announced, and the owner's call mode is read from the
 * database again (another node changed it while this one held an older copy).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callSettings } from '../../db/schema/index.js';
import type { CallState } from '../../protocol/calls.js';
import { command, newUsers, nextEvent, roomWith, startServer, type ClientSocket, type TestServer } from '../test/harness.js';
import type { CallSnapshot } from './calls.service.js';

async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const ack = await p;
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}

async function until(what: string, fn: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a call taken over by the room’s next owner', () => {
  let server: TestServer;
  const sockets: ClientSocket[] = [];
  const shared = new Map<number, string>();
  beforeAll(async () => {
    server = await startServer();
    const app = server.app;
    app.calls.attachShare({
      async save(roomId, snap) {
        if (snap) shared.set(roomId, JSON.stringify(snap));
        else shared.delete(roomId);
        return true;
      },
      async load(roomId) {
        const raw = shared.get(roomId);
        return raw ? (JSON.parse(raw) as CallSnapshot) : null;
      },
      async liveSockets(ids) {
        return new Set(ids.filter((id) => app.io.of('/').sockets.has(id)));
      },
      // One server: it is always the owner.
      async ownerState() {
        return null;
      },
    });
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.dispose();
  }, 30_000);

  it('keeps who is still connected, drops the socket that went, announces a new epoch and re-reads the call mode', async () => {
    const [own, mem, gone] = await newUsers(server, 'toowner', 'tomember', 'togone');
    const roomId = (await roomWith(own, [mem, gone])).id;
    const [so, sm, sg] = await Promise.all([own.socket(), mem.socket(), gone.socket()]);
    sockets.push(so, sm, sg);
    for (const s of [so, sm, sg]) await ok(command(s, 'room:enter', { roomId }));
    for (const s of [so, sm, sg]) await ok(command(s, 'call:join', { roomId, muted: true, cameraOff: true }));
    const before = await ok<CallState>(command(so, 'call:state', { roomId }));
    expect(before.preference).toBe('auto');
    await ok(command(sm, 'call:update', { roomId, hand: true }));
    // The owner's roster is in the share, as it is now (the raised hand included).
    const saved = () => (shared.has(roomId) ? (JSON.parse(shared.get(roomId)!) as CallSnapshot) : null);
    await until('the raised hand is saved', () => !!saved()?.entries.some((e) => e.userId === mem.userId && e.hand));
    const snap = JSON.parse(shared.get(roomId)!) as CallSnapshot;
    expect(snap.entries.map((e) => e.userId).sort()).toEqual([own.userId, mem.userId, gone.userId].sort());
    expect(snap.entries.find((e) => e.userId === mem.userId)?.hand).toBe(true);

    // Another node owns the room: this one forgets the call without a word.
    server.app.calls.evictRoom(roomId);
    expect(server.app.calls.participants(roomId)).toEqual([]);
    // While nobody here holds the roster: one participant's socket goes, the owner's choice changes.
    const goneId = sg.id!;
    sg.close();
    await until('the server saw the socket go', () => !server.app.io.of('/').sockets.has(goneId));
    await server.app.db.insert(callSettings).values({ roomId, preference: 'large', updatedAt: Date.now() }).onConflictDoUpdate({ target: callSettings.roomId, set: { preference: 'large', updatedAt: Date.now() } });
    expect(shared.has(roomId)).toBe(true);

    const left = nextEvent(so, 'call:left', (f: any) => f.roomId === roomId && f.userId === gone.userId);
    const mode = nextEvent(sm, 'call:mode', (f: any) => f.roomId === roomId && f.epoch > before.epoch);
    await server.app.calls.adoptRoom(roomId);
    expect((await left).reason).toBe('disconnected');
    expect((await mode).preference).toBe('large');
    const after = await ok<CallState>(command(sm, 'call:state', { roomId }));
    expect(after.participants.map((p) => p.userId).sort()).toEqual([own.userId, mem.userId].sort());
    expect(after.participants.find((p) => p.userId === mem.userId)?.hand).toBe(true);
    expect(after.preference).toBe('large');
    expect(after.epoch).toBeGreaterThan(before.epoch);
    // The participants carry on under the new owner (here: the same service), and the last one out ends it.
    await ok(command(sm, 'call:update', { roomId, hand: false }));
    await ok(command(sm, 'call:leave', { roomId }));
    await ok(command(so, 'call:leave', { roomId }));
    await until('the share forgets the ended call', () => !shared.has(roomId));
  }, 30_000);
});
