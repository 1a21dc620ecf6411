/**
 * Real-time live playback through Janus Streaming: a real ffmpeg RTMP publish (with a frame clock
 * burned into the picture), the member picks "Real-time", frames arrive over WebRTC; glass-to-glass
 * is read for Real-time and Standard (HLS) in the same run and printed; a negotiation whose answer is
 * lost is retried by the player with a fresh subscription. Skipped without Janus.
 */
import { test, expect } from '@playwright/test';
import { newUser } from '../fixtures.js';
import { installed } from './helpers.js';
import { openLive, publishWithClock, readShownFrames, roomWith, stopPublisher } from '../stream/helpers.js';

test.skip(!installed('janus', 'ffmpeg'), 'janus or ffmpeg is not installed');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};

test('the real-time player shows frames from a real RTMP publish, sub-second; Standard is still there; a lost negotiation is retried', async ({ browser }) => {
  test.setTimeout(300_000);
  const owner = await newUser(browser, 'rtcaster');
  const member = await newUser(browser, 'rtviewer');
  const roomId = await roomWith(owner, [member], 'Real-time room');
  let fullUrl = '';
  await expect(async () => {
    const res = await owner.page.request.get(`/api/rooms/${roomId}/stream/settings`);
    expect(res.status()).toBe(200);
    const s = await res.json();
    expect(s.enabled).toBe(true);
    fullUrl = s.fullUrl;
  }).toPass({ timeout: 20_000 });

  // The member's socket frames pass through the test, which can lose the next `sfu:live-start` (the
  // player's answer to Janus) to exercise the player's second attempt.
  let dropNextLiveStart = false;
  await member.page.routeWebSocket(/\/socket\.io\//, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      if (dropNextLiveStart && typeof m === 'string' && /^42\d*\["sfu:live-start"/.test(m)) {
        dropNextLiveStart = false;
        return;
      }
      server.send(m);
    });
  });
  await member.page.reload();
  await openLive(member.page);
  const clock = publishWithClock(fullUrl);
  try {
    await expect(member.page.getByTestId('live-badge')).toBeVisible({ timeout: 30_000 });
    // Standard first (the default); the Real-time choice appears once the RTP push is up.
    const tabs = member.page.getByTestId('play-mode');
    await expect(tabs).toBeVisible({ timeout: 30_000 });
    await tabs.getByRole('tab', { name: 'Real-time' }).click();
    const rt = member.page.getByTestId('rt-player');
    // Playing, or (on failure) why the player fell back to HLS; the player itself tries twice, 10 s each.
    const fallback = member.page.getByTestId('rt-fallback');
    const phase = async () => ((await fallback.count()) ? `fell back: ${await fallback.textContent()}` : await rt.getAttribute('data-phase', { timeout: 1000 }).catch(() => 'no player'));
    await expect.poll(phase, { timeout: 45_000 }).toBe('playing');
    const frames = () => rt.evaluate((el) => Number(el.getAttribute('data-frames')));
    const f0 = await frames();
    await expect.poll(frames, { timeout: 45_000, message: "the real-time picture keeps moving" }).toBeGreaterThan(f0 + 10);
    await expect(member.page.getByTestId('rt-badge')).toBeVisible();

    // Glass-to-glass: frame number in the picture vs. when FFmpeg made it.
    const lag = async (testId: string) => {
      const shown = await readShownFrames(member.page, 20, 6, testId);
      return shown.map((s) => s.shownAt - (clock.capturedAt(s.frame) ?? NaN)).filter((x) => Number.isFinite(x) && x > -500 && x < 30_000);
    };
    const rtLag = median(await lag('rt-video'));
    expect(Number.isFinite(rtLag)).toBe(true);

    // Standard (HLS) in the same run.
    await tabs.getByRole('tab', { name: 'Standard' }).click();
    await expect(member.page.getByTestId('live-video')).toBeVisible();
    await expect.poll(() => member.page.getByTestId('live-video').evaluate((v) => (v as HTMLVideoElement).currentTime), { timeout: 30_000 }).toBeGreaterThan(1);
    const hlsLag = median(await lag('live-video'));
    console.log(`glass-to-glass p50: real-time (Janus WebRTC) ${Math.round(rtLag)} ms, standard (HLS) ${Math.round(hlsLag)} ms`);
    test.info().annotations.push({ type: 'g2g-realtime-ms', description: String(Math.round(rtLag)) }, { type: 'g2g-hls-ms', description: String(Math.round(hlsLag)) });

    // The first negotiation's answer never reaches Janus (no picture): the player releases that
    // subscription, tries a fresh one and plays on its second attempt, without falling back to HLS.
    dropNextLiveStart = true;
    await tabs.getByRole('tab', { name: 'Real-time' }).click();
    await expect.poll(phase, { timeout: 60_000 }).toBe('playing');
    expect(dropNextLiveStart, 'the first answer was lost on the way').toBe(false);
    await expect(rt).toHaveAttribute('data-attempt', '2');
    const f1 = await frames();
    await expect.poll(frames, { timeout: 45_000, message: 'the second attempt\'s picture keeps moving' }).toBeGreaterThan(f1 + 10);
    if (process.env.SCREENS) {
      await tabs.getByRole('tab', { name: 'Real-time' }).click();
      await expect(member.page.getByTestId('rt-player')).toHaveAttribute('data-phase', 'playing', { timeout: 30_000 });
      await member.page.screenshot({ path: 'docs/screenshots/live-realtime.png' });
    }
  } finally {
    await stopPublisher(clock.child);
  }
});
