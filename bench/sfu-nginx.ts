/**
 * nginx-rtmp HLS glass-to-glass, for comparison with ours (issue 16): nginx with the RTMP module
 * (Debian `libnginx-mod-rtmp`) on free loopback ports in a temp dir, the same clocked FFmpeg publish
 * as e2e/stream/helpers.ts `publishWithClock` (640x360@30, 1 s GOP, frame number burned into the
 * top strip), 1 s HLS fragments, played in Chromium by hls.js with our player's live-sync settings
 * (client/src/features/stream/latency.ts LIVE_SYNC, backBufferLength 30) from a page nginx serves
 * itself. Glass-to-glass = when a frame is due on screen (requestVideoFrameCallback) minus when
 * FFmpeg made it, median of 20 frames. Skipped with a note when the module is not installed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { LIVE_SYNC } from '../client/src/features/stream/latency.js';
import { chromiumExecutable, HEADLESS_FLAGS } from '../e2e/chromium.js';
import { publishWithClock as publishClocked } from '../e2e/stream/clock.js';
import { REPO_ROOT } from './lib/child.js';
import { makeDataDir, removeDataDir } from './lib/tempdir.js';

const MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';
const BITS = 16;
const log = (msg: string) => process.stderr.write(`[sfu-nginx] ${msg}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) if (c.pid && c.exitCode === null && c.signalCode === null) process.kill(c.pid, 'SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (addr && typeof addr === 'object' ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin'])) {
    const p = join(dir, cmd);
    if (existsSync(p)) return p;
  }
  return null;
}

/** The streaming specs' publisher, its child tracked for clean-up. */
function publishWithClock(url: string): ReturnType<typeof publishClocked> {
  const pub = publishClocked(url);
  children.add(pub.child);
  pub.child.once('exit', () => children.delete(pub.child));
  return pub;
}

async function stop(child: ChildProcess | null, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.kill(child.pid, signal);
  const t = setTimeout(() => {
    if (child.pid && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  }, 3000);
  await exited;
  clearTimeout(t);
}

function nginxConf(dir: string, rtmpPort: number, httpPort: number): string {
  const hlsJs = resolve(REPO_ROOT, 'node_modules/hls.js/dist/hls.light.min.js');
  return `load_module ${MODULE};
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
rtmp {
  server {
    listen 127.0.0.1:${rtmpPort};
    application live {
      live on;
      record off;
      hls on;
      hls_path ${dir}/hls;
      hls_fragment 1s;
      hls_playlist_length 5s;
    }
  }
}
http {
  access_log off;
  client_body_temp_path ${dir}/tmp-body;
  proxy_temp_path ${dir}/tmp-proxy;
  fastcgi_temp_path ${dir}/tmp-fcgi;
  uwsgi_temp_path ${dir}/tmp-uwsgi;
  scgi_temp_path ${dir}/tmp-scgi;
  types { text/html html; application/javascript js; application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
  server {
    listen 127.0.0.1:${httpPort};
    root ${dir}/www;
    location /hls/ { alias ${dir}/hls/; add_header Cache-Control no-cache; }
    location = /hls.js { alias ${hlsJs}; }
  }
}
`;
}

const PAGE = `<!doctype html><html><body style="margin:0;background:#000">
<video id="v" muted autoplay playsinline width="640" height="360"></video>
<script src="/hls.js"></script>
<script>
  const v = document.getElementById('v');
  const h = new Hls(Object.assign({}, ${JSON.stringify(LIVE_SYNC)}, { backBufferLength: 30 }));
  h.on(Hls.Events.MANIFEST_PARSED, () => v.play().catch(() => {}));
  h.attachMedia(v);
  h.loadSource('/hls/bench.m3u8');
</script></body></html>`;

/** Frame numbers shown on screen and when (same decoding as e2e/stream/helpers.ts readShownFrames). */
async function readShownFrames(browser: Browser, url: string, count: number): Promise<{ frame: number; shownAt: number }[]> {
  const page = await browser.newPage();
  await page.goto(url);
  const end = Date.now() + 60_000;
  while ((await page.evaluate(() => (document.getElementById('v') as HTMLVideoElement).currentTime)) <= 1) {
    if (Date.now() > end) throw new Error('nginx-rtmp HLS did not play within 60 s');
    await sleep(250);
  }
  // A string, not a function: tsx (esbuild keepNames) would wrap inner functions in a __name helper the page lacks.
  return page.evaluate(`new Promise((done) => {
    const count = ${count}, bits = ${BITS};
    const v = document.getElementById('v');
    const canvas = document.createElement('canvas');
    canvas.width = v.videoWidth;
    canvas.height = v.videoHeight;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const out = [];
    let seen = 0;
    setTimeout(() => done(out), 10000);
    const onFrame = (_now, meta) => {
      if (seen++ % 6 === 0) {
        ctx.drawImage(v, 0, 0, canvas.width, canvas.height);
        const scale = canvas.width / 640;
        let frame = 0;
        for (let b = 0; b < bits; b++) {
          const px = ctx.getImageData(Math.round((40 * b + 20) * scale), Math.round(12 * scale), 1, 1).data;
          if ((px[0] + px[1] + px[2]) / 3 > 128) frame += 2 ** b;
        }
        out.push({ frame, shownAt: performance.timeOrigin + meta.expectedDisplayTime });
      }
      if (out.length < count) v.requestVideoFrameCallback(onFrame);
      else done(out);
    };
    v.requestVideoFrameCallback(onFrame);
  })`);
}

/** Median glass-to-glass of nginx-rtmp's HLS in ms, or null with the reason. */
export async function nginxHlsG2g(): Promise<{ ms: number | null; note: string }> {
  const nginx = which('nginx');
  if (!nginx) return { ms: null, note: 'nginx is not installed (apt-get install nginx libnginx-mod-rtmp)' };
  if (!existsSync(MODULE)) return { ms: null, note: `the RTMP module is not installed (${MODULE}; apt-get install libnginx-mod-rtmp)` };
  if (!which('ffmpeg') && !process.env.FFMPEG_PATH) return { ms: null, note: 'ffmpeg is not installed' };
  const dir = makeDataDir('nginx-rtmp');
  for (const d of ['hls', 'www']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'www', 'index.html'), PAGE);
  const [rtmpPort, httpPort] = [await freePort(), await freePort()];
  writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, rtmpPort, httpPort));
  let server: ChildProcess | null = null;
  let pub: ReturnType<typeof publishWithClock> | null = null;
  let browser: Browser | null = null;
  try {
    server = spawn(nginx, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.add(server);
    server.once('exit', () => children.delete(server!));
    let err = '';
    server.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    // Listening when the page answers.
    const end = Date.now() + 15_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`nginx exited: ${err.trim().slice(-400)}`);
      if (await fetch(`http://127.0.0.1:${httpPort}/`).then((r) => r.ok, () => false)) break;
      if (Date.now() > end) throw new Error('nginx did not start within 15 s');
      await sleep(100);
    }
    pub = publishWithClock(`rtmp://127.0.0.1:${rtmpPort}/live/bench`);
    const ready = Date.now() + 30_000;
    while (!existsSync(join(dir, 'hls', 'bench.m3u8'))) {
      if (Date.now() > ready) throw new Error('no nginx-rtmp playlist within 30 s');
      await sleep(100);
    }
    log(`nginx-rtmp HLS up on 127.0.0.1:${httpPort} (rtmp ${rtmpPort})`);
    browser = await chromium.launch({
      executablePath: chromiumExecutable(),
      args: [...HEADLESS_FLAGS, '--autoplay-policy=no-user-gesture-required'],
    });
    const shown = await readShownFrames(browser, `http://127.0.0.1:${httpPort}/index.html`, 20);
    const capturedAt = pub.capturedAt;
    const lags = shown
      .map((s) => s.shownAt - (capturedAt(s.frame) ?? NaN))
      .filter((x) => Number.isFinite(x) && x > -500 && x < 30_000)
      .sort((a, b) => a - b);
    if (!lags.length) return { ms: null, note: `no frame clock read from nginx-rtmp's HLS (${shown.length} frames seen)` };
    return { ms: Math.round(lags[Math.floor(lags.length / 2)]!), note: `nginx-rtmp HLS: hls_fragment 1s, playlist 5s, ${lags.length} frames, range ${Math.round(lags[0]!)}-${Math.round(lags[lags.length - 1]!)} ms` };
  } catch (e) {
    return { ms: null, note: (e as Error).message.split('\n')[0]! };
  } finally {
    await browser?.close().catch(() => {});
    if (pub) await stop(pub.child, 'SIGINT');
    await stop(server, 'SIGQUIT');
    removeDataDir(dir);
  }
}
