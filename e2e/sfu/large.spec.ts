/**
 * The bar for large calls: eight people in an SFU call (Janus) in real Chromium with fake
 * devices all receive video from the seven others (frames advance on every tile of every page), a
 * screen share reaches everyone, a raised hand is seen. One Chromium, eight contexts, each with a
 * tiny fake camera (160x120, 5 fps: `sfuLargeTest`) so the run fits on two shared cores. Skipped
 * without Janus.
 */
import { expect, type Page } from '@playwright/test';
import { callRoomFor, newUserViaApi, openCall, remoteTileOf as tileOf, type User } from '../fixtures.js';
import { expectLiveRemotes, installed, joinCall, sfuLargeTest as test } from './helpers.js';

test.skip(!installed('janus'), 'janus is not installed');
// Eight pages with live video on two shared cores: a generous budget (expectations unchanged).
test.describe.configure({ timeout: Number(process.env.SFU_E2E_TIMEOUT ?? 420_000) });

test('eight people in a large call all see each other; a screen share reaches everyone', async ({ browser }) => {
  // Even with the tiny camera, joins slow down as the call fills while other jobs load the machine
  // (2026-12-07 21:20, load ~46: each action took 10-30 s from the fifth joiner on, the eighth was
  // in after 7 min and the 7-min budget ran out; 21:39, budget 10 min: all eight in, but sockets
  // dropped under the server's event-loop lag and pages counted 3 to 8 in the call, frames checks
  // timed out). Not on by default until it holds on 2 cores.
  test.skip(!process.env.E2E_SFU_LARGE, 'set E2E_SFU_LARGE=1 to run (eight pages with live video; has not held on 2 shared cores)');
  const users: User[] = [];
  for (let i = 0; i < 8; i++) users.push(await newUserViaApi(browser, `sfu${i}`));
  const [host, ...guests] = users as [User, ...User[]];
  const roomId = await callRoomFor(host, guests, 'Big call');
  for (const u of users) await openCall(u.page, roomId);

  // The owner switches the room to large calls: the call runs through Janus from the first person.
  await expect(host.page.getByTestId('call-large')).toBeVisible();
  await host.page.getByTestId('call-large').check();
  await expect(host.page.getByTestId('call-large')).toBeChecked();
  await expect(host.page.getByTestId('call-count')).toHaveText('0/50 in the call');

  // One at a time: each joiner is counted in before the next comes (no burst of eight offers).
  for (const [i, u] of users.entries()) {
    await joinCall(u.page);
    await expect(u.page.getByTestId('call-mode')).toHaveAttribute('data-mode', 'sfu');
    await expect(u.page.getByTestId('call-count')).toHaveText(`${i + 1}/50 in the call`, { timeout: 60_000 });
  }
  const diag = async (when: string) => {
    for (const u of users) console.log(`[diag ${when}] ${u.username}: ${await u.page.getByTestId('call-count').textContent().catch(() => '?')} phase=${await u.page.locator('.call').getAttribute('data-phase').catch(() => '?')} conn=${await u.page.locator('.call').getAttribute('data-connection').catch(() => '?')}`);
  };
  try {
    for (const u of users) await expectLiveRemotes(u, users);
  } catch (err) {
    await diag('failure');
    throw err;
  }
  const eighth = Number(await users[7]!.page.locator('.call').getAttribute('data-first-frame-ms'));
  console.log(`join-to-first-remote-frame (8th participant, SFU): ${eighth} ms`);
  test.info().annotations.push({ type: 'sfu-8th-join-to-first-frame-ms', description: String(eighth) });

  // Screen share: everyone sees the host's tile switch to the screen (icon and a new picture size).
  const sizeOf = (page: Page) => tileOf(page, host).evaluate((el) => `${el.querySelector('video')!.videoWidth}x${el.querySelector('video')!.videoHeight}`);
  const before = await Promise.all(guests.map((g) => sizeOf(g.page)));
  await host.page.getByTestId('call-screen').click();
  await expect(host.page.getByTestId('call-screen')).toHaveAttribute('aria-pressed', 'true');
  for (const [i, g] of guests.entries()) {
    await expect(tileOf(g.page, host).getByTestId('screen-icon')).toBeVisible();
    await expect.poll(() => sizeOf(g.page), { timeout: 60_000 }).not.toBe(before[i]);
    const frames = () => tileOf(g.page, host).evaluate((el) => Number(el.getAttribute('data-frames')));
    const f = await frames();
    await expect.poll(frames, { timeout: 30_000 }).toBeGreaterThan(f);
  }

  // Raise hand: everyone sees it.
  await guests[2]!.page.getByTestId('call-hand').click();
  await expect(host.page.getByTestId('hands-banner')).toContainText(guests[2]!.username);

  if (process.env.SCREENS) await host.page.screenshot({ path: 'docs/screenshots/sfu-call-8.png' });
  for (const u of users) await u.context.close();
});
