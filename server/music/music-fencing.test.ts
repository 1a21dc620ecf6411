/**
 * Music write fencing (scale-out, ADR 0032): when another node takes a room over (this node's lease
 * ran out: a stall, a paused process), this node's late playback and queue writes are refused by
 * the playback row's epoch and change nothing, so a resumed old owner cannot overwrite what the new
 * owner plays. "Nodes" are real MusicServices on the booted server's database and room events, doing
 * what server/cluster makes a node do on takeover (adoptRoom). Runs on SQLite and on PostgreSQL
 * (npm run test:pg). Spotify is not involved: tracks are put in the queue's table directly.
 */
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { first } from '../../db/query.js';
import { musicPlayback, musicQueueItems, rooms } from '../../db/schema/index.js';
import type { Ack } from '../../protocol/ack.js';
import type { MusicTrack, NowPlaying } from '../../protocol/music.js';
import { FencedError } from '../cluster/epoch-fence.js';
import { Client, collect, command, newUsers, roomWith, startServer, until, type ClientSocket, type TestServer } from '../test/harness.js';
import { stalledRoomEvents } from '../test/stalled-events.js';
import { MusicService } from './music.service.js';

let server: TestServer;
let ada: Client;
let bob: Client;
let as: ClientSocket;
let bs: ClientSocket;
const nodes: MusicService[] = [];
const TRACK_MS = 180_000;

beforeAll(async () => {
  server = await startServer();
  [ada, bob] = await newUsers(server, 'ada', 'bob');
  [as, bs] = await Promise.all([ada.socket(), bob.socket()]);
});
afterAll(async () => {
  for (const n of nodes) n.stop();
  as?.close();
  bs?.close();
  await server.dispose();
});

const here = () => server.app.music;
/** Another node's music service on the same database (what a second process would run), on its own clock. */
function node(now: () => number = Date.now): MusicService {
  const n = new MusicService(server.app.db, server.app.roomEvents, null, () => 2, now);
  nodes.push(n);
  return n;
}
const playback = async (roomId: number) => first(server.app.db.select().from(musicPlayback).where(eq(musicPlayback.roomId, roomId)).limit(1));
const queue = async (roomId: number) =>
  (await server.app.db.select().from(musicQueueItems).where(eq(musicQueueItems.roomId, roomId)).orderBy(asc(musicQueueItems.position))).map((r) => r.id);

/** A room with ada and bob in it and three tracks ada queued. */
async function room(): Promise<{ roomId: number; items: number[] }> {
  const roomId = (await roomWith(ada, [bob])).id;
  for (const s of [as, bs]) expect((await command(s, 'room:enter', { roomId })).ok).toBe(true);
  const items: number[] = [];
  for (let i = 1; i <= 3; i++) {
    const track: MusicTrack = { id: `t${i}`, uri: `spotify:track:t${i}`, title: `Track ${i}`, artists: ['Someone'], album: 'An album', artworkUrl: null, durationMs: TRACK_MS, explicit: false };
    const [r] = await server.app.db
      .insert(musicQueueItems)
      .values({ roomId, track: JSON.stringify(track), durationMs: TRACK_MS, addedBy: ada.userId, position: i, addedAt: Date.now() })
      .returning({ id: musicQueueItems.id });
    items.push(r!.id);
  }
  return { roomId, items };
}

describe('a node that lost the room cannot write its music', () => {
  it('a write that went in before the takeover is numbered before the new owner\'s, though its node stalled before announcing it (ADR 0040)', async () => {
    const { roomId, items } = await room();
    // The old owner stalls right after its write (as if stopped with SIGSTOP after the commit).
    const stalled = stalledRoomEvents(server.app.roomEvents);
    const oldOwner = new MusicService(server.app.db, stalled.events, null, () => 2);
    nodes.push(oldOwner);
    const heard = collect<{ seq: number; by: number | null; nowPlaying: NowPlaying | null }>(bs, 'music:playing');
    await oldOwner.adoptRoom(roomId);
    const play = oldOwner.play(roomId, ada.userId, 'owner');
    await until(async () => (await playback(roomId))?.status === 'playing', 'the old owner\'s play is written');

    // Another node takes over and pauses: it finds the play (acknowledged means persisted) and announces the pause.
    const newOwner = node();
    await newOwner.adoptRoom(roomId);
    expect(await newOwner.pause(roomId, bob.userId, 'owner')).toMatchObject({ status: 'paused', item: { id: items[0] } });
    stalled.resume();
    expect(await play).toMatchObject({ status: 'playing' });

    // Both facts reach the room; the pause has the higher number, so a client shows the state the rows hold.
    await until(() => heard.length >= 2, 'both facts');
    heard.stop();
    const byNumber = [...heard].sort((a, b) => a.seq - b.seq).map((f) => [f.by, f.nowPlaying?.status]);
    expect(byNumber).toEqual([
      [ada.userId, 'playing'],
      [bob.userId, 'paused'],
    ]);
    expect(await playback(roomId)).toMatchObject({ status: 'paused' });
  }, 30_000);

  it('a write refused by the fence is not numbered: the room hears nothing from the old owner', async () => {
    const { roomId } = await room();
    const oldOwner = node();
    await oldOwner.adoptRoom(roomId);
    await oldOwner.play(roomId, ada.userId, 'owner');
    await node().adoptRoom(roomId);
    const seq = async () => (await server.app.db.select({ seq: rooms.seq }).from(rooms).where(eq(rooms.id, roomId)))[0]!.seq;
    const before = await seq();
    await expect(oldOwner.pause(roomId, ada.userId, 'owner')).rejects.toBeInstanceOf(FencedError);
    expect(await seq()).toBe(before);
  }, 30_000);

  it('its late command is refused and changes nothing; the new owner has every acknowledged change and goes on', async () => {
    const { roomId, items } = await room();
    // This node owns the room (as after taking its lease) and runs ada's play.
    const mine = await here().fence.adopt(roomId);
    const played = (await command(as, 'music:play', { roomId })) as Ack<NowPlaying | null>;
    expect(played).toMatchObject({ ok: true, data: { status: 'playing', item: { id: items[0] } } });

    // Its lease ran out while it was stalled; another node took the room over.
    const other = node();
    await other.adoptRoom(roomId);
    const before = await playback(roomId);
    expect(before).toMatchObject({ status: 'playing', itemId: items[0], epoch: mine + 1 });

    // Resumed, this node still believes it owns the room and takes ada's pause: refused, nothing written.
    expect(await command(as, 'music:pause', { roomId })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await playback(roomId)).toEqual(before);
    expect(here().fence.heldFor(roomId)).toBeUndefined();

    // The new owner: ada's acknowledged play is there; her pause goes through once and the room hears it.
    const heard = collect<{ nowPlaying: NowPlaying | null }>(as, 'music:playing');
    expect(await other.pause(roomId, ada.userId, 'owner')).toMatchObject({ status: 'paused', item: { id: items[0] } });
    await until(() => heard.some((e) => e.nowPlaying?.status === 'paused'), 'the new owner announces the pause');
    heard.stop();
    expect(await playback(roomId)).toMatchObject({ status: 'paused', itemId: items[0], epoch: mine + 1 });
  }, 30_000);

  it('every kind of late write is refused: queue removal, reordering, skip votes, adding', async () => {
    const { roomId, items } = await room();
    const oldOwner = node();
    const newOwner = node();
    await oldOwner.adoptRoom(roomId);
    await oldOwner.play(roomId, ada.userId, 'owner');
    await newOwner.adoptRoom(roomId);
    const before = await playback(roomId);
    await expect(oldOwner.remove(roomId, ada.userId, 'owner', items[2]!)).rejects.toBeInstanceOf(FencedError);
    await expect(oldOwner.move(roomId, ada.userId, items[2]!, 0)).rejects.toBeInstanceOf(FencedError);
    await expect(oldOwner.voteSkip(roomId, ada.userId, 'owner', items[0]!)).rejects.toBeInstanceOf(FencedError);
    expect(await playback(roomId)).toEqual(before);
    expect(await queue(roomId)).toEqual(items);
    // The new owner does the same once.
    await newOwner.voteSkip(roomId, ada.userId, 'owner', items[0]!);
    expect(await queue(roomId)).toEqual(items.slice(1));
    expect(await playback(roomId)).toMatchObject({ status: 'playing', itemId: items[1], epoch: before!.epoch });
  }, 30_000);

  it('its end-of-track tick after the takeover is refused: the track finishes once, on the new owner', async () => {
    const { roomId, items } = await room();
    let t = Date.now();
    const clock = () => t;
    const oldOwner = node(clock);
    const newOwner = node(clock);
    await oldOwner.adoptRoom(roomId);
    await oldOwner.play(roomId, ada.userId, 'owner');
    await newOwner.adoptRoom(roomId);
    const before = await playback(roomId);
    expect(before).toMatchObject({ status: 'playing', itemId: items[0] });

    const heard = collect<{ nowPlaying: NowPlaying | null }>(as, 'music:playing');
    t += TRACK_MS + 1000; // the first track ran out on both nodes' clocks
    await expect(oldOwner.tick(roomId)).rejects.toBeInstanceOf(FencedError);
    expect(await playback(roomId)).toEqual(before);
    expect(await queue(roomId)).toEqual(items);

    await newOwner.tick(roomId);
    const second = () => heard.filter((e) => e.nowPlaying?.item.id === items[1]);
    await until(() => second().length >= 1, 'the new owner starts the second track');
    // One track change (the refused tick would have been heard first, from the same server).
    expect(heard.filter((e) => e.nowPlaying?.item.id !== items[0]).map((e) => e.nowPlaying?.item.id)).toEqual([items[1]]);
    heard.stop();
    expect(await queue(roomId)).toEqual(items.slice(1));
    expect(await playback(roomId)).toMatchObject({ status: 'playing', itemId: items[1], startedAt: before!.startedAt! + TRACK_MS, epoch: before!.epoch });
  }, 30_000);

  it('in a cluster, a node without the lease is refused; one with a valid lease but no adoption raises the fence first', async () => {
    const { roomId, items } = await room();
    const owner = node();
    await owner.adoptRoom(roomId);
    const before = await playback(roomId);

    const stranger = node();
    stranger.fence.owns = () => false;
    await expect(stranger.play(roomId, ada.userId, 'owner')).rejects.toBeInstanceOf(FencedError);
    await expect(stranger.move(roomId, ada.userId, items[2]!, 0)).rejects.toBeInstanceOf(FencedError);
    expect(await playback(roomId)).toEqual(before);
    expect(await queue(roomId)).toEqual(items);

    const leaseHolder = node();
    leaseHolder.fence.owns = () => true;
    expect(await leaseHolder.play(roomId, ada.userId, 'owner')).toMatchObject({ status: 'playing', item: { id: items[0] } });
    expect(await playback(roomId)).toMatchObject({ status: 'playing', epoch: before!.epoch + 1 });
    await expect(owner.pause(roomId, ada.userId, 'owner')).rejects.toBeInstanceOf(FencedError);
    expect((await playback(roomId))!.status).toBe('playing');
  }, 30_000);

  it('on a single node nothing changes: playback works and its row keeps epoch 0', async () => {
    const { roomId, items } = await room();
    expect(await playback(roomId)).toBeUndefined();
    expect(await command(as, 'music:play', { roomId })).toMatchObject({ ok: true, data: { status: 'playing', item: { id: items[0] } } });
    expect(await command(as, 'music:vote-skip', { roomId, itemId: items[0] })).toMatchObject({ ok: true, data: { skipped: true } });
    expect(await playback(roomId)).toMatchObject({ status: 'playing', itemId: items[1], epoch: 0 });
    expect(await queue(roomId)).toEqual(items.slice(1));
  });
});
