/**
 * May a request with this Origin act (HTTP writes, Socket.IO and PeerJS handshakes)? Requests
 * without an Origin header (same-origin GETs, non-browser clients) are allowed; browsers always
 * send Origin on cross-site writes and WebSocket upgrades, so a foreign page cannot ride a user's
 * cookie. Origins are compared as scheme + host + port.
 *
 * - `PUBLIC_URL` / `ALLOWED_ORIGINS` set: only those, plus the request's own origin when it is
 *   loopback (an operator on the machine itself or through an SSH tunnel).
 * - Neither set: the request's own origin (the scheme the server actually serves: `http` unless a
 *   trusted proxy says `https`) when its host is loopback, an IP address, or the configured `HOST`.
 *   A DNS name is not trusted on its own: DNS rebinding makes a foreign page's Origin and Host both
 *   name the attacker's domain while the packets reach this server. Serve under a name? Set
 *   `PUBLIC_URL`.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export interface OriginPolicy {
  /** Normalised allowed origins (`PUBLIC_URL`'s origin and `ALLOWED_ORIGINS`). */
  allowedOrigins: readonly string[];
  /** The bound `HOST`; a DNS name here is trusted like an IP address. */
  bindHost?: string;
}

export interface OriginRequest {
  origin: string | undefined;
  /** The Host header. */
  host: string | undefined;
  /** The scheme the request reached us with: `http` or `https`. */
  protocol: string;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Pure: is this a loopback host name (no port)? */
export function isLoopbackHostname(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return LOOPBACK_NAMES.has(h) || h.endsWith('.localhost') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Pure: is this remote address (as Node reports it) the machine itself? */
export function isLoopbackAddress(ip: string | undefined): boolean {
  if (!ip) return false;
  const a = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/** `scheme://host[:port]` with default ports dropped and case folded, or null when malformed. */
export function normalizeOrigin(value: string): string | null {
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.origin;
  } catch {
    return null;
  }
}

/** Pure: the verdict for one request under one policy. */
export function isOriginAllowed(req: OriginRequest, policy: OriginPolicy): boolean {
  if (req.origin === undefined) return true;
  const origin = normalizeOrigin(req.origin);
  if (!origin) return false;
  if (policy.allowedOrigins.includes(origin)) return true;
  if (!req.host) return false;
  const own = normalizeOrigin(`${req.protocol}://${req.host}`);
  if (!own || origin !== own) return false;
  const hostname = new URL(own).hostname;
  if (isLoopbackHostname(hostname)) return true;
  if (policy.allowedOrigins.length > 0) return false;
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return true;
  const bind = policy.bindHost?.toLowerCase();
  return !!bind && !isIP(bind) && bind === hostname;
}

/** Pure: the request comes from the server's own page, reached by a DNS name (worth a hint to the operator). */
export function isOwnNamedOrigin(req: OriginRequest): boolean {
  const origin = req.origin && normalizeOrigin(req.origin);
  const own = req.host && normalizeOrigin(`${req.protocol}://${req.host}`);
  return !!origin && origin === own && !isIP(new URL(own).hostname.replace(/^\[|\]$/g, ''));
}

/** The scheme of a raw Node request (Socket.IO, WebSocket upgrades), as Fastify's `request.protocol` would say. */
export function rawRequestProtocol(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const fwd = req.headers['x-forwarded-proto'];
    const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(',')[0]?.trim().toLowerCase();
    if (first === 'https' || first === 'http') return first;
  }
  return (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
}

/** The verdict for a raw Node request under the app's configuration. */
export function isRawRequestAllowed(req: IncomingMessage, config: { allowedOrigins: readonly string[]; host: string; trustProxy: boolean }): boolean {
  return isOriginAllowed(
    { origin: req.headers.origin, host: req.headers.host, protocol: rawRequestProtocol(req, config.trustProxy) },
    { allowedOrigins: config.allowedOrigins, bindHost: config.host },
  );
}
