/**
 * SFU vs mesh cost of a call (issue 16): N real Chromium contexts with fake devices in one call,
 * once as a PeerJS mesh and once through Janus VideoRoom. While everyone receives everyone's video
 * (frames advancing on every remote tile), the CPU of our Node server process and of the janus
 * process (utime+stime from /proc/<pid>/stat) is sampled over a window; the table gives cores used
 * and cores per participant, the SFU/mesh ratio, the browsers' own CPU (all Chromium processes,
 * for context: that is where a mesh spends its work) and join -> first remote frame for the last
 * joiner (`data-first-frame-ms` on the call stage: Join click to the first decoded remote frame).
 *
 * One server (bench/server-entry.ts, supervised Janus child) for every run; each run has fresh
 * users, a fresh room and a fresh browser. Needs `npm run build` (client/dist), Chromium, janus.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { callFlags, chromiumExecutable, HEADLESS_FLAGS } from '../e2e/chromium.js';
import { spawnServer, type ServerChild } from './lib/child.js';
import { oursEnv } from './lib/ours-setup.js';
import type { Cell } from './lib/stats.js';
import { makeDataDir, removeDataDir } from './lib/tempdir.js';

export interface SfuCallOptions {
  /** Participant counts to run (each in mesh and SFU mode). */
  sizes: number[];
  /** Seconds of CPU sampling once every tile shows advancing frames. */
  windowS: number;
}

export interface SfuCallRun {
  n: number;
  mode: 'mesh' | 'sfu';
  ok: boolean;
  error?: string;
  serverCores: number;
  janusCores: number;
  chromiumCores: number;
  lastJoinFirstFrameMs: number;
  /** Seconds from the first Join click until every tile on every page showed advancing frames. */
  settleS: number;
}

const log = (msg: string) => process.stderr.write(`[sfu-call] ${msg}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const TICK = 100; // USER_HZ on Linux

/** utime + stime of a process in seconds, NaN when it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return NaN;
  }
}

/** Every process below `root` (children, grandchildren…), with its CPU seconds so far. */
function descendants(root: number): Map<number, number> {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* exited meanwhile */
    }
  }
  const out = new Map<number, number>();
  const add = (pid: number) => {
    const s = cpuSeconds(pid);
    if (Number.isFinite(s)) out.set(pid, s);
  };
  add(root);
  let frontier = [root];
  while (frontier.length) {
    const next: number[] = [];
    for (const [pid, ppid] of parent) {
      if (!frontier.includes(ppid) || out.has(pid)) continue;
      add(pid);
      next.push(pid);
    }
    frontier = next;
  }
  return out;
}

/** CPU seconds used by a process tree between two `descendants` snapshots (new processes count fully). */
function treeDelta(a: Map<number, number>, b: Map<number, number>): number {
  let sum = 0;
  for (const [pid, s] of b) sum += s - (a.get(pid) ?? 0);
  return sum;
}

/** The e2e call flags on a headless Chromium, with our small camera file when there is one. */
function browserArgs(fakeVideo: string | null): string[] {
  return [...HEADLESS_FLAGS, ...callFlags(fakeVideo ? [`--use-file-for-fake-video-capture=${fakeVideo}`] : [])];
}

/** The same small camera picture as e2e/sfu/sfu.spec.ts (320x180, 15 fps), made once with ffmpeg. */
function fakeVideoFile(): string | null {
  const file = join(tmpdir(), 'commonroom-sfu-fake-320x180.y4m');
  if (existsSync(file)) return file;
  try {
    execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=15', '-t', '4', '-pix_fmt', 'yuv420p', file]);
    return file;
  } catch {
    return null;
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, pollMs = 250): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out (${Math.round(timeoutMs / 1000)} s): ${what}`);
    await sleep(pollMs);
  }
}

/** Frames decoded so far by each remote tile of a page. */
const tileFrames = (page: Page): Promise<number[]> =>
  page.locator('[data-testid="call-tile"][data-self="false"]').evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-frames') ?? 0)));

/** Every page shows n-1 remote tiles, each with frames, and every tile's count grows over a second look. */
async function allLive(pages: Page[], n: number): Promise<boolean> {
  const first = await Promise.all(pages.map(tileFrames));
  if (first.some((f) => f.length !== n - 1 || f.some((x) => x <= 3))) return false;
  await sleep(1500);
  const second = await Promise.all(pages.map(tileFrames));
  return second.every((f, i) => f.length === n - 1 && f.every((x, j) => x > first[i]![j]!));
}

function janusPid(dataDir: string): number | null {
  const file = join(dataDir, 'janus', 'janus.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

async function joinCall(page: Page): Promise<void> {
  await page.getByTestId('call-setup').click();
  const joinBtn = page.getByTestId('call-join');
  await until('Join enabled', () => joinBtn.isEnabled(), 30_000);
  await joinBtn.click();
  await until('in the call', async () => (await page.locator('.call[data-phase="in-call"]').count()) === 1, 30_000);
}

async function oneRun(server: ServerChild, dataDir: string, n: number, mode: 'mesh' | 'sfu', fakeVideo: string | null, windowS: number, tag: string): Promise<SfuCallRun> {
  const run: SfuCallRun = { n, mode, ok: false, serverCores: NaN, janusCores: NaN, chromiumCores: NaN, lastJoinFirstFrameMs: NaN, settleS: NaN };
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: chromiumExecutable(), args: browserArgs(fakeVideo) });
    const contexts: BrowserContext[] = [];
    const pages: Page[] = [];
    for (let i = 0; i < n; i++) {
      const ctx = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 } });
      // Six browsers with live video on two shared cores: actions can wait long for a busy page.
      ctx.setDefaultTimeout(120_000);
      const res = await ctx.request.post('/api/auth/register', { data: { username: `c${tag}${i}`.slice(0, 24), password: 'bench-password-1234' } });
      if (res.status() !== 201) throw new Error(`register: ${res.status()} ${await res.text()}`);
      contexts.push(ctx);
      pages.push(await ctx.newPage());
    }
    const created = await contexts[0]!.request.post('/api/rooms', { data: { name: `Bench call ${tag}` } });
    if (created.status() !== 201) throw new Error(`create room: ${created.status()}`);
    const roomId = ((await created.json()) as { room: { id: number } }).room.id;
    for (const ctx of contexts.slice(1)) {
      const r = await ctx.request.post(`/api/rooms/${roomId}/join`, { data: {} });
      if (r.status() !== 200) throw new Error(`join room: ${r.status()}`);
    }
    for (const page of pages) {
      await page.goto(`/rooms/${roomId}?a=call`);
      await page.getByRole('heading', { name: 'Call', exact: true }).waitFor({ timeout: 60_000 });
    }
    const host = pages[0]!;
    if (mode === 'sfu') {
      const large = host.getByTestId('call-large');
      await large.waitFor({ timeout: 60_000 });
      await large.check();
      await until('large-call preference stored', () => large.isChecked(), 15_000);
    }
    const t0 = Date.now();
    for (const page of pages.slice(0, -1)) await joinCall(page);
    const early = pages.slice(0, -1);
    await until(`${n - 1} early joiners receive each other`, () => allLive(early, n - 1), 180_000, 1000);
    const last = pages[n - 1]!;
    await joinCall(last);
    await until('first remote frame on the last joiner', async () => (await last.locator('.call[data-first-frame-ms]').count()) === 1, 90_000);
    run.lastJoinFirstFrameMs = Number(await last.locator('.call').getAttribute('data-first-frame-ms'));
    await until(`all ${n} receive all`, () => allLive(pages, n), 180_000, 1000);
    run.settleS = (Date.now() - t0) / 1000;
    // Every page in the mode measured: the "Large call" badge (data-mode="sfu") shows only in SFU mode.
    const sfuBadges = async () => (await Promise.all(pages.map((p) => p.locator('[data-testid="call-mode"][data-mode="sfu"]').count()))).reduce((a, b) => a + b, 0);
    await until(`every page in ${mode} mode`, async () => (await sfuBadges()) === (mode === 'sfu' ? n : 0), 30_000, 500);

    const jPid = janusPid(dataDir);
    // Chromium's processes: everything below this bench process except the server's tree.
    const browsers = () => {
      const all = descendants(process.pid);
      all.delete(process.pid);
      for (const pid of descendants(server.pid).keys()) all.delete(pid);
      return all;
    };
    const s0 = cpuSeconds(server.pid);
    const j0 = jPid ? cpuSeconds(jPid) : NaN;
    const c0 = browsers();
    const w0 = performance.now();
    await sleep(windowS * 1000);
    const wall = (performance.now() - w0) / 1000;
    run.serverCores = (cpuSeconds(server.pid) - s0) / wall;
    run.janusCores = jPid ? (cpuSeconds(jPid) - j0) / wall : NaN;
    run.chromiumCores = treeDelta(c0, browsers()) / wall;
    // Still a full call at the end of the window (nobody dropped while measuring)?
    run.ok = (await Promise.all(pages.map(tileFrames))).every((f) => f.length === n - 1);
    if (!run.ok) run.error = 'a participant dropped during the window';
    for (const page of pages) await page.getByTestId('call-leave').click({ timeout: 5000 }).catch(() => {});
  } catch (err) {
    run.error = (err as Error).message.split('\n')[0];
  } finally {
    await browser?.close().catch(() => {});
  }
  return run;
}

const pct = (cores: number) => (Number.isFinite(cores) ? `${(cores * 100).toFixed(1)} %` : 'n/a');

export async function sfuCallBench(opts: SfuCallOptions): Promise<{ rows: Cell[][]; notes: string[] }> {
  const notes: string[] = [];
  const rows: Cell[][] = [];
  try {
    execFileSync('sh', ['-c', 'command -v janus'], { stdio: 'ignore' });
  } catch {
    return { rows, notes: ['SFU vs mesh CPU: skipped, janus is not installed'] };
  }
  if (!existsSync('client/dist/index.html')) return { rows, notes: ['SFU vs mesh CPU: skipped, client/dist is missing (npm run build)'] };
  const fakeVideo = fakeVideoFile();
  const dataDir = makeDataDir('sfu-call');
  const maxN = Math.max(...opts.sizes);
  const server = await spawnServer('ours+janus', 'bench/server-entry.ts', {
    ...oursEnv(dataDir),
    LOG_LEVEL: 'warn',
    JANUS_WS_PORT: '0',
    JANUS_RTP_PORTS: '46000-46799',
    // Mesh runs stay mesh up to the largest size (the SFU runs pick "large calls").
    CALL_MESH_LIMIT: String(Math.max(6, maxN)),
  });
  const runs: SfuCallRun[] = [];
  try {
    await until('janus up', async () => janusPid(dataDir) !== null, 60_000);
    const tag = Date.now().toString(36).slice(-4);
    for (const n of opts.sizes) {
      for (const mode of ['mesh', 'sfu'] as const) {
        log(`N=${n} ${mode}: starting ${n} browser contexts`);
        const r = await oneRun(server, dataDir, n, mode, fakeVideo, opts.windowS, `${tag}${n}${mode[0]}`);
        const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
        log(`N=${n} ${mode}: ${r.ok ? 'ok' : `FAILED (${r.error})`} server ${pct(r.serverCores)} janus ${pct(r.janusCores)} chromium ${pct(r.chromiumCores)} last join->frame ${r.lastJoinFirstFrameMs} ms (load ${load})`);
        runs.push(r);
        notes.push(`N=${n} ${mode}: load average during the run ${load}${r.ok ? '' : `; failed: ${r.error}`}`);
      }
    }
  } finally {
    const jPid = janusPid(dataDir);
    await server.stop();
    // The server stops its Janus child on close; make sure (it is ours).
    if (jPid && Number.isFinite(cpuSeconds(jPid))) {
      try {
        process.kill(jPid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    removeDataDir(dataDir);
  }
  for (const n of opts.sizes) {
    const mesh = runs.find((r) => r.n === n && r.mode === 'mesh');
    const sfu = runs.find((r) => r.n === n && r.mode === 'sfu');
    const per = (r: SfuCallRun | undefined) => (r && r.ok ? (r.serverCores + (Number.isFinite(r.janusCores) ? r.janusCores : 0)) / n : NaN);
    for (const r of [mesh, sfu]) {
      if (!r) continue;
      rows.push([
        String(n),
        r.mode,
        r.ok ? 'yes' : `no: ${r.error ?? ''}`.slice(0, 60),
        pct(r.serverCores),
        pct(r.janusCores),
        pct(per(r)),
        pct(r.chromiumCores / n),
        Number.isFinite(r.lastJoinFirstFrameMs) ? `${r.lastJoinFirstFrameMs} ms` : 'n/a',
        Number.isFinite(r.settleS) ? `${r.settleS.toFixed(0)} s` : 'n/a',
      ]);
    }
    const ratio = per(sfu) / per(mesh);
    if (Number.isFinite(ratio)) notes.push(`N=${n}: server+Janus CPU per participant, SFU/mesh = ${ratio.toFixed(1)}x (${pct(per(sfu))} vs ${pct(per(mesh))}); browsers' CPU per participant SFU/mesh = ${(sfu!.chromiumCores / mesh!.chromiumCores).toFixed(2)}x`);
  }
  notes.push(`CPU sampled over ${opts.windowS} s once every page showed advancing frames on all its remote tiles; 100 % = one core. Camera: 320x180 15 fps fake video; simulcast on in SFU mode.`);
  return { rows, notes };
}

export const SFU_CALL_COLUMNS = ['N', 'mode', 'all received all', 'server CPU', 'janus CPU', '(server+janus)/N', 'browsers CPU/N', 'last joiner: join -> 1st remote frame', 'settle'];
