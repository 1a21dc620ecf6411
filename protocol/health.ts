/** Instance health for admins (issue 14 item 4): the snapshot and the real-time alerts (zod-free). */

export const ALERT_KINDS = ['event_loop', 'disk', 'ffmpeg_crash_loop', 'failed_signins'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** A real-time alert, pushed to every admin's sockets as `admin:alert`. */
export interface AdminAlert {
  id: string;
  kind: AlertKind;
  at: number;
  title: string;
  body: string;
}

export interface RecentError {
  at: number;
  message: string;
  /** The request id when the error happened while handling a request. */
  reqId: string | null;
}

export interface FfmpegProcessView {
  pid: number;
  /** Percent of one core since the previous sample; null before the second sample. */
  cpuPercent: number | null;
  /** Resident memory in bytes, when /proc tells it. */
  rssBytes: number | null;
}

export interface HealthSnapshot {
  at: number;
  uptimeSeconds: number;
  node: string;
  /** Percent of one core used by this process over the last sample window. */
  cpuPercent: number;
  cores: number;
  loadAverage: [number, number, number];
  memory: { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number; systemTotalBytes: number; systemFreeBytes: number };
  /** Event-loop delay in ms over the current window (perf_hooks.monitorEventLoopDelay). */
  eventLoop: { p50Ms: number; p99Ms: number; maxMs: number };
  sockets: number;
  /** Rooms with at least one socket inside. */
  activeRooms: number;
  ffmpeg: FfmpegProcessView[];
  database: { bytes: number; walBytes: number };
  disk: { path: string; freeBytes: number; totalBytes: number } | null;
  recentErrors: RecentError[];
  recentAlerts: AdminAlert[];
  thresholds: { eventLoopMs: number; diskFreeMb: number; ffmpegCrashes: number; failedSignIns: number };
}

/** How often the Health page asks for a new snapshot. */
export const HEALTH_POLL_MS = 2000;
