import { randomUUID } from 'node:crypto';
import { readFileSync, statfsSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { AdminAlert, AlertKind, FfmpegProcessView, HealthSnapshot } from '../../protocol/health.js';
import type { AlertThresholds } from '../config.js';
import type { ErrorRing } from './error-ring.js';

/** Alerts of one kind are not repeated within this time. */
export const ALERT_COOLDOWN_MS = 10 * 60_000;
/** Window of the crash-loop and failed sign-in bursts. */
export const BURST_WINDOW_MS = 5 * 60_000;
/** Linux clock ticks per second (`getconf CLK_TCK`): 100 on every mainstream kernel build. */
const CLK_TCK = 100;
const PAGE_SIZE = 4096;

export interface HealthDeps {
  /** The database's size now (db-size-sql.ts: the SQLite file and its WAL, or PostgreSQL's catalogue). */
  databaseSize: () => Promise<{ bytes: number; walBytes: number }>;
  dataDir: string;
  thresholds: AlertThresholds;
  /** Sockets connected to this process. */
  socketCount: () => number;
  /** Rooms with at least one socket inside. */
  activeRooms: () => number;
  /** PIDs of the FFmpeg children this process runs. */
  ffmpegPids: () => number[];
  errors: ErrorRing;
  /** Delivers an alert to the admins (sockets). */
  notify: (alert: AdminAlert) => void;
  now?: () => number;
}

/** utime + stime (clock ticks) and RSS (bytes) of a process, from /proc/<pid>/stat; null if gone. */
export function readProcStat(pid: number): { ticks: number; rssBytes: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state): utime is field 14, stime 15, rss (pages) 24.
    return { ticks: Number(rest[11]) + Number(rest[12]), rssBytes: Number(rest[21]) * PAGE_SIZE };
  } catch {
    return null;
  }
}

/** Keeps timestamps of a recurring event and tells how many fell in the last window. */
class Burst {
  private times: number[] = [];
  hit(now: number): number {
    this.times = this.times.filter((t) => now - t < BURST_WINDOW_MS);
    this.times.push(now);
    return this.times.length;
  }
}

/**
 * Samples the process and the machine for the admin Health page and raises real-time alerts
 * (event-loop lag, low disk, FFmpeg crash loop, failed sign-in burst), each at most once per
 * {@link ALERT_COOLDOWN_MS}. `sample()` runs on a timer (health/index.ts) and closes a window:
 * CPU and event-loop figures describe the last window.
 */
export class HealthService {
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly now: () => number;
  private windowStart: number;
  private cpuAtWindow = process.cpuUsage();
  private cpuPercent = 0;
  private lastLoop = { p50Ms: 0, p99Ms: 0, maxMs: 0 };
  private ffmpegTicks = new Map<number, { ticks: number; at: number }>();
  private ffmpegCpu = new Map<number, number>();
  private readonly lastAlertAt = new Map<AlertKind, number>();
  private readonly alerts: AdminAlert[] = [];
  private readonly crashes = new Burst();
  private readonly failedSignIns = new Burst();
  private readonly alertListeners: ((a: AdminAlert) => void)[] = [];

  constructor(private readonly deps: HealthDeps) {
    this.now = deps.now ?? Date.now;
    this.windowStart = this.now();
    this.loop.enable();
  }

  dispose(): void {
    this.loop.disable();
  }

  /** Another place that wants alerts (a notification centre) subscribes here. */
  onAlert(fn: (a: AdminAlert) => void): void {
    this.alertListeners.push(fn);
  }

  /** An FFmpeg child ended on its own with an error. */
  ffmpegCrashed(): void {
    const n = this.crashes.hit(this.now());
    const min = this.deps.thresholds.ffmpegCrashes;
    if (n >= min) this.raise('ffmpeg_crash_loop', 'FFmpeg is crash-looping', `${n} FFmpeg processes failed in the last 5 minutes. See recent errors and the stream logs.`);
  }

  /** A sign-in failed (wrong password or unknown account). */
  signInFailed(): void {
    const n = this.failedSignIns.hit(this.now());
    const min = this.deps.thresholds.failedSignIns;
    if (n >= min) this.raise('failed_signins', 'Burst of failed sign-ins', `${n} failed sign-ins in the last 5 minutes. The audit log shows the addresses and names tried.`);
  }

  private loopFigures() {
    const ms = (ns: number) => Math.round((ns / 1e6) * 100) / 100;
    // An empty histogram reports NaN/huge values: treat it as no delay measured yet.
    if (this.loop.count === 0) return { p50Ms: 0, p99Ms: 0, maxMs: 0 };
    return { p50Ms: ms(this.loop.percentile(50)), p99Ms: ms(this.loop.percentile(99)), maxMs: ms(this.loop.max) };
  }

  /** Closes the current window: CPU, event loop and FFmpeg CPU figures; checks the thresholds. */
  sample(): void {
    const now = this.now();
    const elapsedMs = Math.max(1, now - this.windowStart);
    const cpu = process.cpuUsage(this.cpuAtWindow);
    this.cpuPercent = Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 1000) / 10;
    this.cpuAtWindow = process.cpuUsage();
    this.windowStart = now;
    this.lastLoop = this.loopFigures();
    this.loop.reset();

    const seen = new Map<number, { ticks: number; at: number }>();
    for (const pid of this.deps.ffmpegPids()) {
      const st = readProcStat(pid);
      if (!st) continue;
      const prev = this.ffmpegTicks.get(pid);
      if (prev) this.ffmpegCpu.set(pid, Math.round((((st.ticks - prev.ticks) / CLK_TCK) * 1000 * 1000) / Math.max(1, now - prev.at)) / 10);
      seen.set(pid, { ticks: st.ticks, at: now });
    }
    this.ffmpegTicks = seen;
    for (const pid of this.ffmpegCpu.keys()) if (!seen.has(pid)) this.ffmpegCpu.delete(pid);

    const t = this.deps.thresholds;
    if (this.lastLoop.p99Ms > t.eventLoopMs) {
      this.raise('event_loop', 'Server is lagging', `Event-loop delay p99 was ${Math.round(this.lastLoop.p99Ms)} ms (threshold ${t.eventLoopMs} ms): requests and live updates are slow.`);
    }
    const disk = this.disk();
    if (disk && disk.freeBytes < t.diskFreeMb * 1024 * 1024) {
      this.raise('disk', 'Disk space is low', `${Math.round(disk.freeBytes / 1024 / 1024)} MiB free for ${disk.path} (threshold ${t.diskFreeMb} MiB). Uploads, recordings and the database need room.`);
    }
  }

  private disk(): HealthSnapshot['disk'] {
    try {
      const s = statfsSync(this.deps.dataDir);
      return { path: this.deps.dataDir, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
    } catch {
      return null;
    }
  }

  private raise(kind: AlertKind, title: string, body: string): void {
    const now = this.now();
    const last = this.lastAlertAt.get(kind);
    if (last !== undefined && now - last < ALERT_COOLDOWN_MS) return;
    this.lastAlertAt.set(kind, now);
    const alert: AdminAlert = { id: randomUUID(), kind, at: now, title, body };
    this.alerts.unshift(alert);
    if (this.alerts.length > 20) this.alerts.pop();
    this.deps.notify(alert);
    for (const fn of this.alertListeners) fn(alert);
  }

  async snapshot(): Promise<HealthSnapshot> {
    // A figure the database cannot give right now (PostgreSQL unreachable) does not hide the others.
    const database = await this.deps.databaseSize().catch(() => ({ bytes: 0, walBytes: 0 }));
    const mem = process.memoryUsage();
    const ffmpeg: FfmpegProcessView[] = this.deps.ffmpegPids().map((pid) => ({
      pid,
      cpuPercent: this.ffmpegCpu.get(pid) ?? null,
      rssBytes: readProcStat(pid)?.rssBytes ?? null,
    }));
    const live = this.loopFigures();
    const [l1, l5, l15] = loadavg() as [number, number, number];
    return {
      at: this.now(),
      uptimeSeconds: Math.round(process.uptime()),
      node: process.version,
      cpuPercent: this.cpuPercent,
      cores: cpus().length,
      loadAverage: [l1, l5, l15],
      memory: { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, heapTotalBytes: mem.heapTotal, systemTotalBytes: totalmem(), systemFreeBytes: freemem() },
      // The window in progress when it has data, else the last closed one.
      eventLoop: this.loop.count > 0 ? live : this.lastLoop,
      sockets: this.deps.socketCount(),
      activeRooms: this.deps.activeRooms(),
      ffmpeg,
      database,
      disk: this.disk(),
      recentErrors: this.deps.errors.recent(20),
      recentAlerts: [...this.alerts],
      thresholds: { ...this.deps.thresholds },
    };
  }
}
