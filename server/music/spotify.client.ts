/**
 * A thin, typed wrapper over spotify-web-api-node: the calls music needs, with Spotify's answers
 * validated (zod) and its failures turned into one {@link SpotifyApiError}. Stateless: tokens are
 * passed in; refreshing and retrying live in the service.
 *
 * spotify-web-api-node's own methods hard-code api.spotify.com and accounts.spotify.com, so we use
 * its request builders (same transport and error classes) with the hosts from config: tests and
 * development can point them at a local mock (docs/decisions/0007-spotify.md).
 */
import { createHash, randomBytes } from 'node:crypto';
import type AuthenticationRequest from 'spotify-web-api-node/src/authentication-request.js';
import type { SpotifyRequestBuilder, SpotifyResponse } from 'spotify-web-api-node/src/base-request.js';
import type HttpManager from 'spotify-web-api-node/src/http-manager.js';
import type responseErrors from 'spotify-web-api-node/src/response-error.js';
import type WebApiRequest from 'spotify-web-api-node/src/webapi-request.js';
import { z } from 'zod';
import { SPOTIFY_SCOPES, type MusicTrack } from '../../protocol/music.js';
import type { SpotifyConfig } from '../config.js';

/** The parts of spotify-web-api-node we use. */
interface SpotifyLib {
  AuthenticationRequest: typeof AuthenticationRequest;
  HttpManager: typeof HttpManager;
  responseErrors: typeof responseErrors;
  WebApiRequest: typeof WebApiRequest;
}

let loading: Promise<SpotifyLib> | null = null;
/**
 * spotify-web-api-node (with superagent and formidable) is loaded on the first request to Spotify,
 * not at start-up: about 60 ms that a server whose users never link Spotify does not need (ADR 0034).
 */
function spotifyLib(): Promise<SpotifyLib> {
  loading ??= Promise.all([
    import('spotify-web-api-node/src/authentication-request.js'),
    import('spotify-web-api-node/src/http-manager.js'),
    import('spotify-web-api-node/src/response-error.js'),
    import('spotify-web-api-node/src/webapi-request.js'),
  ]).then(([a, h, r, w]) => ({ AuthenticationRequest: a.default, HttpManager: h.default, responseErrors: r.default, WebApiRequest: w.default }));
  return loading;
}

/** Spotify failed or refused. `status` 0: no answer (network, timeout). */
export class SpotifyApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds, from Retry-After on 429. */
    readonly retryAfter?: number,
    /** Player errors carry a reason: PREMIUM_REQUIRED, NO_ACTIVE_DEVICE, ... */
    readonly reason?: string,
    /** OAuth errors carry a code: invalid_grant, invalid_client, ... */
    readonly oauthError?: string,
  ) {
    super(message);
    this.name = 'SpotifyApiError';
  }
}

export interface TokenSet {
  accessToken: string;
  /** Spotify may or may not rotate the refresh token on refresh. */
  refreshToken: string | undefined;
  expiresInSec: number;
  scope: string;
}

export interface SpotifyProfile {
  id: string;
  displayName: string;
  product: string;
}

export interface PlayerState {
  trackId: string | null;
  progressMs: number;
  isPlaying: boolean;
}

// ---- response shapes (only the fields we read) ----

const imageSchema = z.object({ url: z.string(), width: z.number().nullable().optional(), height: z.number().nullable().optional() });
const trackSchema = z.object({
  id: z.string().nullable(),
  uri: z.string(),
  name: z.string(),
  duration_ms: z.number().int().nonnegative(),
  explicit: z.boolean().optional().default(false),
  is_local: z.boolean().optional().default(false),
  artists: z.array(z.object({ name: z.string() })).default([]),
  album: z.object({ name: z.string().default(''), images: z.array(imageSchema).default([]) }).optional(),
});
const tokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional().default(''),
});
const meSchema = z.object({ id: z.string(), display_name: z.string().nullable().optional(), product: z.string().optional().default('free') });
const searchSchema = z.object({ tracks: z.object({ items: z.array(trackSchema.nullable()) }) });
const playlistItemsSchema = z.object({ items: z.array(z.object({ track: trackSchema.nullable().catch(null) })) });
const currentlyPlayingSchema = z.object({
  progress_ms: z.number().nullable().optional(),
  is_playing: z.boolean(),
  item: z.object({ id: z.string().nullable() }).nullable().optional(),
});

/** Artwork is shown in the page: only Spotify's own https image hosts are kept (CSP allows them). */
export const ARTWORK_HOSTS = /^(?:i\.scdn\.co|mosaic\.scdn\.co|image-cdn-[a-z0-9-]+\.spotifycdn\.com)$/;

function artwork(images: z.infer<typeof imageSchema>[]): string | null {
  // Pick the image closest to 300 px wide (Spotify lists 640, 300, 64).
  const sorted = [...images].sort((a, b) => Math.abs((a.width ?? 300) - 300) - Math.abs((b.width ?? 300) - 300));
  for (const img of sorted) {
    try {
      const u = new URL(img.url);
      if (u.protocol === 'https:' && ARTWORK_HOSTS.test(u.hostname)) return u.toString();
    } catch {
      /* not a URL */
    }
  }
  return null;
}

/** Pure: Spotify's track object as the room shows it; null for local files and removed tracks. */
export function toMusicTrack(t: z.infer<typeof trackSchema> | null): MusicTrack | null {
  if (!t || !t.id || t.is_local || !/^[A-Za-z0-9]{22}$/.test(t.id) || t.duration_ms <= 0) return null;
  return {
    id: t.id,
    uri: `spotify:track:${t.id}`,
    title: t.name.slice(0, 300),
    artists: t.artists.map((a) => a.name.slice(0, 200)).slice(0, 10),
    album: (t.album?.name ?? '').slice(0, 300),
    artworkUrl: artwork(t.album?.images ?? []),
    durationMs: t.duration_ms,
    explicit: t.explicit,
  };
}

/** PKCE (RFC 7636): a random verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(64).toString('base64url'); // 86 characters of [A-Za-z0-9_-]
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const errorBodySchema = z.object({
  error: z.union([z.string(), z.object({ status: z.number().optional(), message: z.string().optional(), reason: z.string().optional() })]),
  error_description: z.string().optional(),
});

function toSpotifyError(err: unknown, { responseErrors }: SpotifyLib): SpotifyApiError {
  if (err instanceof SpotifyApiError) return err;
  if (err instanceof responseErrors.WebapiError) {
    const status = err.statusCode ?? 0;
    const header = Number(err.headers?.['retry-after']);
    const retryAfter = status === 429 ? (Number.isFinite(header) && header > 0 ? Math.ceil(header) : 5) : undefined;
    const parsed = errorBodySchema.safeParse(err.body);
    let reason: string | undefined;
    let oauthError: string | undefined;
    let message = `Spotify answered ${status}`;
    if (parsed.success) {
      const e = parsed.data.error;
      if (typeof e === 'string') {
        oauthError = e;
        message = `${message}: ${e}${parsed.data.error_description ? ` (${parsed.data.error_description})` : ''}`;
      } else {
        reason = e.reason;
        if (e.message) message = `${message}: ${e.message}`;
      }
    }
    return new SpotifyApiError(status, message, retryAfter, reason, oauthError);
  }
  if (err instanceof responseErrors.TimeoutError) return new SpotifyApiError(0, 'Spotify timed out');
  return new SpotifyApiError(0, `Spotify could not be reached: ${err instanceof Error ? err.message : String(err)}`);
}

export class SpotifyClient {
  private readonly api: URL;
  private readonly accounts: URL;

  constructor(
    private readonly config: SpotifyConfig,
    private readonly timeoutMs = 10_000,
  ) {
    this.api = new URL(config.apiUrl);
    this.accounts = new URL(config.accountsUrl);
  }

  /** Spotify's consent screen for this app, with our `state` and the PKCE challenge. */
  authorizeUrl(state: string, codeChallenge: string): string {
    const u = new URL('/authorize', this.accounts);
    u.search = new URLSearchParams({
      client_id: this.config.clientId,
      response_type: 'code',
      redirect_uri: this.config.redirectUrl,
      scope: SPOTIFY_SCOPES.join(' '),
      state,
      code_challenge_method: 'S256',
      code_challenge: codeChallenge,
    }).toString();
    return u.toString();
  }

  async exchangeCode(code: string, codeVerifier: string): Promise<TokenSet> {
    const res = await this.send('post', (lib) => this.tokenRequest(lib, { grant_type: 'authorization_code', code, redirect_uri: this.config.redirectUrl, code_verifier: codeVerifier }));
    return this.tokens(res);
  }

  async refresh(refreshToken: string): Promise<TokenSet> {
    const res = await this.send('post', (lib) => this.tokenRequest(lib, { grant_type: 'refresh_token', refresh_token: refreshToken }));
    return this.tokens(res);
  }

  async me(token: string): Promise<SpotifyProfile> {
    const body = this.parse(meSchema, (await this.send('get', (lib) => this.apiRequest(lib, token, '/v1/me'))).body);
    return { id: body.id, displayName: body.display_name || body.id, product: body.product };
  }

  async searchTracks(token: string, q: string, limit = 10): Promise<MusicTrack[]> {
    const res = await this.send('get', (lib) => this.apiRequest(lib, token, '/v1/search').withQueryParameters({ q, type: 'track', limit }));
    return this.parse(searchSchema, res.body).tracks.items.map(toMusicTrack).filter((t): t is MusicTrack => t !== null);
  }

  async track(token: string, id: string): Promise<MusicTrack | null> {
    const res = await this.send('get', (lib) => this.apiRequest(lib, token, `/v1/tracks/${id}`));
    return toMusicTrack(this.parse(trackSchema, res.body));
  }

  async playlistTracks(token: string, id: string, limit: number): Promise<MusicTrack[]> {
    const res = await this.send('get', (lib) => this.apiRequest(lib, token, `/v1/playlists/${id}/tracks`).withQueryParameters({ limit: Math.min(50, limit), offset: 0 }));
    return this.parse(playlistItemsSchema, res.body)
      .items.map((i) => toMusicTrack(i.track))
      .filter((t): t is MusicTrack => t !== null)
      .slice(0, limit);
  }

  /** Starts `uri` at `positionMs` on the user's active device (Spotify Connect). */
  async play(token: string, uri: string, positionMs: number): Promise<void> {
    await this.send('put', (lib) =>
      this.apiRequest(lib, token, '/v1/me/player/play')
        .withHeaders({ 'Content-Type': 'application/json' })
        .withBodyParameters({ uris: [uri], position_ms: Math.max(0, Math.round(positionMs)) }),
    );
  }

  async pause(token: string): Promise<void> {
    await this.send('put', (lib) => this.apiRequest(lib, token, '/v1/me/player/pause').withHeaders({ 'Content-Type': 'application/json' }).withBodyParameters({}));
  }

  /** What the user's Spotify plays now; null when nothing (204). */
  async currentlyPlaying(token: string): Promise<PlayerState | null> {
    const res = await this.send('get', (lib) => this.apiRequest(lib, token, '/v1/me/player/currently-playing'));
    if (res.statusCode === 204 || !res.body || typeof res.body !== 'object' || Object.keys(res.body).length === 0) return null;
    const body = this.parse(currentlyPlayingSchema, res.body);
    return { trackId: body.item?.id ?? null, progressMs: body.progress_ms ?? 0, isPlaying: body.is_playing };
  }

  // ---- plumbing ----

  private hostOf(builder: SpotifyRequestBuilder, url: URL): SpotifyRequestBuilder {
    const scheme = url.protocol.replace(':', '');
    const port = url.port ? Number(url.port) : scheme === 'https' ? 443 : 80;
    return builder.withHost(url.hostname).withPort(port).withScheme(scheme);
  }

  private apiRequest({ WebApiRequest }: SpotifyLib, token: string, path: string): SpotifyRequestBuilder {
    return this.hostOf(WebApiRequest.builder(token), this.api).withPath(path);
  }

  private tokenRequest({ AuthenticationRequest }: SpotifyLib, body: Record<string, string>): SpotifyRequestBuilder {
    const basic = Buffer.from(`${this.config.clientId}:${this.config.clientSecret}`).toString('base64');
    return this.hostOf(AuthenticationRequest.builder(), this.accounts)
      .withPath('/api/token')
      .withBodyParameters(body)
      .withHeaders({ Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' });
  }

  private tokens(res: SpotifyResponse): TokenSet {
    const t = this.parse(tokenSchema, res.body);
    return { accessToken: t.access_token, refreshToken: t.refresh_token, expiresInSec: t.expires_in, scope: t.scope };
  }

  private parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
    const r = schema.safeParse(body);
    if (!r.success) throw new SpotifyApiError(502, `Spotify sent an unexpected answer: ${r.error.issues[0]?.message ?? 'bad shape'}`);
    return r.data;
  }

  /**
   * Runs one request. The transport sets no timeout of its own: we stop waiting after
   * `timeoutMs` (the socket is left to finish in the background).
   */
  private async send(method: 'get' | 'post' | 'put', request: (lib: SpotifyLib) => SpotifyRequestBuilder): Promise<SpotifyResponse> {
    const lib = await spotifyLib();
    const builder = request(lib);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SpotifyApiError(0, 'Spotify timed out')), this.timeoutMs);
    });
    try {
      return await Promise.race([builder.build().execute(lib.HttpManager[method]), timeout]);
    } catch (err) {
      throw toSpotifyError(err, lib);
    } finally {
      clearTimeout(timer);
    }
  }
}
