/**
 * "Acknowledged means in the shared roster" (ADR 0038, "Failover"), on one real node joined to a
 * real Redis: a call:join is answered only once the roster with the joiner is in `cr:call:<room>`
 * (Redis writes held with CLIENT PAUSE: no answer before they land), and a node whose lease was
 * taken by another node (it was paused past it) cannot overwrite the new owner's roster: its join is
 * refused (CONFLICT) and the roster in Redis stays the new owner's. Skipped without redis-server.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveTools, startRedis } from '../../deploy/topology.js';
import { command, newUsers, roomWith, startServer, type ClientSocket, type TestServer } from '../test/harness.js';
import { leaseKey } from '../cluster/redis-cluster.js';

const tools = haveTools();

describe.skipIf(!tools.ok)('the call roster in Redis is written before the ack, and fenced by the lease', () => {
  let redisProc: Awaited<ReturnType<typeof startRedis>>;
  let server: TestServer;
  let r: Redis;
  const sockets: ClientSocket[] = [];
  beforeAll(async () => {
    redisProc = await startRedis(mkdtempSync(join(tmpdir(), 'cr-redis-')));
    r = new Redis(redisProc.url);
    server = await startServer({ config: { cluster: { redisUrl: redisProc.url, nodeId: 'fa', leaseMs: 10_000, nodeUrl: '' } } });
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.dispose();
    r?.disconnect();
    redisProc?.stop();
  }, 30_000);

  it('a join is answered only once the shared roster has the joiner; a node that lost the lease is refused', async () => {
    const [ada, bob, cyd] = await newUsers(server, 'rfada', 'rfbob', 'rfcyd');
    const roomId = (await roomWith(ada, [bob, cyd])).id;
    const [sa, sb, sc] = await Promise.all([ada.socket(), bob.socket(), cyd.socket()]);
    sockets.push(sa, sb, sc);
    for (const s of [sa, sb, sc]) expect(await command(s, 'room:enter', { roomId })).toMatchObject({ ok: true });
    expect(await command(sa, 'call:join', { roomId, muted: true, cameraOff: true })).toMatchObject({ ok: true });
    const roster = async () => {
      const raw = await r.get(`cr:call:${roomId}`);
      return raw ? (JSON.parse(raw) as { entries: { userId: number }[] }).entries.map((e) => e.userId).sort() : [];
    };
    expect(await roster()).toEqual([ada.userId]);

    // Redis holds every write for a while: Bob's join must not be answered before his place is stored.
    await r.call('CLIENT', 'PAUSE', '1500', 'WRITE');
    const ack = await command(sb, 'call:join', { roomId, muted: true, cameraOff: true });
    expect(ack).toMatchObject({ ok: true });
    expect(await roster()).toEqual([ada.userId, bob.userId].sort());

    // Another node takes the room (this one was paused past its lease) and writes its roster; this
    // node still believes it owns the room (its lease is valid here for a while yet).
    const theirs = JSON.stringify({ entries: [{ userId: ada.userId }], sfu: false, epoch: 9 });
    await r.set(leaseKey(roomId), 'fb|999', 'PX', 60_000);
    await r.set(`cr:call:${roomId}`, theirs);
    expect(server.app.cluster.owns(roomId)).toBe(true);
    expect(await command(sc, 'call:join', { roomId, muted: true, cameraOff: true })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await r.get(`cr:call:${roomId}`)).toBe(theirs);
    // Leaving is refused the same way: the new owner's roster stays.
    expect(await command(sb, 'call:leave', { roomId })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await r.get(`cr:call:${roomId}`)).toBe(theirs);
  }, 60_000);
});
