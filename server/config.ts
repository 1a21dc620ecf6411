/**
 * The only reader of process.env. Parsed and checked once at boot; a bad value fails fast with a
 * message naming the variable.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  /** Public base URL, used for invite links and as an allowed Origin. */
  PUBLIC_URL: z.string().url().optional(),
  /** Extra allowed Origins for HTTP mutations and sockets, comma separated. */
  ALLOWED_ORIGINS: csv.default([]),
  SESSION_SECRET: z.string().min(32).optional(),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Set behind a TLS-terminating proxy so cookies get `Secure` and client IPs are read. */
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Maximum Socket.IO message size in bytes. */
  SOCKET_MAX_BUFFER: z.coerce.number().int().min(1024).max(1_048_576).default(16_384),
  /** Per-user socket events per second (sustained) and burst. */
  SOCKET_RATE_PER_SEC: z.coerce.number().positive().default(20),
  SOCKET_RATE_BURST: z.coerce.number().positive().default(60),
  /** Chat messages per user: sustained per 10 s, independent of the room's slow mode. */
  CHAT_RATE_PER_10S: z.coerce.number().positive().default(15),
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
  /** FFmpeg binary; default: `ffmpeg` on PATH, then the bundled @ffmpeg-installer build. */
  FFMPEG_PATH: z.string().optional(),
});

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  dbFile: string;
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
  chatRatePer10s: number;
  authAttemptsPer15Min: number;
  streamingEnabled: boolean;
  /** 0 picks a free port (tests). */
  rtmpPort: number;
  rtmpHost: string;
  rtmpPublicUrl: string | undefined;
  streamLadder: string;
  ffmpegPath: string | undefined;
  /** Where the built client lives; absent in API-only tests. */
  clientDist: string | undefined;
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
    publicUrl: e.PUBLIC_URL,
    allowedOrigins: [...e.ALLOWED_ORIGINS, ...(e.PUBLIC_URL ? [new URL(e.PUBLIC_URL).origin] : [])],
    sessionSecret: e.SESSION_SECRET ?? loadOrCreateSecret(dataDir),
    sessionTtlMs: e.SESSION_TTL_DAYS * 86_400_000,
    trustProxy: e.TRUST_PROXY,
    cookieSecure: e.COOKIE_SECURE === 'auto' ? 'auto' : e.COOKIE_SECURE === 'true',
    logLevel: e.LOG_LEVEL,
    socketMaxBuffer: e.SOCKET_MAX_BUFFER,
    socketRatePerSec: e.SOCKET_RATE_PER_SEC,
    socketRateBurst: e.SOCKET_RATE_BURST,
    chatRatePer10s: e.CHAT_RATE_PER_10S,
    authAttemptsPer15Min: e.AUTH_ATTEMPTS_PER_15MIN,
    streamingEnabled: e.STREAMING_ENABLED,
    rtmpPort: e.RTMP_PORT,
    rtmpHost: e.RTMP_HOST,
    rtmpPublicUrl: e.RTMP_PUBLIC_URL,
    streamLadder: e.STREAM_LADDER,
    ffmpegPath: e.FFMPEG_PATH,
    clientDist: existsSync(join(clientDist, 'index.html')) ? clientDist : undefined,
    ...overrides,
    ...(overrides.dataDir ? { dbFile: join(dataDir, 'commonroom.sqlite') } : {}),
  };
}
