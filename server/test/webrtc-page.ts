/**
 * A Chromium page used only as a WebRTC engine with a fake camera (no app UI), for the tests that
 * talk to Janus through our server: the SFU cluster suites (test/cluster/sfu-media.ts) and WHIP
 * (server/sfu/whip.test.ts). Page functions are plain script evaluated in the page, by name:
 * `window.pcs[name]` holds each RTCPeerConnection.
 */
import type { Browser, Page } from '@playwright/test';

/**
 * The functions every such page has: `gathered(pc)` (ICE gathering complete: no trickle),
 * `answered(name, sdp)` (apply Janus's answer to our offer), `answerTo(name, sdp)` (answer
 * Janus's offer, a subscription), `state(name)` (connection state, 'none' when unknown).
 */
const COMMON = `
window.pcs = {};
window.gathered = (pc) => new Promise((r) => { if (pc.iceGatheringState === 'complete') return r(); pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()); });
window.answered = async (name, sdp) => { await window.pcs[name].setRemoteDescription({ type: 'answer', sdp }); };
window.answerTo = async (name, sdp) => {
  const pc = new RTCPeerConnection();
  window.pcs[name] = pc;
  await pc.setRemoteDescription({ type: 'offer', sdp });
  await pc.setLocalDescription(await pc.createAnswer());
  await window.gathered(pc);
  return pc.localDescription.sdp;
};
window.state = (name) => window.pcs[name] ? window.pcs[name].connectionState : 'none';
`;

/** A new page (own context, camera and microphone allowed) with the common functions and the suite's own `lib`. */
export async function webrtcPage(browser: Browser, url: string, lib: string): Promise<Page> {
  const ctx = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const page = await ctx.newPage();
  // Any page on 127.0.0.1 is a secure context (getUserMedia).
  await page.goto(`${url}/api/health`);
  await page.evaluate(COMMON + lib);
  return page;
}

/** Polls `fn` until it returns something truthy (errors count as "not yet"; the last one is reported). */
export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`${what}: not after ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
