import { describe, expect, it } from 'vitest';
import { hlsJob, parseLadder, planRenditions, posterJob, type SourceInfo } from './presets.js';
import { ProgressParser } from './progress.js';
import { audioCodecName, sourceFromMetadata, videoCodecName } from './probe.js';

const obs: SourceInfo = { videoCodec: 'h264', audioCodec: 'aac', width: 1920, height: 1080, fps: 30 };
const hevc: SourceInfo = { ...obs, videoCodec: 'hevc' };

describe('STREAM_LADDER', () => {
  it('parses auto, copy and rungs; refuses unknown ones', () => {
    expect(parseLadder('auto')).toEqual({ auto: true, copy: false, rungs: [] });
    expect(parseLadder('copy')).toEqual({ auto: false, copy: true, rungs: [] });
    expect(parseLadder('360p,720p,480p')).toEqual({ auto: false, copy: false, rungs: ['720p', '480p', '360p'] });
    expect(parseLadder('copy,480p')).toEqual({ auto: false, copy: true, rungs: ['480p'] });
    expect(() => parseLadder('4k')).toThrow(/unknown rendition "4k"/);
    expect(() => parseLadder('')).toThrow();
  });

  it('auto copies H.264/AAC and re-encodes anything else to 720p', () => {
    expect(planRenditions(parseLadder('auto'), obs).map((r) => [r.name, r.copy])).toEqual([['source', true]]);
    expect(planRenditions(parseLadder('auto'), { ...obs, audioCodec: null })[0]!.copy).toBe(true);
    expect(planRenditions(parseLadder('auto'), hevc).map((r) => [r.name, r.copy, r.width, r.height])).toEqual([['720p', false, 1280, 720]]);
    expect(planRenditions(parseLadder('auto'), { ...obs, audioCodec: 'mp3' })[0]!.copy).toBe(false);
  });

  it('never upscales, and a copy on an incompatible source becomes a re-encode', () => {
    const small: SourceInfo = { ...obs, width: 854, height: 480 };
    expect(planRenditions(parseLadder('1080p,720p,480p,360p'), small).map((r) => r.name)).toEqual(['480p', '360p']);
    expect(planRenditions(parseLadder('copy,720p,480p,360p'), small).map((r) => r.name)).toEqual(['source', '360p']);
    expect(planRenditions(parseLadder('720p'), { ...obs, width: 640, height: 360 }).map((r) => [r.name, r.height])).toEqual([['720p', 360]]);
    expect(planRenditions(parseLadder('copy'), hevc).map((r) => [r.name, r.copy])).toEqual([['720p', false]]);
    const plan = planRenditions(parseLadder('copy,480p'), obs);
    expect(plan.map((r) => [r.index, r.name, r.copy])).toEqual([[0, 'source', true], [1, '480p', false]]);
  });
});

describe('HLS arguments', () => {
  it('are argv arrays with 1 s GOP-aligned segments, a master playlist and numbered variants (no name: keys)', () => {
    const plan = planRenditions(parseLadder('copy,480p,360p'), obs);
    const job = hlsJob({ input: 'rtmp://127.0.0.1:1/live/k', outDir: '/d', renditions: plan, hasAudio: true, sourceAudioAac: true, fps: 30, recordFile: '/v/1.ts' });
    const args = job.outputs[0]!.args;
    const after = (flag: string) => args[args.indexOf(flag) + 1];
    expect(job.inputArgs).toContain('-rw_timeout');
    expect(job.inputArgs).not.toContain('nobuffer');
    expect(after('-hls_time')).toBe('1');
    expect(after('-g')).toBe('30');
    expect(after('-sc_threshold')).toBe('0');
    expect(after('-var_stream_map')).toBe('v:0,a:0 v:1,a:1 v:2,a:2');
    expect(after('-master_pl_name')).toBe('master.m3u8');
    expect(after('-hls_flags')).toContain('delete_segments');
    expect(after('-hls_flags')).toContain('program_date_time');
    expect(after('-c:v:0')).toBe('copy');
    expect(after('-c:a:0')).toBe('copy');
    expect(after('-c:v:1')).toBe('libx264');
    expect(after('-filter:v:2')).toBe('scale=-2:360');
    expect(job.outputs[0]!.target).toBe('/d/v%v/index.m3u8');
    expect(job.outputs[1]).toEqual({ target: '/v/1.ts', args: ['-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy', '-f', 'mpegts'] });
    expect(args.some((a) => a.includes('name:'))).toBe(false);
    const silent = hlsJob({ input: 'x', outDir: '/d', renditions: plan.slice(0, 1), hasAudio: false, sourceAudioAac: false, fps: 25 });
    expect(silent.outputs[0]!.args).not.toContain('0:a:0');
    expect(silent.outputs[0]!.args[silent.outputs[0]!.args.indexOf('-var_stream_map') + 1]).toBe('v:0');
    expect(posterJob('/a.mp4', '/a.jpg', 1).outputs[0]!.args.slice(0, 2)).toEqual(['-frames:v', '1']);
  });
});

describe('FFmpeg progress', () => {
  it('parses -progress blocks, old and new', () => {
    const p = new ProgressParser();
    const lines = ['frame=300', 'fps=30.01', 'stream_0_0_q=-1.0', 'bitrate=N/A', 'total_size=N/A', 'out_time_us=10010000', 'out_time_ms=10010000', 'dup_frames=1', 'drop_frames=2', 'speed=1.01x'];
    for (const l of lines) expect(p.push(l)).toBeNull();
    expect(p.push('[hls @ 0x1] some warning')).toBeNull();
    expect(p.push('progress=continue')).toEqual({ frame: 300, fps: 30.01, speed: 1.01, outTimeMs: 10010, dropFrames: 2, dupFrames: 1, totalSize: 0, end: false });
    expect(p.push('speed=N/A')).toBeNull();
    expect(p.push('progress=end')).toMatchObject({ speed: 0, end: true });
  });
});

describe('source metadata', () => {
  it('maps FLV codec ids and FourCCs', () => {
    expect(videoCodecName(7)).toBe('h264');
    expect(videoCodecName('avc1')).toBe('h264');
    expect(videoCodecName(12)).toBe('hevc');
    expect(audioCodecName(10)).toBe('aac');
    expect(audioCodecName(undefined)).toBeNull();
    expect(videoCodecName('x"; rm -rf')).toBe('codec-xrm-rf');
    expect(sourceFromMetadata({ videoCodec: 0, audioCodec: 0, videoWidth: 0, videoHeight: 0, videoFramerate: 0 })).toBeNull();
    expect(sourceFromMetadata({ videoCodec: 7, audioCodec: 10, videoWidth: 1280, videoHeight: 720, videoFramerate: 30 })).toEqual({ videoCodec: 'h264', audioCodec: 'aac', width: 1280, height: 720, fps: 30 });
  });
});
