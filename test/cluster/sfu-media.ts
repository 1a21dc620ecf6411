/**
 * Shared by the SFU cluster suites (sfu.test.ts, sfu-failover.test.ts): whether they can run (redis,
 * nginx, janus, Chromium), commands with the SDP round trip's budget, and a Chromium page used
 * only as a WebRTC engine with a fake camera (no app UI) that publishes to and subscribes from
 * Janus through our socket commands.
 */
import type { Browser, Page } from '@playwright/test';
import type { JanodeHandle, JanodeSession } from 'janode';
import { expect } from 'vitest';
import type { Ack } from '../../protocol/ack.js';
import type { ClientSocket } from '../../server/test/harness.js';
import { haveJanus, haveTools } from '../../deploy/topology.js';
import { chromiumExecutable } from '../../e2e/chromium.js';
import { loadJanode } from '../../server/sfu/janode-loader.js';
import { until, webrtcPage } from '../../server/test/webrtc-page.js';
import { command as send, ok } from './helpers.js';

export { until };

/** Whether an SFU cluster suite must skip (the reason is printed), and the Chromium to use. */
export function sfuSuiteSkip(suite: string): { skip: boolean; browserPath: string | undefined } {
  const tools = haveTools();
  const janus = haveJanus();
  // undefined: Playwright's own browser; a throw: none at all.
  let browser = true;
  let browserPath: string | undefined;
  try {
    browserPath = chromiumExecutable();
  } catch {
    browser = false;
  }
  if (!tools.ok) console.warn(`${suite} skipped: ${tools.missing.join(', ')} not installed (.ci/run installs them)`);
  else if (!janus) console.warn(`${suite} skipped: janus not installed (Debian package janus)`);
  else if (!browser) console.warn(`${suite} skipped: no Chromium (apt-get install chromium, or npx playwright install chromium)`);
  return { skip: !tools.ok || !janus || !browser, browserPath };
}

/** SDP round trips go through the room's owner and Janus: a wider budget than the other cluster commands. */
export const command = (socket: ClientSocket, event: string, payload: unknown, timeoutMs = 20_000) => send(socket, event, payload, timeoutMs);

export const fail = async (p: Promise<Ack<unknown>>): Promise<{ code: string; message: string }> => {
  const a = await p;
  if (a.ok) throw new Error(`expected a refusal, got ${JSON.stringify(a.data)}`);
  return a.error;
};

/** Janus's own view of a VideoRoom, asked directly through the test's session. */
export async function janusRoom(session: JanodeSession, roomId: number): Promise<{ exists: boolean; feeds: { feed: number; display: string }[] }> {
  const { plugins } = await loadJanode();
  const h: JanodeHandle = await session.attach(plugins.videoroom);
  try {
    const { exists } = await h.exists({ room: roomId });
    if (!exists) return { exists: false, feeds: [] };
    const { participants } = await h.listParticipants({ room: roomId });
    return { exists: true, feeds: participants };
  } finally {
    await h.detach().catch(() => {});
  }
}

/** This suite's page functions, besides server/test/webrtc-page.ts's: publish the fake camera as 'pub', RTP bytes received. */
const PAGE_LIB = `
window.offerToPublish = async () => {
  const pc = new RTCPeerConnection();
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 180 } });
  for (const t of stream.getTracks()) pc.addTransceiver(t, { direction: 'sendonly', streams: [stream] });
  await pc.setLocalDescription(await pc.createOffer());
  await window.gathered(pc);
  if (window.pcs.pub) window.pcs.pub.close();
  window.pcs.pub = pc;
  return pc.localDescription.sdp;
};
window.inboundBytes = async (name, kind) => {
  let n = 0;
  (await window.pcs[name].getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && (!kind || s.kind === kind)) n += s.bytesReceived || 0; });
  return n;
};
`;

export const mediaPage = (browser: Browser, url: string): Promise<Page> => webrtcPage(browser, url, PAGE_LIB);

/** Publishes the page's fake camera through `socket`'s node; resolves when the PeerConnection to Janus is up. */
export async function publishReal(page: Page, socket: ClientSocket, roomId: number): Promise<number> {
  const { token } = await ok<{ token: string }>(command(socket, 'sfu:token', { roomId, role: 'call' }));
  const sdp = await page.evaluate('window.offerToPublish()');
  const res = await ok<{ feedId: number; jsep: { type: string; sdp: string } }>(command(socket, 'sfu:publish', { roomId, token, jsep: { type: 'offer', sdp } }));
  expect(res.jsep.type).toBe('answer');
  await page.evaluate(`window.answered('pub', ${JSON.stringify(res.jsep.sdp)})`);
  await until('publisher connected to Janus', async () => (await page.evaluate("window.state('pub')")) === 'connected', 30_000);
  return res.feedId;
}

/** Bytes of RTP received so far on the page's subscription `name` (of one kind, or all). */
export const inbound = (page: Page, name: string, kind?: 'audio' | 'video') =>
  page.evaluate(`window.inboundBytes(${JSON.stringify(name)}${kind ? `, ${JSON.stringify(kind)}` : ''})`) as Promise<number>;

/** Subscribes to a feed through `socket`'s node and checks RTP arrives; returns the subscription id. */
export async function subscribeReal(page: Page, socket: ClientSocket, roomId: number, feedId: number, name: string): Promise<string> {
  const { token } = await ok<{ token: string }>(command(socket, 'sfu:token', { roomId, role: 'call' }));
  // Janus knows a feed once its publisher's WebRTC is up ("no such feed" before).
  const sub = await until('Janus offers the feed', async () => {
    const a = await command(socket, 'sfu:subscribe', { roomId, token, feedId, substream: 0 });
    return a.ok ? (a.data as { subId: string; jsep: { type: string; sdp: string } }) : null;
  });
  expect(sub.jsep.type).toBe('offer');
  expect(sub.jsep.sdp).toMatch(/m=video/);
  const answer = await page.evaluate(`window.answerTo(${JSON.stringify(name)}, ${JSON.stringify(sub.jsep.sdp)})`);
  await ok(command(socket, 'sfu:start', { roomId, token, subId: sub.subId, jsep: { type: 'answer', sdp: answer } }));
  await until(`RTP of feed ${feedId} arrives`, async () => (await inbound(page, name)) > 2000, 30_000);
  return sub.subId;
}
