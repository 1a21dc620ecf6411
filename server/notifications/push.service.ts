/**
 * Web Push (RFC 8030/8291/8292) with `web-push`: VAPID keys kept in DATA_DIR/vapid.json (made on
 * first start), subscriptions per browser, and delivery. web-push builds the encrypted request
 * (`generateRequestDetails`); we send it with fetch, so endpoints are checked against the allowed
 * push-service hosts first (a subscription is user input: no posting to arbitrary URLs) and a test
 * can stand up a plain-HTTP push service on 127.0.0.1.
 */
import { createECDH } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { pushSubscriptions } from '../../db/schema/index.js';
import type { PushPayload } from '../../protocol/notifications.js';
import { AppError } from '../plugins/errors.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/** At most this many browsers per user; a new one pushes out the oldest. */
const SUBSCRIPTIONS_PER_USER = 10;
/** A push not delivered within a day is stale news. */
const PUSH_TTL_SECONDS = 86_400;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * web-push is loaded on the first delivery, not at start-up (with its ASN.1 and JWS dependencies it
 * is about 40 ms of a cold start; docs/decisions/0034-cold-start.md).
 */
let webpushModule: Promise<typeof import('web-push')> | null = null;
// A CommonJS module: its exports are the ESM default (the types describe them as named exports).
const loadWebpush = () => (webpushModule ??= import('web-push').then((m) => (m as unknown as { default: typeof m }).default));

/**
 * A new VAPID key pair exactly as web-push's `generateVAPIDKeys` makes it (P-256; the raw public
 * point, 65 bytes, and private scalar, 32 bytes, zero-padded, base64url), without loading web-push.
 */
export function generateVapidKeys(): VapidKeys {
  const curve = createECDH('prime256v1');
  curve.generateKeys();
  const pad = (b: Buffer, n: number) => (b.length < n ? Buffer.concat([Buffer.alloc(n - b.length), b]) : b);
  return { publicKey: pad(curve.getPublicKey(), 65).toString('base64url'), privateKey: pad(curve.getPrivateKey(), 32).toString('base64url') };
}

/** Reads the VAPID keys from DATA_DIR, or generates and keeps them (mode 0600). */
export function loadOrCreateVapidKeys(dataDir: string): VapidKeys {
  const file = join(dataDir, 'vapid.json');
  if (existsSync(file)) {
    const keys = JSON.parse(readFileSync(file, 'utf8')) as VapidKeys;
    if (typeof keys.publicKey === 'string' && typeof keys.privateKey === 'string') return keys;
    throw new Error(`${file} is not a VAPID key pair: delete it to generate a new one (browsers will then need to subscribe again)`);
  }
  const keys = generateVapidKeys();
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

/**
 * Pure: may we POST to this endpoint? https to an allowed push-service host (or a subdomain); plain
 * http only to a loopback host that is listed itself (a local push service in tests).
 */
export function isAllowedEndpoint(endpoint: string, allowedHosts: string[]): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  if (url.protocol === 'http:') return LOOPBACK.has(host) && allowedHosts.includes(host);
  if (url.protocol !== 'https:') return false;
  return allowedHosts.some((h) => host === h || host.endsWith(`.${h}`));
}

export class PushService {
  readonly keys: VapidKeys | null;

  constructor(
    private readonly db: Db,
    private readonly config: { enabled: boolean; subject: string; allowedHosts: string[]; dataDir: string },
    private readonly log: { warn(o: object, m: string): void; info(o: object, m: string): void },
  ) {
    this.keys = config.enabled ? loadOrCreateVapidKeys(config.dataDir) : null;
  }

  get enabled(): boolean {
    return this.keys !== null;
  }

  async subscribe(userId: number, sub: { endpoint: string; keys: { p256dh: string; auth: string } }): Promise<void> {
    if (!this.enabled) throw new AppError('CONFLICT', 'Push notifications are turned off on this server.');
    if (!isAllowedEndpoint(sub.endpoint, this.config.allowedHosts)) throw new AppError('VALIDATION', 'That push endpoint is not a known push service.');
    const now = Date.now();
    // The endpoint belongs to a browser profile: whoever subscribes from it last gets its pushes.
    await this.db
      .insert(pushSubscriptions)
      .values({ userId, endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, createdAt: now })
      .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: { userId, p256dh: sub.keys.p256dh, auth: sub.keys.auth, createdAt: now } });
    const mine = await this.db.select({ id: pushSubscriptions.id }).from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId)).orderBy(asc(pushSubscriptions.createdAt), asc(pushSubscriptions.id));
    for (const old of mine.slice(0, Math.max(0, mine.length - SUBSCRIPTIONS_PER_USER))) {
      await this.db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, old.id));
    }
  }

  /** Removes the caller's own subscription; someone else's endpoint is left alone (same answer). */
  async unsubscribe(userId: number, endpoint: string): Promise<void> {
    await this.db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)));
  }

  async count(userId: number): Promise<number> {
    return (await this.db.select({ id: pushSubscriptions.id }).from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId))).length;
  }

  /** Sends to every browser of the user; never throws. Gone subscriptions (404/410) are dropped. */
  async send(userId: number, payload: PushPayload): Promise<void> {
    if (!this.keys) return;
    let subs: (typeof pushSubscriptions.$inferSelect)[];
    try {
      subs = await this.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId));
    } catch (err) {
      this.log.warn({ userId, err: (err as Error).message }, 'push subscriptions could not be read');
      return;
    }
    await Promise.all(subs.map((s) => this.deliver(s, payload)));
  }

  private async deliver(s: typeof pushSubscriptions.$inferSelect, payload: PushPayload): Promise<void> {
    // Checked again at send time: PUSH_ALLOWED_HOSTS may have been narrowed since the subscription.
    if (!isAllowedEndpoint(s.endpoint, this.config.allowedHosts)) return;
    try {
      const webpush = await loadWebpush();
      const req = webpush.generateRequestDetails({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, JSON.stringify(payload), {
        vapidDetails: { subject: this.config.subject, ...this.keys! },
        TTL: PUSH_TTL_SECONDS,
        contentEncoding: 'aes128gcm',
        urgency: 'normal',
        topic: `n${payload.id}`,
      });
      const res = await fetch(req.endpoint, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: new Uint8Array(req.body as Buffer),
        redirect: 'error',
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status === 404 || res.status === 410) {
        await this.db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, s.id));
        this.log.info({ subscriptionId: s.id, status: res.status }, 'push subscription gone; removed');
      } else if (!res.ok) {
        this.log.warn({ subscriptionId: s.id, status: res.status }, 'push service refused a notification');
      }
    } catch (err) {
      this.log.warn({ subscriptionId: s.id, err: (err as Error).message }, 'push delivery failed');
    }
  }
}
