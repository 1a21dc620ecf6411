import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { parseMediaPlaylist } from '../../media/hls-playlist.js';
import { command, newUsers, nextEvent, roomWith, sleep, startServer } from '../test/harness.js';

it('measure', async () => {
  const server = await startServer({ rtmpPort: 0 });
  const [owner] = await newUsers(server, 'owner');
  const roomId = (await roomWith(owner!, [])).id;
  const os = await owner!.socket();
  await command(os, 'room:enter', { roomId });
  const key = (await owner!.get(`/api/rooms/${roomId}/stream/settings`)).body.streamKey;
  const startedP = nextEvent<any>(os, 'stream:started', () => true, 20_000);
  const spawnAt = Date.now();
  const samples: number[] = [];
  const pub = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-progress', 'pipe:1', '-stats_period', '0.1', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine',
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '30', '-c:a', 'aac', '-f', 'flv', `rtmp://127.0.0.1:${server.app.stream.rtmpPort}/live/${key}`]);
  pub.stdout.on('data', (d: Buffer) => { const now = Date.now(); for (const m of d.toString().matchAll(/^frame=(\d+)/gm)) samples.push(now - Number(m[1]) * 1000 / 30); });
  const { state } = await startedP;
  await sleep(4000);
  const s: any = (server.app.stream as any).byRoom.get(roomId);
  const dir = server.app.stream.hlsFile(roomId, state.streamId, 'v0/index.m3u8');
  const pl = parseMediaPlaylist(readFileSync(dir, 'utf8'));
  const anchor = Math.min(...samples);
  console.log('spawn->anchor', anchor - spawnAt, 'publish accepted', s.startedAt - anchor);
  if (pl.ok) {
    console.log('seq', pl.playlist.mediaSequence, pl.playlist.segments.map((x) => [x.uri, x.duration, x.programDateTime! - anchor]));
  }
  console.log('transcoder progress', s.transcoder.progress, 'now-anchor', Date.now() - anchor);
  pub.kill('SIGKILL');
  await server.dispose();
}, 60_000);
