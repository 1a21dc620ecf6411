/**
 * Pure: the quality menu built from the master playlist's levels (hls.js `Level`s), with the
 * server's rendition list as a fallback for what the playlist does not say (a source copy's master
 * playlist may lack RESOLUTION and CODECS).
 */

/** The slice of an hls.js `Level` we read. */
export interface LevelLike {
  width?: number;
  height?: number;
  /** bits per second */
  bitrate?: number;
  frameRate?: number;
}

/** The slice of the server's `Rendition` we read. */
export interface RenditionLike {
  index: number;
  name: string;
  height: number;
  copy: boolean;
}

export interface QualityOption {
  /** `hls.currentLevel` value; -1 is Auto. */
  value: number;
  label: string;
}

/** "2.5 Mbps", "800 kbps". */
export function formatBitrate(bps: number): string {
  if (!Number.isFinite(bps) || bps <= 0) return '';
  if (bps >= 1_000_000) return `${(Math.round(bps / 100_000) / 10).toString()} Mbps`;
  return `${Math.max(1, Math.round(bps / 1000))} kbps`;
}

/** "720p", "720p60", "Source (1080p)", or the rendition's name when the height is unknown. */
export function levelLabel(level: LevelLike, index: number, rendition?: RenditionLike): string {
  const height = level.height && level.height > 0 ? level.height : rendition && rendition.height > 0 ? rendition.height : 0;
  const fps = level.frameRate && level.frameRate > 40 ? String(Math.round(level.frameRate)) : '';
  const res = height ? `${height}p${fps}` : '';
  if (rendition?.copy) return res ? `Source (${res})` : 'Source';
  if (res) return res;
  if (rendition?.name) return rendition.name;
  return `Quality ${index + 1}`;
}

/**
 * Auto first, then the levels from the highest to the lowest. Levels whose labels collide (two
 * 720p rungs at different bitrates) get their bitrate appended.
 */
export function qualityOptions(levels: readonly LevelLike[], renditions: readonly RenditionLike[] = []): QualityOption[] {
  const items = levels.map((l, i) => ({ value: i, label: levelLabel(l, i, renditions.find((r) => r.index === i)), bitrate: l.bitrate ?? 0, height: l.height ?? 0 }));
  const counts = new Map<string, number>();
  for (const it of items) counts.set(it.label, (counts.get(it.label) ?? 0) + 1);
  for (const it of items) {
    const rate = formatBitrate(it.bitrate);
    if ((counts.get(it.label) ?? 0) > 1 && rate) it.label = `${it.label} · ${rate}`;
  }
  items.sort((a, b) => b.height - a.height || b.bitrate - a.bitrate || a.value - b.value);
  return [{ value: -1, label: 'Auto' }, ...items.map(({ value, label }) => ({ value, label }))];
}

/** The menu's current text: "Auto (720p)" while hls.js chooses, else the chosen level. */
export function currentQualityLabel(options: readonly QualityOption[], selected: number, playing: number): string {
  const name = (v: number) => options.find((o) => o.value === v)?.label ?? '';
  if (selected === -1) {
    const now = name(playing);
    return now && playing >= 0 ? `Auto (${now})` : 'Auto';
  }
  return name(selected) || 'Auto';
}
