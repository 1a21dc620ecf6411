/**
 * The only reader of process.env. Parsed and checked once at boot; a bad value fails fast with a
 * message naming the variable.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

/** Socket commands per user as shipped: a burst, then a steady rate (SOCKET_RATE_BURST / _PER_SEC). */
export const DEFAULT_SOCKET_RATE = { socketRatePerSec: 20, socketRateBurst: 60 } as const;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  /** Public base URL, used for invite links and as an allowed Origin. */
  PUBLIC_URL: z.string().url().optional(),
  /** Extra allowed Origins for HTTP mutations and sockets, comma separated (scheme://host[:port]). */
  ALLOWED_ORIGINS: csv.pipe(z.array(z.string().regex(/^https?:\/\/[^\s/]+\/?$/, 'origins like https://study.example.org[:port]'))).default([]),
  SESSION_SECRET: z.string().min(32).optional(),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Set behind a TLS-terminating proxy so cookies get `Secure` and client IPs are read. */
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Maximum Socket.IO message size in bytes. */
  SOCKET_MAX_BUFFER: z.coerce.number().int().min(1024).max(1_048_576).default(16_384),
  /** Per-user socket events per second (sustained) and burst. */
  SOCKET_RATE_PER_SEC: z.coerce.number().positive().default(DEFAULT_SOCKET_RATE.socketRatePerSec),
  SOCKET_RATE_BURST: z.coerce.number().positive().default(DEFAULT_SOCKET_RATE.socketRateBurst),
  DOC_HISTORY_DAYS: z.coerce.number().positive().max(36_500).default(30),
  /** Chat messages per user: sustained per 10 s, independent of the room's slow mode. */
  CHAT_RATE_PER_10S: z.coerce.number().positive().default(15),
  SEARCH_RATE_PER_10S: z.coerce.number().positive().default(30),
  BOT_RATE_PER_MIN: z.coerce.number().positive().default(30),
  /** Rooms one user may create per hour, and own at once. */
  ROOMS_PER_HOUR: z.coerce.number().int().positive().default(30),
  ROOMS_OWNED_MAX: z.coerce.number().int().positive().default(100),
  /** Login and register attempts per IP per 15 minutes. */
  AUTH_ATTEMPTS_PER_15MIN: z.coerce.number().int().positive().default(30),
  /** Live streaming (RTMP ingest + FFmpeg to HLS). */
  STREAMING_ENABLED: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  RTMP_PORT: z.coerce.number().int().min(0).max(65535).default(1935),
  RTMP_HOST: z.string().default('0.0.0.0'),
  /** What OBS users type as "Server", e.g. rtmp://live.example.org/live; derived from the request host when unset. */
  RTMP_PUBLIC_URL: z.string().regex(/^rtmps?:\/\/[^\s]+$/, 'an rtmp:// or rtmps:// URL').optional(),
  /** `auto`, `copy`, or renditions like `720p,480p,360p` (optionally `copy,480p`). */
  STREAM_LADDER: z.string().regex(/^[a-z0-9]+(,[a-z0-9]+)*$/, 'e.g. auto | copy | 720p,480p,360p').default('auto'),
  /** FFmpeg binary; default: `ffmpeg` on PATH, then the optional @ffmpeg-installer build when installed. */
  FFMPEG_PATH: z.string().optional(),
  /** Calls: STUN servers (comma separated stun:/stuns: URLs); none on a LAN. Never a public default. */
  ICE_STUN_URLS: csv.pipe(z.array(z.string().regex(/^stuns?:[^\s,]+$/, 'stun: or stuns: URLs'))).default([]),
  /** Calls: TURN servers (turn:/turns: URLs) sharing TURN_SECRET (coturn `use-auth-secret`). */
  TURN_URLS: csv.pipe(z.array(z.string().regex(/^turns?:[^\s,]+$/, 'turn: or turns: URLs'))).default([]),
  TURN_SECRET: z.string().min(16).optional(),
  /** Lifetime of the short-lived TURN credentials handed to a joining participant. */
  TURN_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 86_400).default(86_400),
  /** Large calls and real-time live (Janus SFU): `auto` runs Janus when it is installed or JANUS_URL is set; `off` never. */
  JANUS_ENABLED: z.enum(['auto', 'off']).default('auto'),
  /** The Janus binary (default `janus` on PATH). */
  JANUS_PATH: z.string().default('janus'),
  /** An external Janus WebSocket API (ws://host:port) instead of a child process; needs JANUS_API_SECRET. */
  JANUS_URL: z.string().regex(/^wss?:\/\/\S+$/, 'a ws:// or wss:// URL').optional(),
  JANUS_API_SECRET: z.string().min(8).optional(),
  /** The child's WebSocket API port on 127.0.0.1 (0 picks a free one). */
  JANUS_WS_PORT: z.coerce.number().int().min(0).max(65535).default(8188),
  /** UDP ports Janus uses for media (WebRTC and the RTP it takes from FFmpeg), `low-high`. */
  JANUS_RTP_PORTS: z.string().regex(/^\d{4,5}-\d{4,5}$/, 'low-high, e.g. 20000-20999').default('20000-20999'),
  /** A call moves from the PeerJS mesh to Janus when it grows past this many people. */
  CALL_MESH_LIMIT: z.coerce.number().int().min(2).max(12).default(6),
  /** Spotify app keys (developer dashboard); music is off until all three are set. */
  SPOTIFY_CLIENT_ID: z.string().min(1).optional(),
  SPOTIFY_CLIENT_SECRET: z.string().min(1).optional(),
  SPOTIFY_REDIRECT_URL: z.string().url().optional(),
  /** Tests and development only: point the Spotify client at a local mock. */
  SPOTIFY_API_URL: z.string().url().default('https://api.spotify.com'),
  SPOTIFY_ACCOUNTS_URL: z.string().url().default('https://accounts.spotify.com'),
  /** Web Push (notifications to a closed tab); VAPID keys are generated into DATA_DIR/vapid.json. */
  PUSH_ENABLED: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** Who push services may contact about this server: an https: URL or mailto: address. */
  VAPID_SUBJECT: z.string().regex(/^(https:\/\/|mailto:)\S+$/, 'an https: URL or mailto: address').optional(),
  /** Hosts (and their subdomains) a push subscription's endpoint may point at: the browsers' push services. */
  PUSH_ALLOWED_HOSTS: csv.default(['fcm.googleapis.com', 'push.services.mozilla.com', 'notify.windows.com', 'push.apple.com']),
  /** Audit log: entries older than this many days are pruned (hourly); 0 keeps them forever. */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(365),
  /** Prometheus `/metrics`: off unless set; scrapers send `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** Admin alerts: event-loop delay p99 (ms) over one sample window. */
  ALERT_EVENT_LOOP_MS: z.coerce.number().positive().default(200),
  /** Admin alerts: free space on DATA_DIR's disk below this many MiB. */
  ALERT_DISK_FREE_MB: z.coerce.number().min(0).default(1024),
  /** Admin alerts: this many FFmpeg crashes within 5 minutes. */
  ALERT_FFMPEG_CRASHES: z.coerce.number().int().positive().default(3),
  /** Admin alerts: this many failed sign-ins within 5 minutes (all accounts and addresses). */
  ALERT_FAILED_SIGNINS: z.coerce.number().int().positive().default(20),
  /** PostgreSQL (postgres://user:pass@host:5432/db) instead of the SQLite file in DATA_DIR (ADR 0020); migrations are applied at start. */
  // Empty (`DATABASE_URL=` in an env file) means unset: the SQLite file.
  DATABASE_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'a postgres:// or postgresql:// URL').optional()),
  /** PostgreSQL connections per node. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Scale-out (docs/decisions/0020-scale-out.md): Redis shared by every node; unset = one process, nothing shared. */
  REDIS_URL: z.string().regex(/^rediss?:\/\/\S+$/, 'a redis:// or rediss:// URL').optional(),
  /** This node's name in the cluster (logs, the x-commonroom-node header); default host-pid. */
  NODE_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, 'letters, digits, _ . - (at most 40)').optional(),
  /** How the other nodes reach this one directly (call signalling is passed on to a room's owner); default http://127.0.0.1:PORT. */
  NODE_URL: z.string().regex(/^http:\/\/[^\s/]+\/?$/, 'like http://10.0.0.5:3000').optional(),
  /** Room lease time to live: a killed node's rooms are taken over after about this long. */
  CLUSTER_LEASE_MS: z.coerce.number().int().min(500).max(60_000).default(3000),
  /** Room files: the largest single file (MiB), each room's storage quota (MiB), FFmpeg media jobs at once. */
  FILES_MAX_FILE_MB: z.coerce.number().positive().default(2048),
  FILES_ROOM_QUOTA_MB: z.coerce.number().positive().default(10_240),
  FILES_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(8).default(1),
  /** Room files: uploads stop (507 STORAGE_FULL, resumable) when the data disk would drop below this much free space (MiB). */
  FILES_MIN_FREE_MB: z.coerce.number().min(0).default(512),
  /** The instance's time zone: where analytics days begin and end. */
  TIME_ZONE: z
    .string()
    .default('UTC')
    .refine((tz) => {
      // The default needs no check: building the first Intl.DateTimeFormat loads ICU's zone data
      // (≈ 15–30 ms of every cold start), and nothing else needs it before listening.
      if (tz === 'UTC') return true;
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'an IANA time zone such as UTC or Europe/Berlin'),
});

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  dbFile: string;
  /** PostgreSQL instead of `dbFile` when set (postgres:// URL). */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  publicUrl: string | undefined;
  allowedOrigins: string[];
  sessionSecret: string;
  sessionTtlMs: number;
  trustProxy: boolean;
  cookieSecure: 'auto' | boolean;
  logLevel: string;
  socketMaxBuffer: number;
  socketRatePerSec: number;
  socketRateBurst: number;
  /** Documents: days of full update log kept before it is folded into the history base. */
  docHistoryDays: number;
  chatRatePer10s: number;
  /** Searches per user per 10 s. */
  searchRatePer10s: number;
  /** Messages per API token or webhook per minute. */
  botRatePerMin: number;
  /** Per-user room creation limits. */
  roomLimits: RoomLimits;
  authAttemptsPer15Min: number;
  streamingEnabled: boolean;
  /** 0 picks a free port (tests). */
  rtmpPort: number;
  rtmpHost: string;
  rtmpPublicUrl: string | undefined;
  streamLadder: string;
  ffmpegPath: string | undefined;
  /** ICE servers for calls: STUN URLs, and TURN URLs with the shared secret for REST credentials. */
  ice: { stunUrls: string[]; turnUrls: string[]; turnSecret: string | undefined; turnTtlSeconds: number };
  /** The Janus SFU: off, a child process we supervise, or an external server. */
  janus: JanusConfig;
  /** Spotify app settings; undefined when the operator has not set the keys (music explains it). */
  spotify: SpotifyConfig | undefined;
  /** Where the built client lives; absent in API-only tests. */
  clientDist: string | undefined;
  /** Web Push: on/off, the VAPID subject, and the push-service hosts endpoints may use (loopback ones over http, for tests). */
  push: { enabled: boolean; subject: string; allowedHosts: string[] };
  /** Audit log retention in days; 0 keeps entries forever. */
  auditRetentionDays: number;
  /** Bearer token for `/metrics`; undefined: the endpoint does not exist. */
  metricsToken: string | undefined;
  /** Thresholds of the real-time admin alerts (server/health). */
  alerts: AlertThresholds;
  /** IANA zone of the instance: analytics days run from local midnight to midnight. */
  timeZone: string;
  /** Scale-out: Redis URL (unset: single process), this node's id, room lease TTL. */
  cluster: { redisUrl: string | undefined; nodeId: string; leaseMs: number; nodeUrl: string };
  /** Room files: limits in bytes, and how many FFmpeg media jobs run at once. */
  files: { maxFileBytes: number; roomQuotaBytes: number; jobConcurrency: number; minFreeBytes: number };
}

export interface JanusConfig {
  mode: 'off' | 'child' | 'external';
  binary: string;
  url: string | undefined;
  apiSecret: string | undefined;
  wsPort: number;
  rtpPorts: [number, number];
  meshLimit: number;
}

export interface AlertThresholds {
  eventLoopMs: number;
  diskFreeMb: number;
  ffmpegCrashes: number;
  failedSignIns: number;
}

export interface RoomLimits {
  perHour: number;
  ownedMax: number;
}

export interface SpotifyConfig {
  clientId: string;
  clientSecret: string;
  redirectUrl: string;
  apiUrl: string;
  accountsUrl: string;
}

/** All three Spotify keys or none: a half-configured app fails at boot, naming what is missing. */
function spotifyConfig(e: z.output<typeof envSchema>): SpotifyConfig | undefined {
  const keys = { SPOTIFY_CLIENT_ID: e.SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET: e.SPOTIFY_CLIENT_SECRET, SPOTIFY_REDIRECT_URL: e.SPOTIFY_REDIRECT_URL };
  const missing = Object.entries(keys).filter(([, v]) => !v).map(([k]) => k);
  if (missing.length === 3) return undefined;
  if (missing.length) throw new Error(`Invalid configuration:\n  ${missing.join(', ')}: required when any SPOTIFY_ key is set`);
  return { clientId: e.SPOTIFY_CLIENT_ID!, clientSecret: e.SPOTIFY_CLIENT_SECRET!, redirectUrl: e.SPOTIFY_REDIRECT_URL!, apiUrl: e.SPOTIFY_API_URL, accountsUrl: e.SPOTIFY_ACCOUNTS_URL };
}

/** TURN URLs without the secret would hand out servers nobody can log in to: fail at boot. */
function iceConfig(e: z.output<typeof envSchema>): AppConfig['ice'] {
  if (e.TURN_URLS.length && !e.TURN_SECRET) throw new Error('Invalid configuration:\n  TURN_SECRET: required when TURN_URLS is set');
  return { stunUrls: e.ICE_STUN_URLS, turnUrls: e.TURN_URLS, turnSecret: e.TURN_SECRET, turnTtlSeconds: e.TURN_TTL_SECONDS };
}

/** Janus runs when configured: an external URL, else the binary when it is on PATH. */
function janusConfig(e: z.output<typeof envSchema>): JanusConfig {
  const [lo, hi] = e.JANUS_RTP_PORTS.split('-').map(Number) as [number, number];
  if (lo >= hi || hi > 65535) throw new Error('Invalid configuration:\n  JANUS_RTP_PORTS: low-high with low < high <= 65535');
  if (e.JANUS_URL && !e.JANUS_API_SECRET) throw new Error('Invalid configuration:\n  JANUS_API_SECRET: required when JANUS_URL is set');
  const base = { binary: e.JANUS_PATH, url: e.JANUS_URL, apiSecret: e.JANUS_API_SECRET, wsPort: e.JANUS_WS_PORT, rtpPorts: [lo, hi] as [number, number], meshLimit: e.CALL_MESH_LIMIT };
  if (e.JANUS_ENABLED === 'off') return { mode: 'off', ...base };
  return { mode: e.JANUS_URL ? 'external' : 'child', ...base };
}

/** Reads a kept secret from DATA_DIR, or makes one and keeps it (mode 0600). */
function loadOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<AppConfig> = {}): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(overrides.dataDir ?? e.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const clientDist = resolve('client/dist');
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    dbFile: join(dataDir, 'commonroom.sqlite'),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    publicUrl: e.PUBLIC_URL,
    allowedOrigins: [...e.ALLOWED_ORIGINS, ...(e.PUBLIC_URL ? [e.PUBLIC_URL] : [])].map((o) => new URL(o).origin),
    sessionSecret: e.SESSION_SECRET ?? loadOrCreateSecret(dataDir),
    sessionTtlMs: e.SESSION_TTL_DAYS * 86_400_000,
    trustProxy: e.TRUST_PROXY,
    cookieSecure: e.COOKIE_SECURE === 'auto' ? 'auto' : e.COOKIE_SECURE === 'true',
    logLevel: e.LOG_LEVEL,
    socketMaxBuffer: e.SOCKET_MAX_BUFFER,
    socketRatePerSec: e.SOCKET_RATE_PER_SEC,
    socketRateBurst: e.SOCKET_RATE_BURST,
    docHistoryDays: e.DOC_HISTORY_DAYS,
    chatRatePer10s: e.CHAT_RATE_PER_10S,
    searchRatePer10s: e.SEARCH_RATE_PER_10S,
    botRatePerMin: e.BOT_RATE_PER_MIN,
    roomLimits: { perHour: e.ROOMS_PER_HOUR, ownedMax: e.ROOMS_OWNED_MAX },
    authAttemptsPer15Min: e.AUTH_ATTEMPTS_PER_15MIN,
    streamingEnabled: e.STREAMING_ENABLED,
    rtmpPort: e.RTMP_PORT,
    rtmpHost: e.RTMP_HOST,
    rtmpPublicUrl: e.RTMP_PUBLIC_URL,
    streamLadder: e.STREAM_LADDER,
    ffmpegPath: e.FFMPEG_PATH,
    ice: iceConfig(e),
    janus: janusConfig(e),
    spotify: spotifyConfig(e),
    push: {
      enabled: e.PUSH_ENABLED,
      subject: e.VAPID_SUBJECT ?? (e.PUBLIC_URL?.startsWith('https://') ? new URL(e.PUBLIC_URL).origin : 'mailto:admin@commonroom.invalid'),
      allowedHosts: e.PUSH_ALLOWED_HOSTS.map((h) => h.toLowerCase()),
    },
    clientDist: existsSync(join(clientDist, 'index.html')) ? clientDist : undefined,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    metricsToken: e.METRICS_TOKEN,
    alerts: { eventLoopMs: e.ALERT_EVENT_LOOP_MS, diskFreeMb: e.ALERT_DISK_FREE_MB, ffmpegCrashes: e.ALERT_FFMPEG_CRASHES, failedSignIns: e.ALERT_FAILED_SIGNINS },
    timeZone: e.TIME_ZONE,
    cluster: { redisUrl: e.REDIS_URL, nodeId: e.NODE_ID ?? `${hostname().split('.')[0]}-${process.pid}`, leaseMs: e.CLUSTER_LEASE_MS, nodeUrl: (e.NODE_URL ?? `http://${e.HOST === '0.0.0.0' || e.HOST === '::' ? '127.0.0.1' : e.HOST}:${e.PORT}`).replace(/\/$/, '') },
    files: { maxFileBytes: Math.round(e.FILES_MAX_FILE_MB * 1_048_576), roomQuotaBytes: Math.round(e.FILES_ROOM_QUOTA_MB * 1_048_576), jobConcurrency: e.FILES_JOB_CONCURRENCY, minFreeBytes: Math.round(e.FILES_MIN_FREE_MB * 1_048_576) },
    ...overrides,
    ...(overrides.dataDir ? { dbFile: join(dataDir, 'commonroom.sqlite') } : {}),
  };
}
