/** Pure: the recordings list (fetched list + `stream:recorded` facts) and its labels. */
import type { Vod } from '@protocol/stream.js';

/** Facts win over the fetched copy (they are newer); newest recording first. */
export function mergeVods(listed: readonly Vod[], recorded: readonly Vod[]): Vod[] {
  const byId = new Map<number, Vod>();
  for (const v of listed) byId.set(v.id, v);
  for (const v of recorded) byId.set(v.id, v);
  return [...byId.values()].sort((a, b) => b.startedAt - a.startedAt || b.id - a.id);
}

export { formatBytes } from '@protocol/files-constants.js';

/** A recording's length as on a video thumbnail: "0:42", "1:02:03". */
export function formatVodDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
