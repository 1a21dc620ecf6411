/**
 * Real-time live: when a room's RTMP stream goes live, a Janus Streaming mountpoint is created on
 * loopback RTP ports and a second FFmpeg pushes the stream into it (media/rtp-push.ts); when the
 * stream ends (or Janus restarts) the push and the mountpoint go. Viewers watch it through
 * `sfu:live-*` commands; HLS stays as it was.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { findFfmpeg } from '../../media/ffmpeg-binary.js';
import { rtpPushArgs } from '../../media/rtp-push.js';
import type { SupervisorLog } from './janus-supervisor.js';
import type { SfuService } from './sfu.service.js';

/** A free UDP port on 127.0.0.1 (bound and released: Janus binds it right after). */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

interface Relay {
  roomId: number;
  streamId: string;
  push: ChildProcess | null;
  stopped: boolean;
}

export class LiveRelay {
  private readonly relays = new Map<number, Relay>();
  private lastLive = new Map<number, { streamId: string; readerUrl: string; hasAudio: boolean; fps: number }>();
  /** Tells the room whether real-time playback is available. */
  onChange: (roomId: number, streamId: string, available: boolean) => void = () => {};

  constructor(
    private readonly sfu: SfuService,
    private readonly ffmpegPath: string | undefined,
    private readonly log: SupervisorLog,
  ) {
    // Janus restarted: its mountpoints are gone; recreate them for the streams still live.
    sfu.on('status', () => {
      if (sfu.status() !== 'up') {
        for (const r of this.relays.values()) this.stopPush(r);
        for (const [roomId, r] of this.relays) this.onChange(roomId, r.streamId, false);
        this.relays.clear();
        return;
      }
      for (const [roomId, live] of this.lastLive) void this.started(roomId, live.streamId, live.readerUrl, live.hasAudio, live.fps);
    });
  }

  available(roomId: number): boolean {
    return this.sfu.hasMount(roomId) && !!this.relays.get(roomId)?.push;
  }

  async started(roomId: number, streamId: string, readerUrl: string, hasAudio: boolean, fps: number): Promise<void> {
    this.lastLive.set(roomId, { streamId, readerUrl, hasAudio, fps });
    if (this.sfu.status() !== 'up') return;
    this.stop(roomId, false);
    const relay: Relay = { roomId, streamId, push: null, stopped: false };
    this.relays.set(roomId, relay);
    try {
      const { binary } = await findFfmpeg(this.ffmpegPath);
      if (!binary) throw new Error('no ffmpeg');
      const [videoPort, audioPort] = [await freeUdpPort(), await freeUdpPort()];
      const mount = await this.sfu.createMount(roomId, { videoPort, audioPort }, undefined, () => relay.stopped);
      // Stopped meanwhile: only this mountpoint goes (a WHIP stream may already have made the next one).
      if (relay.stopped) return void (await this.sfu.destroyMount(roomId, mount));
      const push = spawn(binary.ffmpeg, rtpPushArgs({ input: readerUrl, videoPort, audioPort, hasAudio, fps }), { stdio: ['ignore', 'ignore', 'pipe'] });
      relay.push = push;
      let tail = '';
      push.stderr?.on('data', (b: Buffer) => (tail = (tail + b.toString()).slice(-2000)));
      push.once('exit', (code, signal) => {
        if (relay.push === push) relay.push = null;
        if (!relay.stopped) {
          this.log.warn({ roomId, code, signal, tail: tail.replace(/\/live\/[A-Za-z0-9_-]+/g, '/live/***').replace(/reader=[A-Za-z0-9_-]+/g, 'reader=***').slice(-600) }, 'real-time push exited');
          this.onChange(roomId, streamId, false);
        }
      });
      this.onChange(roomId, streamId, true);
    } catch (err) {
      if (relay.stopped) return;
      this.log.warn({ roomId, err: String(err) }, 'real-time live not available for this stream');
      if (this.relays.get(roomId) === relay) this.relays.delete(roomId);
    }
  }

  private stopPush(r: Relay): void {
    r.stopped = true;
    r.push?.kill('SIGKILL');
    r.push = null;
  }

  stop(roomId: number, forget = true): void {
    if (forget) this.lastLive.delete(roomId);
    const r = this.relays.get(roomId);
    if (!r) return;
    this.relays.delete(roomId);
    this.stopPush(r);
    void this.sfu.destroyMount(roomId);
    if (forget) this.onChange(roomId, r.streamId, false);
  }

  stopAll(): void {
    for (const roomId of [...this.relays.keys()]) this.stop(roomId);
  }
}
