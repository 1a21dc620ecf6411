/**
 * Connected Spotify accounts: the OAuth authorization-code flow with PKCE and a session-bound,
 * single-use, short-lived `state`; tokens encrypted at rest; refresh before expiry (single flight
 * per user); one retry after a 401; Spotify's errors turned into our error codes; and one shared
 * back-off after a 429 (Spotify limits the app as a whole), so we never hammer it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, lt, notInArray, desc } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { first } from '../../db/query.js';
import { affectedRows } from '../../db/tx.js';
import { musicAccounts, musicAuthStates } from '../../db/schema/index.js';
import type { ErrorCode } from '../../protocol/errors.js';
import type { SpotifyAccountView } from '../../protocol/music.js';
import { AppError } from '../plugins/errors.js';
import { SpotifyApiError, pkcePair, type SpotifyClient, type TokenSet } from './spotify.client.js';
import type { TokenCipher } from './token-crypto.js';

/** How long a started sign-in stays valid. */
export const AUTH_STATE_TTL_MS = 10 * 60_000;
/** Refresh when the access token has less than this left. */
export const REFRESH_MARGIN_MS = 60_000;
const STATES_PER_SESSION = 5;

const STATUS: Partial<Record<ErrorCode, number>> = {
  SPOTIFY_NOT_CONFIGURED: 503,
  SPOTIFY_NOT_CONNECTED: 409,
  SPOTIFY_PREMIUM_REQUIRED: 403,
  SPOTIFY_NO_DEVICE: 409,
  SPOTIFY_RATE_LIMITED: 429,
  SPOTIFY_UNAVAILABLE: 502,
};

/** An AppError with the HTTP status music uses for its codes. */
export function musicError(code: ErrorCode, message: string, retryAfter?: number): AppError {
  return new AppError(code, message, retryAfter, STATUS[code]);
}

export const notConfigured = () =>
  musicError('SPOTIFY_NOT_CONFIGURED', 'Spotify is not configured on this server: the operator has not set the Spotify keys.');

/** Player calls (play, pause, currently playing) read 403/404 differently from catalogue calls. */
export type CallKind = 'player' | 'catalogue';

type AccountRow = typeof musicAccounts.$inferSelect;

export type ConnectOutcome = 'connected' | 'denied' | 'expired' | 'failed';

export interface Logger {
  warn(o: object, msg: string): void;
}

export class SpotifyAccounts {
  private readonly refreshing = new Map<number, Promise<string>>();
  /** After a 429: no Spotify call until this instant (the limit is per app, not per user). */
  private blockedUntil = 0;

  constructor(
    private readonly db: Db,
    private readonly client: SpotifyClient,
    private readonly cipher: TokenCipher,
    private readonly onAccountChange: (userId: number, connected: boolean) => void,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  // ---- sign-in ----

  /** Starts a sign-in for this session: returns Spotify's consent URL. */
  async begin(sessionId: string, userId: number, roomId: number | null): Promise<string> {
    const now = this.now();
    await this.db.delete(musicAuthStates).where(lt(musicAuthStates.expiresAt, now));
    // Keep only the newest few pending sign-ins of a session.
    const keep = (
      await this.db
        .select({ h: musicAuthStates.stateHash })
        .from(musicAuthStates)
        .where(eq(musicAuthStates.sessionId, sessionId))
        .orderBy(desc(musicAuthStates.expiresAt))
        .limit(STATES_PER_SESSION - 1)
    ).map((r) => r.h);
    await this.db
      .delete(musicAuthStates)
      .where(keep.length ? and(eq(musicAuthStates.sessionId, sessionId), notInArray(musicAuthStates.stateHash, keep)) : eq(musicAuthStates.sessionId, sessionId));
    const state = randomBytes(32).toString('base64url');
    const { verifier, challenge } = pkcePair();
    const stateHash = hashState(state);
    await this.db
      .insert(musicAuthStates)
      .values({ stateHash, sessionId, userId, codeVerifierEnc: this.cipher.encrypt(verifier, `state:${stateHash}`), roomId, expiresAt: now + AUTH_STATE_TTL_MS });
    return this.client.authorizeUrl(state, challenge);
  }

  /**
   * Spotify sent the user back. The state must exist, belong to this session and be fresh; it is
   * consumed whatever happens. A missing or forged state is refused (VALIDATION): that is a replay
   * or a login-CSRF attempt, not a user mistake.
   */
  async finish(sessionId: string, userId: number, q: { code?: string; state?: string; error?: string }): Promise<{ roomId: number | null; outcome: ConnectOutcome }> {
    const invalid = () => new AppError('VALIDATION', 'This Spotify sign-in is not valid (expired, already used, or started elsewhere). Start again from the music panel.');
    if (!q.state) throw invalid();
    const stateHash = hashState(q.state);
    const row = await first(this.db.delete(musicAuthStates).where(eq(musicAuthStates.stateHash, stateHash)).returning());
    if (!row || row.sessionId !== sessionId || row.userId !== userId) throw invalid();
    const roomId = row.roomId;
    if (row.expiresAt < this.now()) return { roomId, outcome: 'expired' };
    if (q.error || !q.code) return { roomId, outcome: 'denied' };
    try {
      const verifier = this.cipher.decrypt(row.codeVerifierEnc, `state:${stateHash}`);
      const tokens = await this.client.exchangeCode(q.code, verifier);
      if (!tokens.refreshToken) throw new SpotifyApiError(502, 'Spotify sent no refresh token');
      const profile = await this.client.me(tokens.accessToken);
      await this.store(userId, tokens, tokens.refreshToken, profile);
      this.onAccountChange(userId, true);
      return { roomId, outcome: 'connected' };
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err), userId }, 'spotify sign-in failed');
      return { roomId, outcome: 'failed' };
    }
  }

  private async store(userId: number, tokens: TokenSet, refreshToken: string, profile: { id: string; displayName: string; product: string }): Promise<void> {
    const now = this.now();
    const values = {
      spotifyUserId: profile.id,
      displayName: profile.displayName.slice(0, 100),
      product: profile.product.slice(0, 20),
      accessTokenEnc: this.cipher.encrypt(tokens.accessToken, `user:${userId}:access`),
      refreshTokenEnc: this.cipher.encrypt(refreshToken, `user:${userId}:refresh`),
      expiresAt: now + tokens.expiresInSec * 1000,
      scope: tokens.scope,
      updatedAt: now,
    };
    await this.db
      .insert(musicAccounts)
      .values({ userId, connectedAt: now, ...values })
      .onConflictDoUpdate({ target: musicAccounts.userId, set: values });
  }

  // ---- accounts ----

  private async row(userId: number): Promise<AccountRow | undefined> {
    return first(this.db.select().from(musicAccounts).where(eq(musicAccounts.userId, userId)).limit(1));
  }

  async view(userId: number): Promise<SpotifyAccountView | null> {
    const r = await this.row(userId);
    return r ? { displayName: r.displayName, product: r.product, premium: r.product === 'premium', connectedAt: r.connectedAt } : null;
  }

  async require(userId: number): Promise<SpotifyAccountView> {
    const v = await this.view(userId);
    if (!v) throw musicError('SPOTIFY_NOT_CONNECTED', 'Connect your Spotify account first.');
    return v;
  }

  /** Forgets the tokens. Spotify has no revoke endpoint: the user removes access at spotify.com/account/apps. */
  async disconnect(userId: number): Promise<void> {
    const gone = affectedRows(await this.db.delete(musicAccounts).where(eq(musicAccounts.userId, userId)));
    if (gone) this.onAccountChange(userId, false);
  }

  // ---- tokens ----

  /** A usable access token (and its sealed form): refreshed first when less than a minute is left. */
  private async accessToken(userId: number): Promise<{ token: string; sealed: string }> {
    const r = await this.row(userId);
    if (!r) throw musicError('SPOTIFY_NOT_CONNECTED', 'Connect your Spotify account first.');
    if (r.expiresAt - this.now() > REFRESH_MARGIN_MS) return { token: this.cipher.decrypt(r.accessTokenEnc, `user:${userId}:access`), sealed: r.accessTokenEnc };
    const token = await this.refresh(userId, r.accessTokenEnc);
    return { token, sealed: (await this.row(userId))?.accessTokenEnc ?? '' };
  }

  /**
   * One refresh per user at a time: concurrent callers share it. `staleEnc` is the sealed token
   * the caller found wanting; if another caller already replaced it, that newer token is used.
   */
  private refresh(userId: number, staleEnc: string): Promise<string> {
    const running = this.refreshing.get(userId);
    if (running) return running;
    const p = (async () => {
      const r = await this.row(userId);
      if (!r) throw musicError('SPOTIFY_NOT_CONNECTED', 'Connect your Spotify account first.');
      // Someone else refreshed since the caller looked: use theirs.
      if (r.accessTokenEnc !== staleEnc && r.expiresAt - this.now() > REFRESH_MARGIN_MS) return this.cipher.decrypt(r.accessTokenEnc, `user:${userId}:access`);
      this.checkBackoff();
      const refreshToken = this.cipher.decrypt(r.refreshTokenEnc, `user:${userId}:refresh`);
      let tokens: TokenSet;
      try {
        tokens = await this.client.refresh(refreshToken);
      } catch (err) {
        if (err instanceof SpotifyApiError && (err.oauthError === 'invalid_grant' || err.status === 400 || err.status === 401)) {
          // The user removed access (or the grant expired): forget the account, ask to connect again.
          await this.disconnect(userId);
          throw musicError('SPOTIFY_NOT_CONNECTED', 'Spotify access was removed or expired. Connect your Spotify account again.');
        }
        throw await this.toAppError(err, 'catalogue', userId);
      }
      await this.store(userId, tokens, tokens.refreshToken ?? refreshToken, { id: r.spotifyUserId, displayName: r.displayName, product: r.product });
      return tokens.accessToken;
    })().finally(() => this.refreshing.delete(userId));
    this.refreshing.set(userId, p);
    return p;
  }

  private checkBackoff(): void {
    const wait = this.blockedUntil - this.now();
    if (wait > 0) {
      const s = Math.ceil(wait / 1000);
      throw musicError('SPOTIFY_RATE_LIMITED', `Spotify asked this server to slow down. Try again in ${s} s.`, s);
    }
  }

  /**
   * Runs `fn` with the user's access token. A 401 (token expired early or revoked) refreshes and
   * retries once; every other failure becomes one of our error codes.
   */
  async call<T>(userId: number, kind: CallKind, fn: (token: string) => Promise<T>): Promise<T> {
    this.checkBackoff();
    const { token, sealed } = await this.accessToken(userId);
    try {
      return await fn(token);
    } catch (err) {
      if (!(err instanceof SpotifyApiError) || err.status !== 401) throw await this.toAppError(err, kind, userId);
    }
    const fresh = await this.refresh(userId, sealed);
    try {
      return await fn(fresh);
    } catch (err) {
      if (err instanceof SpotifyApiError && err.status === 401) {
        await this.disconnect(userId);
        throw musicError('SPOTIFY_NOT_CONNECTED', 'Spotify no longer accepts this connection. Connect your Spotify account again.');
      }
      throw await this.toAppError(err, kind, userId);
    }
  }

  /** Spotify's failure in our words (and a shared back-off after a 429). */
  async toAppError(err: unknown, kind: CallKind, userId: number): Promise<AppError> {
    if (err instanceof AppError) return err;
    if (!(err instanceof SpotifyApiError)) {
      this.log.warn({ err: String(err), userId }, 'spotify call failed');
      return musicError('SPOTIFY_UNAVAILABLE', 'Spotify did not answer. Please try again in a moment.');
    }
    if (err.status === 429) {
      const s = Math.min(3600, err.retryAfter ?? 5);
      this.blockedUntil = Math.max(this.blockedUntil, this.now() + s * 1000);
      return musicError('SPOTIFY_RATE_LIMITED', `Spotify asked this server to slow down. Try again in ${s} s.`, s);
    }
    if (err.status === 403) {
      const premium = (await this.row(userId))?.product === 'premium';
      if (err.reason === 'PREMIUM_REQUIRED' || (kind === 'player' && !premium)) {
        return musicError('SPOTIFY_PREMIUM_REQUIRED', 'Playing in sync needs Spotify Premium. You can still follow the queue and open tracks in Spotify.');
      }
      if (kind === 'player') return new AppError('CONFLICT', 'Your Spotify refused that command right now (for example, nothing to pause).');
      return new AppError(
        'FORBIDDEN',
        'Spotify refused this account. If this server’s Spotify app is in development mode, the operator must add your Spotify e-mail under “User Management” in the Spotify developer dashboard.',
      );
    }
    if (err.status === 404) {
      if (kind === 'player') return musicError('SPOTIFY_NO_DEVICE', 'No active Spotify device. Open Spotify on any device (phone, desktop app or web player), then sync again.');
      return new AppError('NOT_FOUND', 'Spotify does not know that track or playlist (or it is private).');
    }
    if (err.status === 400) return new AppError('VALIDATION', 'Spotify did not accept that request.');
    this.log.warn({ status: err.status, err: err.message, userId }, 'spotify call failed');
    return musicError('SPOTIFY_UNAVAILABLE', 'Spotify did not answer. Please try again in a moment.');
  }
}

const hashState = (state: string) => createHash('sha256').update(state).digest('hex');
