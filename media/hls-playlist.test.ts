import { describe, expect, it } from 'vitest';
import { finishedPlaylistProblems, parseMasterPlaylist, parseMediaPlaylist, programDateLagMs, withEndlist } from './hls-playlist.js';

// What FFmpeg 5.1 writes for a live variant with program_date_time (the date after #EXTINF; the
// second one in the order most other packagers use), and after a clean end.
const live = `#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:1
#EXT-X-MEDIA-SEQUENCE:4
#EXT-X-INDEPENDENT-SEGMENTS
#EXTINF:1.000000,
#EXT-X-PROGRAM-DATE-TIME:2026-12-04T12:00:04.000+0000
seg00004.ts
#EXT-X-PROGRAM-DATE-TIME:2026-12-04T12:00:05.000+0000
#EXTINF:1.000000,
seg00005.ts
#EXTINF:0.466667,
seg00006.ts
`;
const ended = `${live}#EXT-X-ENDLIST\n`;
const files = (entries: [string, number][]) => new Map(entries);

describe('parseMediaPlaylist', () => {
  it('reads target duration, sequence, segments with their program date-time, and the end', () => {
    const r = parseMediaPlaylist(ended);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.playlist).toMatchObject({ version: 6, targetDuration: 1, mediaSequence: 4, ended: true });
    expect(r.playlist.segments.map((s) => [s.uri, s.duration])).toEqual([
      ['seg00004.ts', 1],
      ['seg00005.ts', 1],
      ['seg00006.ts', 0.466667],
    ]);
    expect(r.playlist.segments.map((s) => s.programDateTime)).toEqual([Date.UTC(2026, 11, 4, 12, 0, 4), Date.UTC(2026, 11, 4, 12, 0, 5), null]);
    expect((parseMediaPlaylist(live) as { playlist: { ended: boolean } }).playlist.ended).toBe(false);
  });

  it('refuses what FFmpeg 5.1 left after a second stop signal (issue 17 #8): just #EXT-X-ENDLIST', () => {
    const r = parseMediaPlaylist('#EXT-X-ENDLIST\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContain('does not start with #EXTM3U');
    expect(r.errors).toContain('no #EXT-X-TARGETDURATION');
    expect(parseMediaPlaylist('').ok).toBe(false);
  });

  it('refuses broken structure', () => {
    const bad = (t: string) => (parseMediaPlaylist(t) as { errors?: string[] }).errors?.join('; ') ?? '';
    expect(bad('#EXTM3U\n#EXTINF:1,\nseg1.ts\n')).toMatch(/no #EXT-X-TARGETDURATION/);
    expect(bad('#EXTM3U\n#EXT-X-TARGETDURATION:1\nseg1.ts\n')).toMatch(/without #EXTINF/);
    expect(bad('#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n')).toMatch(/no segment URI/);
    expect(bad('#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:3.2,\nseg1.ts\n')).toMatch(/longer than the target duration/);
    expect(bad('#EXTM3U\n#EXT-X-TARGETDURATION:1.5\n')).toMatch(/whole number/);
    expect(bad(`${ended}#EXTINF:1,\nseg7.ts\n`)).toMatch(/after #EXT-X-ENDLIST/);
    expect(bad('#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/index.m3u8\n')).toMatch(/master playlist tag/);
    expect(bad('#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-PROGRAM-DATE-TIME:yesterday\n#EXTINF:1,\ns.ts\n')).toMatch(/PROGRAM-DATE-TIME/);
  });

  it('accepts CRLF line ends and a byte-order mark', () => {
    expect(parseMediaPlaylist(`\uFEFF${ended.replace(/\n/g, '\r\n')}`).ok).toBe(true);
  });
});

describe('parseMasterPlaylist', () => {
  it('lists variants with bandwidth and resolution', () => {
    const r = parseMasterPlaylist('#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-STREAM-INF:BANDWIDTH=2940800,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"\nv0/index.m3u8\n\n#EXT-X-STREAM-INF:BANDWIDTH=140800\nv1/index.m3u8\n');
    expect(r).toEqual({
      ok: true,
      playlist: {
        variants: [
          { uri: 'v0/index.m3u8', bandwidth: 2940800, resolution: '1280x720' },
          { uri: 'v1/index.m3u8', bandwidth: 140800, resolution: null },
        ],
      },
    });
  });
  it('refuses a media playlist and an empty one', () => {
    expect(parseMasterPlaylist(ended).ok).toBe(false);
    expect(parseMasterPlaylist('#EXTM3U\n').ok).toBe(false);
  });
});

describe('finishedPlaylistProblems', () => {
  const onDisk = files([['index.m3u8', 300], ['seg00003.ts', 90_000], ['seg00004.ts', 91_000], ['seg00005.ts', 88_000], ['seg00006.ts', 40_000]]);
  it('accepts a complete ended playlist (an older, deleted-soon segment may stay on disk)', () => {
    expect(finishedPlaylistProblems(ended, { files: onDisk })).toEqual([]);
  });
  it('names a live playlist, a missing or empty listed segment, and cut-short leftovers', () => {
    expect(finishedPlaylistProblems(live, { files: onDisk })).toEqual(['does not end with #EXT-X-ENDLIST']);
    const broken = files([['seg00004.ts', 90_000], ['seg00005.ts', 0], ['seg00007.ts', 0], ['seg00008.ts.tmp', 1200]]);
    expect(finishedPlaylistProblems(ended, { files: broken })).toEqual([
      'listed segment seg00005.ts is empty',
      'listed segment seg00006.ts does not exist',
      'empty unlisted file seg00007.ts',
      'leftover temporary file seg00008.ts.tmp',
    ]);
  });
  it('refuses the bare #EXT-X-ENDLIST file and a playlist without segments', () => {
    expect(finishedPlaylistProblems('#EXT-X-ENDLIST\n', { files: onDisk })).toContain('does not start with #EXTM3U');
    expect(finishedPlaylistProblems('#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-ENDLIST\n', { files: onDisk })).toEqual(['lists no segment']);
  });
});

describe('withEndlist', () => {
  it('closes a live playlist once', () => {
    expect(withEndlist(live)).toBe(`${live}#EXT-X-ENDLIST\n`);
    expect(withEndlist(ended)).toBe(ended);
    expect(parseMediaPlaylist(withEndlist(live)!).ok).toBe(true);
  });
  it('will not turn an empty or broken file into a different broken file', () => {
    expect(withEndlist('')).toBeNull();
    expect(withEndlist('#EXT-X-ENDLIST\n')).toBeNull();
  });
});

describe('programDateLagMs', () => {
  const at = (pdt: number | null, duration: number, finishedAt: number) => ({ programDateTime: pdt, duration, finishedAt });
  it("is how late FFmpeg's dates run: date + duration vs when the segment's file was finished", () => {
    // Dated 1.0 s later than the media arrived; the second file was written 80 ms late (busy machine).
    expect(programDateLagMs([at(10_000, 1, 10_000), at(11_000, 1, 11_080)])).toBe(1000);
  });
  it('is never negative, and unknown without dates', () => {
    expect(programDateLagMs([at(10_000, 1, 11_500)])).toBe(0);
    expect(programDateLagMs([at(null, 1, 11_000)])).toBeNull();
    expect(programDateLagMs([])).toBeNull();
  });
});
