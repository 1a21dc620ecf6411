/**
 * Spotify Web API answers in their recorded shapes (trimmed of fields we never read only where
 * noted), for the nock-based tests (music.test.ts) and the end-to-end mock (e2e/music/). Test-only.
 */

/** A base62 id of 22 characters derived from a short name, e.g. `fxId('t1')`. */
export function fxId(name: string): string {
  const base = `${name.replace(/[^A-Za-z0-9]/g, '')}000000000000000000000000`;
  return base.slice(0, 22);
}

export function fxTrack(name: string, opts: { title?: string; artist?: string; durationMs?: number; explicit?: boolean } = {}) {
  const id = fxId(name);
  const albumId = fxId(`al${name}`);
  const artistId = fxId(`ar${name}`);
  return {
    album: {
      album_type: 'album',
      artists: [{ external_urls: { spotify: `https://open.spotify.com/artist/${artistId}` }, href: `https://api.spotify.com/v1/artists/${artistId}`, id: artistId, name: opts.artist ?? 'Nils Frahm', type: 'artist', uri: `spotify:artist:${artistId}` }],
      available_markets: ['DE', 'GB', 'US'],
      external_urls: { spotify: `https://open.spotify.com/album/${albumId}` },
      href: `https://api.spotify.com/v1/albums/${albumId}`,
      id: albumId,
      images: [
        { height: 640, url: `https://i.scdn.co/image/ab67616d0000b273${albumId}`, width: 640 },
        { height: 300, url: `https://i.scdn.co/image/ab67616d00001e02${albumId}`, width: 300 },
        { height: 64, url: `https://i.scdn.co/image/ab67616d00004851${albumId}`, width: 64 },
      ],
      name: 'Spaces',
      release_date: '2013-11-19',
      release_date_precision: 'day',
      total_tracks: 11,
      type: 'album',
      uri: `spotify:album:${albumId}`,
    },
    artists: [{ external_urls: { spotify: `https://open.spotify.com/artist/${artistId}` }, href: `https://api.spotify.com/v1/artists/${artistId}`, id: artistId, name: opts.artist ?? 'Nils Frahm', type: 'artist', uri: `spotify:artist:${artistId}` }],
    available_markets: ['DE', 'GB', 'US'],
    disc_number: 1,
    duration_ms: opts.durationMs ?? 245_000,
    explicit: opts.explicit ?? false,
    external_ids: { isrc: 'DEE861300412' },
    external_urls: { spotify: `https://open.spotify.com/track/${id}` },
    href: `https://api.spotify.com/v1/tracks/${id}`,
    id,
    is_local: false,
    name: opts.title ?? `Says (${name})`,
    popularity: 61,
    preview_url: null,
    track_number: 3,
    type: 'track',
    uri: `spotify:track:${id}`,
  };
}

export function fxToken(access: string, refresh?: string) {
  return {
    access_token: access,
    token_type: 'Bearer',
    expires_in: 3600,
    ...(refresh ? { refresh_token: refresh } : {}),
    scope: 'user-read-playback-state user-modify-playback-state user-read-currently-playing streaming user-read-email user-read-private',
  };
}

export function fxMe(id: string, product: 'premium' | 'free' | 'open', displayName = id) {
  return {
    country: 'DE',
    display_name: displayName,
    email: `${id}@example.org`,
    explicit_content: { filter_enabled: false, filter_locked: false },
    external_urls: { spotify: `https://open.spotify.com/user/${id}` },
    followers: { href: null, total: 3 },
    href: `https://api.spotify.com/v1/users/${id}`,
    id,
    images: [],
    product,
    type: 'user',
    uri: `spotify:user:${id}`,
  };
}

export function fxSearch(tracks: ReturnType<typeof fxTrack>[], q = 'says') {
  return {
    tracks: {
      href: `https://api.spotify.com/v1/search?query=${encodeURIComponent(q)}&type=track&offset=0&limit=10`,
      items: tracks,
      limit: 10,
      next: null,
      offset: 0,
      previous: null,
      total: tracks.length,
    },
  };
}

export function fxPlaylistTracks(playlistId: string, tracks: (ReturnType<typeof fxTrack> | null)[]) {
  return {
    href: `https://api.spotify.com/v1/playlists/${playlistId}/tracks?offset=0&limit=50`,
    items: tracks.map((track) => ({
      added_at: '2024-05-01T10:00:00Z',
      added_by: { external_urls: { spotify: 'https://open.spotify.com/user/curator' }, href: 'https://api.spotify.com/v1/users/curator', id: 'curator', type: 'user', uri: 'spotify:user:curator' },
      is_local: false,
      primary_color: null,
      track,
      video_thumbnail: { url: null },
    })),
    limit: 50,
    next: null,
    offset: 0,
    previous: null,
    total: tracks.length,
  };
}

export function fxCurrentlyPlaying(track: ReturnType<typeof fxTrack>, progressMs: number, isPlaying = true) {
  return {
    timestamp: Date.now(),
    context: null,
    progress_ms: progressMs,
    item: track,
    currently_playing_type: 'track',
    actions: { disallows: { resuming: true } },
    is_playing: isPlaying,
  };
}

export const fxErrors = {
  expired: { error: { status: 401, message: 'The access token expired' } },
  rateLimited: { error: { status: 429, message: 'API rate limit exceeded' } },
  premiumRequired: { error: { status: 403, message: 'Player command failed: Premium required', reason: 'PREMIUM_REQUIRED' } },
  noDevice: { error: { status: 404, message: 'Player command failed: No active device found', reason: 'NO_ACTIVE_DEVICE' } },
  invalidGrant: { error: 'invalid_grant', error_description: 'Refresh token revoked' },
};
