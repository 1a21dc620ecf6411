/**
 * Live-stream benchmark (SPEC: glass-to-glass about 2 s, first playable segment within 3 s).
 *
 * For each ladder (STREAM_LADDER) it starts our server as a child with RTMP ingest on a free port,
 * creates a room, and publishes a synthetic 1280x720@30 source over RTMP with FFmpeg, exactly as
 * OBS would (x264 veryfast zerolatency, 1 s keyframes, AAC). The video carries a **frame-number
 * barcode**: 24 black/white 40 px blocks in the top-left corner, block i white when bit i of the
 * frame number is set (geq). Then:
 *
 * - **publish -> playable**: from spawning the publisher (and from its first frame) until the room's
 *   stream reports `live`, which the server does once the master playlist and a first segment of
 *   every variant exist (GET /api/rooms/:id/stream, polled every 20 ms).
 * - **edge latency**: the variant playlist is polled every 25 ms as a member would (over HTTP,
 *   session cookie). When a new segment is listed at wall time W, it is fetched and decoded; the
 *   barcode of its last frame gives frame number N, captured at t0 + N/30 where t0 is when the
 *   publisher's clock started (min over its `-progress` reports of wall time - out_time, accurate
 *   to a frame). Edge latency = W - (t0 + N/30): how old the newest frame is when a player can
 *   first have it.
 * - **glass-to-glass (expected)**: a player holding `liveSyncDuration` (1.5 s, STACK.md) behind the
 *   live edge shows each frame edge latency + 1.5 s after capture; the column adds that. The
 *   player itself (hls.js) is measured by the client's end-to-end test, not here.
 * - **CPU**: utime+stime of the transcoder FFmpeg (found under the server's PID in /proc) over the
 *   measured window / wall time, in cores; per rendition = total / renditions. The publisher's own
 *   encode is excluded; the server process (Node + node-media-server) is reported separately.
 * - **end**: publisher killed -> stream reported offline (the room gets `stream:ended` then).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { spawnServer } from './lib/child.js';
import { expectStatus, postJson } from './lib/http.js';
import { sleep } from './lib/pool.js';
import type { BenchReport } from './lib/report.js';
import { distribution, type Cell } from './lib/stats.js';
import { makeDataDir, removeDataDir } from './lib/tempdir.js';

export interface StreamOptions {
  /** Ladders to measure, each a STREAM_LADDER value. */
  ladders: string[];
  warmupSec: number;
  durationSec: number;
}

const FPS = 30;
const BITS = 24;
const LIVE_SYNC_S = 1.5;
const log = (msg: string) => process.stderr.write(`[stream] ${msg}\n`);

const publishers = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of publishers) if (p.pid !== undefined && p.exitCode === null) process.kill(p.pid, 'SIGKILL');
});

/** A free TCP port on 127.0.0.1 (listen on 0, read it, close). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface Publisher {
  child: ChildProcess;
  spawnedAt: number;
  /** Best estimate of the wall time of frame 0 (ms), refined as progress arrives. */
  t0(): number;
  firstFrameAt(): number;
}

function startPublisher(ffmpeg: string, url: string): Publisher {
  // Gray in, gray geq: with a negotiated RGB/alpha format the strip silently vanishes.
  const barcode = `color=c=black:s=${BITS * 40}x40:r=${FPS},format=gray,geq=lum='if(mod(floor(N/pow(2,floor(X/40))),2),255,0)',format=yuv420p[bc];[0:v][bc]overlay=0:0:format=yuv420[v]`;
  const spawnedAt = Date.now();
  const child = spawn(
    ffmpeg,
    ['-hide_banner', '-loglevel', 'error', '-nostats', '-progress', 'pipe:1', '-re', '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=${FPS}`, '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-filter_complex', barcode, '-map', '[v]', '-map', '1:a',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', String(FPS), '-keyint_min', String(FPS), '-b:v', '3000k', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '128k', '-f', 'flv', url],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  publishers.add(child);
  child.once('exit', () => publishers.delete(child));
  let best = Number.POSITIVE_INFINITY;
  let first = Number.NaN;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const m = /^out_time_us=(\d+)/.exec(line);
    if (!m) return;
    const now = Date.now();
    const outMs = Number(m[1]) / 1000;
    if (outMs > 0 && Number.isNaN(first)) first = now - outMs;
    if (outMs > 0) best = Math.min(best, now - outMs);
  });
  return { child, spawnedAt, t0: () => best, firstFrameAt: () => first };
}

/** Frame numbers (first and last) from a segment's barcode, or null. */
function decodeBarcode(ffmpeg: string, segment: Buffer): Promise<{ first: number; last: number; frames: number } | null> {
  return new Promise((resolve) => {
    const child = spawn(ffmpeg, ['-v', 'error', '-f', 'mpegts', '-i', 'pipe:0', '-vf', `crop=iw*${BITS * 40}/1280:ih*40/720:0:0,scale=${BITS}:1:flags=area,format=gray`, '-f', 'rawvideo', 'pipe:1'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stdin.on('error', () => {});
    child.stdin.end(segment);
    child.on('exit', (code) => {
      const raw = Buffer.concat(chunks);
      const frames = Math.floor(raw.length / BITS);
      if (code !== 0 || frames === 0) return resolve(null);
      const at = (f: number) => {
        let n = 0;
        for (let i = 0; i < BITS; i++) if (raw[f * BITS + i]! > 128) n += 2 ** i;
        return n;
      };
      resolve({ first: at(0), last: at(frames - 1), frames });
    });
  });
}

/** utime + stime of a process in seconds (Linux /proc), NaN when unavailable. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // CLK_TCK = 100 on Linux
  } catch {
    return Number.NaN;
  }
}

/** PIDs of FFmpeg children of `parent`. */
function ffmpegChildren(parent: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && comm.startsWith('ffmpeg')) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function getJson(url: string, cookie: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { headers: { cookie }, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

interface LadderResult {
  ladder: string;
  renditions: string[];
  publishToLiveMs: number;
  firstFrameToLiveMs: number;
  edge: number[];
  segments: number;
  segmentSeconds: number[];
  ffmpegCores: number;
  serverCores: number;
  endMs: number;
  leftover: number;
}

async function runLadder(ffmpeg: string, ladder: string, opts: StreamOptions): Promise<LadderResult> {
  const dataDir = makeDataDir('stream');
  const rtmpPort = await freePort();
  const server = await spawnServer('ours', 'bench/server-entry.ts', {
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    STREAMING_ENABLED: 'true',
    RTMP_PORT: String(rtmpPort),
    RTMP_HOST: '127.0.0.1',
    STREAM_LADDER: ladder,
    ...(process.env.FFMPEG_PATH ? { FFMPEG_PATH: process.env.FFMPEG_PATH } : {}),
  });
  let pub: Publisher | null = null;
  try {
    const reg = await postJson(server.url, '/api/auth/register', { username: 'streamer', password: 'bench-password-1234' });
    expectStatus(reg, 201, 'register');
    const cookie = reg.setCookie.map((c) => c.split(';')[0]!).find((c) => c.startsWith('cr_session='))!;
    const room = await postJson(server.url, '/api/rooms', { name: 'Bench stream' }, cookie);
    expectStatus(room, 201, 'create room');
    const roomId = (room.body as { room: { id: number } }).room.id;
    // The ingest starts in the background after listen: wait until settings say it is on.
    let key = '';
    for (let i = 0; i < 100; i++) {
      const s = await getJson(`${server.url}/api/rooms/${roomId}/stream/settings`, cookie);
      if (s.status === 200 && s.body.enabled) {
        key = s.body.streamKey;
        break;
      }
      await sleep(100);
    }
    if (!key) throw new Error('streaming did not become available on the bench server');

    pub = startPublisher(ffmpeg, `rtmp://127.0.0.1:${rtmpPort}/live/${key}`);
    let state: any = null;
    for (;;) {
      const r = await getJson(`${server.url}/api/rooms/${roomId}/stream`, cookie);
      if (r.body.status === 'live') {
        state = r.body;
        break;
      }
      if (Date.now() - pub.spawnedAt > 20_000 || pub.child.exitCode !== null) throw new Error(`stream did not go live (ladder ${ladder})`);
      await sleep(20);
    }
    const liveAt = Date.now();
    const publishToLiveMs = liveAt - pub.spawnedAt;
    const firstFrameToLiveMs = liveAt - pub.firstFrameAt();
    log(`${ladder}: live after ${publishToLiveMs} ms (${state.renditions.map((r: { name: string }) => r.name).join(', ')})`);

    const base = `${server.url}${state.playlistUrl.replace(/master\.m3u8$/, '')}`;
    const variant = `${base}v0/index.m3u8`;
    const seen = new Set<string>();
    const edge: number[] = [];
    const segSecs: number[] = [];
    const measureFrom = liveAt + opts.warmupSec * 1000;
    const measureTo = measureFrom + opts.durationSec * 1000;
    let cpuStart: { ff: number; srv: number; at: number } | null = null;
    let ffPids: number[] = [];
    while (Date.now() < measureTo) {
      if (!cpuStart && Date.now() >= measureFrom) {
        ffPids = ffmpegChildren(server.pid);
        cpuStart = { ff: ffPids.reduce((a, p) => a + cpuSeconds(p), 0), srv: cpuSeconds(server.pid), at: Date.now() };
      }
      const r = await fetch(variant, { headers: { cookie } });
      const listedAt = Date.now();
      const text = await r.text();
      const lines = text.split('\n');
      const newest = lines.filter((l) => l.endsWith('.ts')).pop();
      if (newest && !seen.has(newest)) {
        seen.add(newest);
        const idx = lines.indexOf(newest);
        const extinf = /#EXTINF:([\d.]+)/.exec(lines[idx - 1] ?? '');
        if (listedAt >= measureFrom && seen.size > 1) {
          const seg = Buffer.from(await (await fetch(`${base}v0/${newest}`, { headers: { cookie } })).arrayBuffer());
          const code = await decodeBarcode(ffmpeg, seg);
          if (code) {
            edge.push(listedAt - (pub.t0() + (code.last * 1000) / FPS));
            if (extinf) segSecs.push(Number(extinf[1]));
          }
        }
      }
      await sleep(25);
    }
    const cpuEnd = { ff: ffPids.reduce((a, p) => a + cpuSeconds(p), 0), srv: cpuSeconds(server.pid), at: Date.now() };
    const wall = (cpuEnd.at - (cpuStart?.at ?? cpuEnd.at)) / 1000;
    const ffmpegCores = cpuStart && wall > 0 ? (cpuEnd.ff - cpuStart.ff) / wall : Number.NaN;
    const serverCores = cpuStart && wall > 0 ? (cpuEnd.srv - cpuStart.srv) / wall : Number.NaN;

    // End: kill the publisher, time until the room's stream is offline.
    const killedAt = Date.now();
    pub.child.kill('SIGKILL');
    let endMs = Number.NaN;
    for (let i = 0; i < 500; i++) {
      const r = await getJson(`${server.url}/api/rooms/${roomId}/stream`, cookie);
      if (r.body.status === 'offline') {
        endMs = Date.now() - killedAt;
        break;
      }
      await sleep(20);
    }
    await sleep(200);
    const leftover = ffmpegChildren(server.pid).length;
    return { ladder, renditions: state.renditions.map((r: { name: string }) => r.name), publishToLiveMs, firstFrameToLiveMs, edge, segments: edge.length, segmentSeconds: segSecs, ffmpegCores, serverCores, endMs, leftover };
  } finally {
    if (pub && pub.child.exitCode === null) pub.child.kill('SIGKILL');
    await server.stop();
    removeDataDir(dataDir);
  }
}

export async function streamBench(opts: StreamOptions): Promise<BenchReport> {
  const { findFfmpeg } = await import('../media/ffmpeg-binary.js');
  const { binary, reason } = await findFfmpeg(process.env.FFMPEG_PATH);
  if (!binary) return { name: 'stream', tables: [], notes: [`skipped: ${reason}`] };
  const results: LadderResult[] = [];
  for (const ladder of opts.ladders) results.push(await runLadder(binary.ffmpeg, ladder, opts));
  const rows: Cell[][] = results.map((r) => {
    const d = distribution(r.edge);
    return [r.ladder, r.renditions.join('+'), r.publishToLiveMs, r.firstFrameToLiveMs, d.p50, d.p95, d.max, d.p50 / 1000 + LIVE_SYNC_S, r.ffmpegCores * 100, (r.ffmpegCores * 100) / r.renditions.length, r.serverCores * 100, r.endMs];
  });
  return {
    name: 'stream',
    tables: [
      {
        title: `Live stream, 1280x720@30 H.264/AAC RTMP source, ${opts.durationSec} s measured after ${opts.warmupSec} s (ms unless noted; g2g = expected glass-to-glass with hls.js liveSyncDuration ${LIVE_SYNC_S} s, in s; CPU in % of one core)`,
        columns: ['ladder', 'renditions', 'publish->live', '1st frame->live', 'edge p50', 'edge p95', 'edge max', 'g2g p50 s', 'ffmpeg CPU%', 'per rendition', 'server CPU%', 'end'],
        rows,
      },
    ],
    notes: [
      `FFmpeg: ${binary.ffmpeg} (${binary.version})`,
      ...results.map((r) => {
        const segs = r.segmentSeconds.length ? `segment durations ${Math.min(...r.segmentSeconds).toFixed(2)}-${Math.max(...r.segmentSeconds).toFixed(2)} s` : 'no segment durations';
        return `${r.ladder}: ${r.segments} segments measured, ${segs}; FFmpeg processes left after the end: ${r.leftover}`;
      }),
      'publish->live counts from spawning the publisher (its own start-up ~0.3-0.5 s included); 1st frame->live from the publisher\'s first encoded frame.',
    ],
  };
}
