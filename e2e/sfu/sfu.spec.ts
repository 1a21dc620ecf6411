/**
 * Large calls through Janus in real Chromium with fake devices (eight people: large.spec.ts): a
 * screen share reaches everyone, a call moves from mesh to
 * SFU without anyone leaving, and killing Janus mid-call is survived. Skipped without Janus.
 */
import { expect, type Page } from '@playwright/test';
import { callRoomFor, newUserViaApi, openCall, remoteTileOf as tileOf, remoteTiles as remotes, type User } from '../fixtures.js';
import { expectLiveRemotes, installed, janusPid, joinCall, sfuTest as test } from './helpers.js';

test.skip(!installed('janus'), 'janus is not installed');
// Several pages with live video on two shared cores: generous budgets (expectations unchanged).
test.describe.configure({ timeout: Number(process.env.SFU_E2E_TIMEOUT ?? 420_000), mode: 'serial' });

const roomFor = (host: User, guests: User[]) => callRoomFor(host, guests, 'Big call');

test('a screen share goes through Janus: the others receive its frames', async ({ browser }) => {
  const users: User[] = [];
  for (let i = 0; i < 3; i++) users.push(await newUserViaApi(browser, `ss${i}`));
  const [host, ...guests] = users as [User, ...User[]];
  const roomId = await roomFor(host, guests);
  for (const u of users) await openCall(u.page, roomId);
  await host.page.getByTestId('call-large').check();
  await expect(host.page.getByTestId('call-large')).toBeChecked();
  for (const u of users) {
    await joinCall(u.page);
    await expect(u.page.getByTestId('call-mode')).toHaveAttribute('data-mode', 'sfu');
  }
  for (const u of users) await expectLiveRemotes(u, users);

  // The camera is 320x180; Chromium's fake desktop capture has another size: the tile's picture changes.
  const sizeOf = (page: Page) => tileOf(page, host).evaluate((el) => `${el.querySelector('video')!.videoWidth}x${el.querySelector('video')!.videoHeight}`);
  const before = await Promise.all(guests.map((g) => sizeOf(g.page)));
  await host.page.getByTestId('call-screen').click();
  await expect(host.page.getByTestId('call-screen')).toHaveAttribute('aria-pressed', 'true');
  for (const [i, g] of guests.entries()) {
    await expect(tileOf(g.page, host).getByTestId('screen-icon')).toBeVisible();
    await expect.poll(() => sizeOf(g.page), { timeout: 60_000, message: `${g.username} receives the screen` }).not.toBe(before[i]);
    const frames = () => tileOf(g.page, host).evaluate((el) => Number(el.getAttribute('data-frames')));
    const f = await frames();
    await expect.poll(frames, { timeout: 30_000, message: `the screen's frames advance on ${g.username}'s page` }).toBeGreaterThan(f);
  }
  // (A still screen is sent at a low frame rate: one new frame is the proof it flows.)
  // Stopping the share brings the camera back everywhere.
  await host.page.getByTestId('call-screen').click();
  for (const [i, g] of guests.entries()) {
    await expect(tileOf(g.page, host).getByTestId('screen-icon')).toHaveCount(0);
    await expect.poll(() => sizeOf(g.page), { timeout: 60_000 }).toBe(before[i]);
  }
  for (const u of users) await u.context.close();
});

/**
 * In the page: the receiving RTCPeerConnections whose video no remote tile shows (matched by track
 * object: Janus gives every subscription the same msid, so track ids repeat), with bytes received.
 */
async function offPage(page: Page): Promise<{ video: number; audio: number }[]> {
  return page.evaluate(async () => {
    const shown = new Set<MediaStreamTrack>();
    for (const v of document.querySelectorAll('[data-testid="call-tile"][data-self="false"] video')) for (const t of ((v as HTMLVideoElement).srcObject as MediaStream | null)?.getTracks() ?? []) shown.add(t);
    const out: { video: number; audio: number }[] = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed' || pc.getTransceivers().some((t) => t.direction === 'sendonly')) continue;
      const track = pc.getReceivers().find((r) => r.track.kind === 'video')?.track;
      if (!track || shown.has(track)) continue;
      let video = 0;
      let audio = 0;
      (await pc.getStats()).forEach((s: { type: string; kind?: string; bytesReceived?: number }) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') video += s.bytesReceived ?? 0;
        if (s.type === 'inbound-rtp' && s.kind === 'audio') audio += s.bytesReceived ?? 0;
      });
      out.push({ video, audio });
    }
    return out;
  });
}

/** Polls until every off-page subscription (`count` of them) has its video bytes stop growing while its audio still grows. */
async function expectPausedOffPage(page: Page, count: number): Promise<void> {
  let last: { video: number; audio: number }[] = [];
  await expect
    .poll(
      async () => {
        const now = await offPage(page);
        const prev = last;
        last = now;
        if (now.length !== count || prev.length !== count) return `waiting for ${count} off-page subscriptions (${now.length})`;
        for (const [i, r] of now.entries()) {
          if (r.video !== prev[i]!.video) return `video still flows (${prev[i]!.video} -> ${r.video} bytes)`;
          if (r.audio <= prev[i]!.audio) return 'audio stopped too';
        }
        return 'video paused, audio flowing';
      },
      { timeout: 60_000, intervals: [1500] },
    )
    .toBe('video paused, audio flowing');
}

test('off-page tiles: Janus stops sending their video, and resumes when their page is shown', async ({ browser }) => {
  const users: User[] = [];
  for (let i = 0; i < 3; i++) users.push(await newUserViaApi(browser, `pg${i}`));
  const [host, g1, g2] = users as [User, User, User];
  // A phone-sized stage: fewer tiles a page than the three in the call (host first, then g1, g2).
  await host.page.setViewportSize({ width: 380, height: 640 });
  await host.page.addInitScript(() => {
    const pcs: RTCPeerConnection[] = [];
    (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = pcs;
    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Native {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        pcs.push(this);
      }
    };
  });
  const roomId = await roomFor(host, [g1, g2]);
  for (const u of users) await openCall(u.page, roomId);
  await host.page.getByTestId('call-large').check();
  await expect(host.page.getByTestId('call-large')).toBeChecked();
  for (const u of users) {
    await joinCall(u.page);
    await expect(u.page.getByTestId('call-mode')).toHaveAttribute('data-mode', 'sfu');
  }
  for (const u of [g1, g2]) await expectLiveRemotes(u, users);
  // g2 (last in) is not on page 1: its video is paused at Janus, its audio still plays.
  await expect(host.page.getByTestId('call-page-next')).toBeVisible({ timeout: 30_000 });
  await expect(tileOf(host.page, g2)).toHaveCount(0);
  const shownOnFirst = await remotes(host.page).count();
  await expectPausedOffPage(host.page, 2 - shownOnFirst);

  // Next pages until g2's tile shows: its video comes back (frames advance); g1 is then off-page and paused.
  while ((await tileOf(host.page, g2).count()) === 0) await host.page.getByTestId('call-page-next').click();
  await expect(tileOf(host.page, g1)).toHaveCount(0);
  const g2Frames = () => tileOf(host.page, g2).evaluate((el) => Number(el.getAttribute('data-frames'))).catch(() => 0);
  await expect.poll(g2Frames, { timeout: 60_000, message: 'g2 shows frames again' }).toBeGreaterThan(3);
  const f = await g2Frames();
  await expect.poll(g2Frames, { timeout: 30_000 }).toBeGreaterThan(f);
  await expectPausedOffPage(host.page, 1);
  if (process.env.SCREENS) await host.page.screenshot({ path: 'docs/screenshots/sfu-call-pages-phone.png' });
  for (const u of users) await u.context.close();
});

test('a call moves from mesh to SFU without anyone leaving; Janus killed mid-call, the call recovers', async ({ browser }) => {
  const users: User[] = [];
  for (let i = 0; i < 3; i++) users.push(await newUserViaApi(browser, `mv${i}`));
  const [host, ...guests] = users as [User, ...User[]];
  const roomId = await roomFor(host, guests);
  for (const u of users) await openCall(u.page, roomId);
  for (const u of users) await joinCall(u.page);
  for (const u of users) await expectLiveRemotes(u, users);
  // Mesh first (small call, 'auto'): no mode badge.
  await expect(host.page.getByTestId('call-mode')).toHaveCount(0);
  const meshLink = await tileOf(guests[0]!.page, host).getAttribute('data-link');

  // The owner switches to large: everyone moves to Janus, nobody leaves, video goes on.
  await host.page.getByTestId('call-large').check();
  for (const u of users) await expect(u.page.getByTestId('call-mode')).toHaveAttribute('data-mode', 'sfu', { timeout: 30_000 });
  await expect(host.page.getByTestId('call-count')).toHaveText('3/50 in the call');
  for (const u of users) await expectLiveRemotes(u, users);
  expect(await tileOf(guests[0]!.page, host).getAttribute('data-link')).not.toBe(meshLink);

  // Kill Janus: the server restarts it; the call comes back through the new Janus.
  const pid = janusPid();
  expect(pid, 'janus pid file').not.toBeNull();
  process.kill(pid!, 'SIGKILL');
  await expect.poll(() => { const now = janusPid(); return now !== null && now !== pid; }, { timeout: 30_000, message: 'a new Janus runs' }).toBe(true);
  for (const u of users) await expect(u.page.getByTestId('call-mode')).toHaveAttribute('data-mode', 'sfu', { timeout: 60_000 });
  for (const u of users) await expectLiveRemotes(u, users);
  await expect(host.page.getByTestId('call-count')).toHaveText('3/50 in the call');
  for (const u of users) await u.context.close();
});
