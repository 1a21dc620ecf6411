/**
 * Large calls on several nodes (issues 15 + 16, ADR 0038): redis + nginx + 3 nodes and ONE Janus
 * (started by deploy/topology.ts; every node has JANUS_URL). Three users on three different nodes:
 * Ada and Bob publish real media from Chromium (fake camera) and each subscribes to the other's
 * feed, and RTP arrives; Cyd, a moderator on the third node, mutes Ada and removes Bob; Ada
 * leaving does not destroy the Janus room while Bob is in it; the last one out does. Outsiders
 * and members not in the call are refused on any node. Janus is asked directly (the test holds a
 * connection to it) what it has. Skipped with the reason when redis/nginx or janus is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from '@playwright/test';
import type { JanodeHandle, JanodeSession } from 'janode';
import { Client, nextEvent, roomWith, type ClientSocket } from '../../server/test/harness.js';
import { freePort, startTopology, type Topology } from '../../deploy/topology.js';
import { findFfmpeg } from '../../media/ffmpeg-binary.js';
import { loadJanode } from '../../server/sfu/janode-loader.js';
import { callFlags, HEADLESS_FLAGS } from '../../e2e/chromium.js';
import { fakeOffer } from '../../server/sfu/fake-offer.js';
import { issueSfuToken, sfuTokenKey } from '../../server/sfu/sfu-token.js';
import { nodeOf, ok, onNodeNotIn } from './helpers.js';
import { command, fail, janusRoom as janusRoomOf, mediaPage, publishReal, sfuSuiteSkip, subscribeReal, until } from './sfu-media.js';

const { binary: ffmpeg } = await findFfmpeg(process.env.FFMPEG_PATH);
const { skip, browserPath } = sfuSuiteSkip('cluster SFU tests');

describe.skipIf(skip)('cluster: large calls through one Janus shared by 3 nodes', () => {
  let t: Topology;
  let browser: Browser;
  let ada: Client, bob: Client, cyd: Client, dan: Client, out: Client;
  const nodes: Record<string, string> = {};
  let as: ClientSocket, bs: ClientSocket, cs: ClientSocket, ds: ClientSocket, os: ClientSocket;
  let roomId: number;
  let pageA: Page, pageB: Page;
  let adaFeed: number, bobFeed: number;
  let session: JanodeSession;
  let rtmpPort: number;
  let rtmp: ChildProcess | null = null;

  /** Janus's own view of the room, asked directly. */
  const janusRoom = () => janusRoomOf(session, roomId);

  beforeAll(async () => {
    // n1 runs RTMP ingest (and so the real-time push into Janus); the others do not.
    rtmpPort = await freePort();
    t = await startTopology({
      nodes: 3,
      leaseMs: 3000,
      janus: true,
      nodeEnv: { n1: { STREAMING_ENABLED: 'true', RTMP_PORT: String(rtmpPort), RTMP_HOST: '127.0.0.1', STREAM_LADDER: 'copy' } },
    });
    session = await t.janus!.supervisor.connection!.create(20);
    await new Client(t.nodes[0]!.url).register('root');
    ada = await new Client(t.url).register('ada');
    bob = await new Client(t.url).register('bob');
    cyd = await new Client(t.url).register('cyd');
    dan = await new Client(t.url).register('dan');
    out = await new Client(t.url).register('out');
    nodes.ada = await nodeOf(ada);
    nodes.bob = await onNodeNotIn(bob, 'bob', [nodes.ada]);
    nodes.cyd = await onNodeNotIn(cyd, 'cyd', [nodes.ada, nodes.bob]);
    // Dan owns the room (and stays out of the call), so the moderator may mute Ada.
    roomId = (await roomWith(dan, [ada, bob, cyd])).id;
    expect((await dan.put(`/api/rooms/${roomId}/members/${cyd.userId}/role`, { role: 'moderator' })).status).toBe(200);
    [as, bs, cs, ds, os] = await Promise.all([ada.socket(), bob.socket(), cyd.socket(), dan.socket(), out.socket()]);
    for (const s of [as, bs, cs, ds]) await ok(command(s, 'room:enter', { roomId }));
    browser = await chromium.launch({ executablePath: browserPath, args: [...HEADLESS_FLAGS, ...callFlags()] });
    [pageA, pageB] = await Promise.all([mediaPage(browser, t.url), mediaPage(browser, t.url)]);
  }, 400_000);

  afterAll(async () => {
    rtmp?.kill('SIGKILL');
    for (const s of [as, bs, cs, ds, os]) s?.close();
    await browser?.close();
    await session?.destroy().catch(() => {});
    await t?.stop();
  }, 60_000);

  it('puts Ada, Bob and Cyd on three different nodes, every node sees Janus up', async () => {
    expect(new Set([nodes.ada, nodes.bob, nodes.cyd]).size).toBe(3);
    for (const n of t.nodes) {
      const c = n.url;
      expect((await fetch(`${c}/api/health`)).ok).toBe(true);
    }
    const mode = await until('Janus up for the room', async () => {
      const r = await ada.get(`/api/rooms/${roomId}/call/mode`);
      return r.body.sfu === 'up' ? r.body : null;
    });
    expect(mode).toMatchObject({ sfu: 'up', capacity: 50 });
  }, 60_000);

  it('the owner’s large mode holds on every node; three users on three nodes join one SFU call', async () => {
    await ok(command(ds, 'call:mode', { roomId, preference: 'large' }));
    await ok(command(as, 'call:join', { roomId, muted: false, cameraOff: false }));
    await ok(command(bs, 'call:join', { roomId, muted: false, cameraOff: false }));
    await ok(command(cs, 'call:join', { roomId, muted: true, cameraOff: true }));
    for (const s of [as, bs, cs]) {
      const st = await ok<{ mode: string; participants: unknown[] }>(command(s, 'call:state', { roomId }));
      expect(st.mode).toBe('sfu');
      expect(st.participants).toHaveLength(3);
    }
  }, 60_000);

  it('Ada publishes on her node, Bob on his sees the feed, subscribes and receives RTP; then the other way round', async () => {
    const seen = nextEvent(bs, 'call:updated', (f: any) => f.participant.userId === ada.userId && f.participant.feedId, 30_000);
    adaFeed = await publishReal(pageA, as, roomId);
    expect((await seen).participant.feedId).toBe(adaFeed);
    await subscribeReal(pageB, bs, roomId, adaFeed, 'fromAda');
    const audio = () => pageB.evaluate("window.inboundBytes('fromAda', 'audio')") as Promise<number>;
    const a0 = await audio();
    await until('Ada’s audio reaches Bob', async () => (await audio()) > a0);

    const seenB = nextEvent(as, 'call:updated', (f: any) => f.participant.userId === bob.userId && f.participant.feedId, 30_000);
    bobFeed = await publishReal(pageB, bs, roomId);
    expect((await seenB).participant.feedId).toBe(bobFeed);
    expect(bobFeed).not.toBe(adaFeed);
    await subscribeReal(pageA, as, roomId, bobFeed, 'fromBob');

    // Janus has both, each under the user id of the person publishing it.
    const j = await janusRoom();
    expect(j.feeds.map((f) => [Number(f.feed), Number(f.display)]).sort()).toEqual([[adaFeed, ada.userId], [bobFeed, bob.userId]].sort());
  }, 120_000);

  it('refuses, on any node: one’s own feed, unknown feeds, members not in the call, outsiders, and joins without our token', async () => {
    const tb = (await ok<{ token: string }>(command(bs, 'sfu:token', { roomId, role: 'call' }))).token;
    expect((await fail(command(bs, 'sfu:subscribe', { roomId, token: tb, feedId: bobFeed, substream: 0 }))).code).toBe('VALIDATION');
    expect((await fail(command(bs, 'sfu:subscribe', { roomId, token: tb, feedId: 12345, substream: 0 }))).code).toBe('NOT_FOUND');
    // Dan (the room's owner) is not in the call: no token, and a crafted one does not get him in.
    expect((await fail(command(ds, 'sfu:token', { roomId, role: 'call' }))).code).toBe('CONFLICT');
    const key = sfuTokenKey(t.sessionSecret);
    const danToken = issueSfuToken(key, { userId: dan.userId, roomId, role: 'call', expiresAt: Date.now() + 60_000 });
    expect((await fail(command(ds, 'sfu:subscribe', { roomId, token: danToken, feedId: adaFeed, substream: 0 }))).code).toBe('CONFLICT');
    // The outsider is no member at all (whichever node they are on).
    const outToken = issueSfuToken(key, { userId: out.userId, roomId, role: 'call', expiresAt: Date.now() + 60_000 });
    expect((await fail(command(os, 'sfu:token', { roomId, role: 'call' }))).code).toBe('NOT_MEMBER');
    expect((await fail(command(os, 'sfu:subscribe', { roomId, token: outToken, feedId: adaFeed, substream: 0 }))).code).toBe('NOT_MEMBER');
    expect((await fail(command(os, 'sfu:publish', { roomId, token: outToken, jsep: fakeOffer() }))).code).toBe('NOT_MEMBER');
    // Straight to Janus without one of our tokens: refused by the room's ACL.
    const { plugins } = await loadJanode();
    const h: JanodeHandle = await session.attach(plugins.videoroom);
    const code = await h.joinPublisher({ room: roomId, display: 'raw' }).then(() => 'ok', (err: Error) => Number(/^(\d{3})/.exec(err.message)?.[1]));
    await h.detach().catch(() => {});
    expect(code).toBe(433);
  }, 60_000);

  it('Cyd, a moderator on the third node, mutes Ada: the ack is ok, Ada is told, everyone sees her muted', async () => {
    const told = nextEvent(as, 'call:muted', (f: any) => f.roomId === roomId && f.by === cyd.userId, 20_000);
    const seen = nextEvent(bs, 'call:updated', (f: any) => f.participant.userId === ada.userId && f.participant.muted === true, 20_000);
    await ok(command(cs, 'call:moderate', { roomId, userId: ada.userId, action: 'mute' }));
    await told;
    await seen;
    // Bob (no moderator) may not; a non-participant target is NOT_FOUND.
    expect((await fail(command(bs, 'call:moderate', { roomId, userId: ada.userId, action: 'mute' }))).code).toBe('FORBIDDEN');
    expect((await fail(command(cs, 'call:moderate', { roomId, userId: dan.userId, action: 'mute' }))).code).toBe('FORBIDDEN');
    // Janus stopped relaying Ada's audio to Bob (moderate on the handle Ada's node holds); her video goes on.
    const audio = () => pageB.evaluate("window.inboundBytes('fromAda', 'audio')") as Promise<number>;
    const video = () => pageB.evaluate("window.inboundBytes('fromAda', 'video')") as Promise<number>;
    await until('Ada’s audio stops reaching Bob', async () => {
      const a0 = await audio();
      const v0 = await video();
      await new Promise((r) => setTimeout(r, 1000));
      return (await audio()) === a0 && (await video()) > v0;
    });
  }, 60_000);

  it('Ada leaving does not destroy the Janus room: Bob’s feed stays and Cyd can still subscribe to it', async () => {
    await ok(command(as, 'call:leave', { roomId }));
    const j = await until('Ada’s feed gone from Janus', async () => {
      const r = await janusRoom();
      return r.feeds.some((f) => Number(f.feed) === adaFeed) ? null : r;
    });
    expect(j.exists).toBe(true);
    expect(j.feeds.map((f) => Number(f.feed))).toEqual([bobFeed]);
    expect((await pageB.evaluate("window.state('pub')")) as string).toBe('connected');
    const tc = (await ok<{ token: string }>(command(cs, 'sfu:token', { roomId, role: 'call' }))).token;
    const sub = await ok<{ jsep: { type: string } }>(command(cs, 'sfu:subscribe', { roomId, token: tc, feedId: bobFeed, substream: 0 }));
    expect(sub.jsep.type).toBe('offer');
    // Ada's old feed is not subscribable any more.
    expect((await fail(command(cs, 'sfu:subscribe', { roomId, token: tc, feedId: adaFeed, substream: 0 }))).code).toBe('NOT_FOUND');
  }, 60_000);

  it('Cyd removes Bob from the call: Bob is told, his feed leaves Janus; Bob rejoins, is kicked from the room, and is out of Janus too', async () => {
    const ended = nextEvent(bs, 'call:ended', (f: any) => f.roomId === roomId && f.reason === 'removed', 20_000);
    await ok(command(cs, 'call:moderate', { roomId, userId: bob.userId, action: 'remove' }));
    await ended;
    await until('Bob’s feed gone from Janus', async () => !(await janusRoom()).feeds.some((f) => Number(f.feed) === bobFeed));

    // Back in with a (signalling-only) feed, then kicked out of the room by the moderator over HTTP.
    await ok(command(bs, 'call:join', { roomId, muted: true, cameraOff: true }));
    const tb = (await ok<{ token: string }>(command(bs, 'sfu:token', { roomId, role: 'call' }))).token;
    const { feedId } = await ok<{ feedId: number }>(command(bs, 'sfu:publish', { roomId, token: tb, jsep: fakeOffer() }));
    await until('Bob’s new feed in Janus', async () => (await janusRoom()).feeds.some((f) => Number(f.feed) === feedId));
    const left = nextEvent(cs, 'call:left', (f: any) => f.userId === bob.userId, 20_000);
    expect((await cyd.post(`/api/rooms/${roomId}/members/${bob.userId}/kick`, {})).status).toBe(204);
    await left;
    await until('the kicked member’s feed gone from Janus', async () => !(await janusRoom()).feeds.some((f) => Number(f.feed) === feedId));
    const st = await ok<{ participants: { userId: number }[] }>(command(cs, 'call:state', { roomId }));
    expect(st.participants.map((p) => p.userId)).toEqual([cyd.userId]);
  }, 60_000);

  it('the last one out destroys the Janus room', async () => {
    expect((await janusRoom()).exists).toBe(true);
    await ok(command(cs, 'call:leave', { roomId }));
    await until('Janus room destroyed', async () => !(await janusRoom()).exists);
  }, 60_000);
  describe.skipIf(!ffmpeg)('real-time live: ingest on n1, watched from another node', () => {
    /** A member (still in the room) on a node that does not run ingest. */
    const viewer = () => (nodes.ada !== 'n1' ? { c: ada, s: as } : { c: cyd, s: cs });

    it('no stream: no real-time playback on any node', async () => {
      const { s } = viewer();
      const tk = await ok<{ token: string; realtime: boolean }>(command(s, 'sfu:token', { roomId, role: 'live' }));
      expect(tk.realtime).toBe(false);
      expect((await fail(command(s, 'sfu:live-watch', { roomId, token: tk.token }))).code).toBe('NOT_FOUND');
    }, 30_000);

    it('an RTMP publish to n1 is watched in real time from another node: Janus’s offer, then RTP in the browser', async () => {
      const { c, s } = viewer();
      expect(await nodeOf(c)).not.toBe('n1');
      const key = (await dan.get(`/api/rooms/${roomId}/stream/settings`)).body.streamKey as string;
      const available = nextEvent(s, 'sfu:live', (f: any) => f.roomId === roomId && f.available, 60_000);
      rtmp = spawn(
        ffmpeg!.ffmpeg,
        ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=15', '-f', 'lavfi', '-i', 'sine',
          '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '15', '-c:a', 'aac', '-f', 'flv', `rtmp://127.0.0.1:${rtmpPort}/live/${key}`],
        { stdio: 'ignore' },
      );
      await available;
      const tk = await ok<{ token: string; realtime: boolean }>(command(s, 'sfu:token', { roomId, role: 'live' }));
      expect(tk.realtime).toBe(true);
      expect((await c.get(`/api/rooms/${roomId}/call/mode`)).body.realtimeLive).toBe(true);
      const w = await ok<{ subId: string; jsep: { type: string; sdp: string } }>(command(s, 'sfu:live-watch', { roomId, token: tk.token }));
      expect(w.jsep.type).toBe('offer');
      expect(w.jsep.sdp).toMatch(/H264\/90000/);
      const answer = await pageA.evaluate(`window.answerTo('live', ${JSON.stringify(w.jsep.sdp)})`);
      await ok(command(s, 'sfu:live-start', { roomId, token: tk.token, subId: w.subId, jsep: { type: 'answer', sdp: answer } }));
      await until('live RTP arrives', async () => ((await pageA.evaluate("window.inboundBytes('live', 'video')")) as number) > 2000, 45_000);
      // The outsider is refused here too.
      expect((await fail(command(os, 'sfu:live-watch', { roomId, token: tk.token }))).code).toBe('NOT_MEMBER');
      await ok(command(s, 'sfu:live-stop', { roomId, token: tk.token, subId: w.subId }));
    }, 120_000);

    it('the stream ends: other nodes say so too', async () => {
      const { s } = viewer();
      const gone = nextEvent(s, 'sfu:live', (f: any) => f.roomId === roomId && !f.available, 45_000);
      rtmp!.kill('SIGINT');
      await gone;
      const tk = await ok<{ token: string; realtime: boolean }>(command(s, 'sfu:token', { roomId, role: 'live' }));
      expect(tk.realtime).toBe(false);
      expect((await fail(command(s, 'sfu:live-watch', { roomId, token: tk.token }))).code).toBe('NOT_FOUND');
    }, 60_000);
  });
});
