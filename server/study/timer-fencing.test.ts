/**
 * Pomodoro write fencing (scale-out, ADR 0032): when another node takes a room over (this node's
 * lease ran out: a stall, a paused process), this node's late writes are refused by the row's
 * epoch and change nothing, so a resumed old owner cannot overwrite the new owner's timer. The
 * "other node" is a second real TimerService on the same database and room events, doing what
 * server/cluster makes a node do on takeover (adoptRoom). Runs on SQLite and on PostgreSQL
 * (npm run test:pg).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { first } from '../../db/query.js';
import { roomTimers } from '../../db/schema/index.js';
import type { Ack } from '../../protocol/ack.js';
import type { TimerView } from '../../protocol/study.js';
import { FencedError } from '../cluster/epoch-fence.js';
import { Client, collect, command, newUsers, roomWith, startServer, until, type ClientSocket, type TestServer } from '../test/harness.js';
import { FocusTracker } from './focus-tracker.js';
import { StatsService } from './stats.service.js';
import { TimerService } from './timer.service.js';

let server: TestServer;
let ada: Client;
let bob: Client;
let as: ClientSocket;
let bs: ClientSocket;
const nodes: TimerService[] = [];

beforeAll(async () => {
  server = await startServer();
  [ada, bob] = await newUsers(server, 'ada', 'bob');
  [as, bs] = await Promise.all([ada.socket(), bob.socket()]);
});
afterAll(async () => {
  for (const n of nodes) await n.stop();
  as?.close();
  bs?.close();
  await server.dispose();
});

const here = () => server.app.timers;
/** Another node's pomodoro service on the same database (what a second process would run), on its own clock. */
function otherNode(now: () => number = Date.now): TimerService {
  const db = server.app.db;
  const node = new TimerService(db, server.app.roomEvents, new FocusTracker(new StatsService(db)), () => {}, now);
  nodes.push(node);
  return node;
}
const row = async (roomId: number) => first(server.app.db.select().from(roomTimers).where(eq(roomTimers.roomId, roomId)).limit(1));
const act = (s: ClientSocket, roomId: number, action: 'start' | 'pause' | 'resume' | 'skip' | 'reset') => command(s, 'timer:act', { roomId, action }) as Promise<Ack<TimerView>>;

async function room(): Promise<number> {
  const roomId = (await roomWith(ada, [bob])).id;
  for (const s of [as, bs]) {
    const entered = await command(s, 'room:enter', { roomId });
    expect(entered.ok).toBe(true);
  }
  return roomId;
}

describe('a node that lost the room cannot write its pomodoro', () => {
  it('its late command is refused and changes nothing; the new owner has every acknowledged change and goes on', async () => {
    const roomId = await room();
    // This node owns the room (as after taking its lease) and runs ada's start.
    const mine = await here().fence.adopt(roomId);
    const started = await act(as, roomId, 'start');
    expect(started).toMatchObject({ ok: true, data: { status: 'running', phase: 'focus' } });
    expect((await row(roomId))!.epoch).toBe(mine);

    // Its lease ran out while it was stalled; another node took the room over.
    const other = otherNode();
    await other.adoptRoom(roomId);
    const before = await row(roomId);
    expect(before!.epoch).toBe(mine + 1);
    expect(before!.status).toBe('running');

    // Resumed, this node still believes it owns the room and takes bob's pause: refused, nothing written.
    const late = await act(bs, roomId, 'pause');
    expect(late).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await row(roomId)).toEqual(before);
    expect(here().fence.heldFor(roomId)).toBeUndefined();

    // The new owner: ada's acknowledged start is there, bob's pause goes through once.
    const changed = collect<{ timer: TimerView }>(as, 'timer:changed');
    const paused = await other.act(roomId, bob.userId, 'pause');
    expect(paused).toMatchObject({ status: 'paused', phase: 'focus', changedBy: bob.userId });
    await until(() => changed.length === 1, 'the new owner announces the pause');
    expect(changed[0]!.timer).toMatchObject({ status: 'paused', changedBy: bob.userId });
    changed.stop();
    expect(await row(roomId)).toMatchObject({ status: 'paused', epoch: mine + 1, changedBy: bob.userId });
  }, 30_000);

  it('its phase-end tick after the takeover is refused: the phase ends once, announced by the new owner', async () => {
    const roomId = await room();
    let t = Date.now();
    const clock = () => t;
    const oldOwner = otherNode(clock);
    const newOwner = otherNode(clock);
    await oldOwner.adoptRoom(roomId);
    await oldOwner.configure(roomId, ada.userId, { focusMin: 1, shortBreakMin: 1, longBreakMin: 1, longBreakEvery: 4, autoAdvance: true, control: 'everyone' });
    await oldOwner.act(roomId, ada.userId, 'start');
    await newOwner.adoptRoom(roomId);
    const before = await row(roomId);

    const ended = collect<{ timer: TimerView; ended: string | null }>(as, 'timer:changed');
    t += 61_000; // the focus phase ran out on both nodes' clocks
    await expect(oldOwner.tick(roomId)).rejects.toBeInstanceOf(FencedError);
    expect(await row(roomId)).toEqual(before);

    await newOwner.tick(roomId);
    const phaseEnds = () => ended.filter((e) => e.ended !== null);
    await until(() => phaseEnds().length >= 1, 'the new owner announces the end of the focus phase');
    // The old owner's refused tick broadcast nothing (it would have arrived first, from the same server).
    expect(phaseEnds().map((e) => e.ended)).toEqual(['focus']);
    expect(phaseEnds()[0]!.timer).toMatchObject({ phase: 'short', status: 'running', completedFocus: 1 });
    ended.stop();
    expect(await row(roomId)).toMatchObject({ phase: 'short', completedFocus: 1, epoch: before!.epoch });
  }, 30_000);

  it('in a cluster, a node without the lease is refused; one with a valid lease but no adoption raises the fence first', async () => {
    const roomId = await room();
    const owner = otherNode();
    await owner.adoptRoom(roomId);
    const before = await row(roomId);

    const stranger = otherNode();
    stranger.fence.owns = () => false;
    await expect(stranger.act(roomId, ada.userId, 'start')).rejects.toBeInstanceOf(FencedError);
    expect(await row(roomId)).toEqual(before);

    const leaseHolder = otherNode();
    leaseHolder.fence.owns = () => true;
    const v = await leaseHolder.act(roomId, ada.userId, 'start');
    expect(v.status).toBe('running');
    expect(await row(roomId)).toMatchObject({ status: 'running', epoch: before!.epoch + 1 });
    // The node it took over from can no longer write.
    await expect(owner.act(roomId, ada.userId, 'pause')).rejects.toBeInstanceOf(FencedError);
    expect((await row(roomId))!.status).toBe('running');
  }, 30_000);

  it('on a single node nothing changes: the timer works and its row keeps epoch 0', async () => {
    const roomId = await room();
    expect(await row(roomId)).toBeUndefined();
    expect(await act(as, roomId, 'start')).toMatchObject({ ok: true, data: { status: 'running' } });
    expect(await act(bs, roomId, 'pause')).toMatchObject({ ok: true, data: { status: 'paused' } });
    expect(await row(roomId)).toMatchObject({ status: 'paused', epoch: 0 });
  });
});
