/**
 * Janus SFU figures (issue 16), measured in real Chromium by the e2e specs under e2e/sfu (they
 * print the figures; this runs them and collects the lines):
 * - glass-to-glass p50 of the Real-time player (Janus WebRTC) and of our HLS, same run, read from a
 *   frame number burned into the picture of a real ffmpeg RTMP publish;
 * - join -> first remote frame for the 8th participant of an SFU call (with `--sfu-call`: eight
 *   browsers, several minutes on 2 cores).
 * Needs `npm run build` (client/dist), Chromium, ffmpeg and janus.
 */
import { spawn } from 'node:child_process';
import type { BenchReport } from './lib/report.js';

export interface SfuOptions {
  /** Also run the eight-browser call (slow). */
  call: boolean;
  port: number;
}

function runSpecs(args: string[], port: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['playwright', 'test', ...args, '--output', `/tmp/commonroom-bench-sfu-${port}`, '--reporter', 'line'], {
      env: { ...process.env, E2E_PORT: String(port), SFU_E2E_TIMEOUT: '600000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', () => resolve(out));
  });
}

export async function sfuBench(opts: SfuOptions): Promise<BenchReport> {
  const notes: string[] = [];
  const rows: (string | number)[][] = [];
  const out = await runSpecs(['e2e/sfu/realtime.spec.ts'], opts.port);
  const g2g = /glass-to-glass p50: real-time \(Janus WebRTC\) (-?\d+) ms, standard \(HLS\) (-?\d+) ms/.exec(out);
  if (g2g) {
    rows.push(['glass-to-glass p50, Real-time (Janus WebRTC)', `${g2g[1]} ms`]);
    rows.push(['glass-to-glass p50, Standard (our HLS)', `${g2g[2]} ms`]);
  } else notes.push(`real-time spec gave no figure (janus, ffmpeg, chromium and client/dist needed):\n${out.slice(-1500)}`);
  if (opts.call) {
    const callOut = await runSpecs(['e2e/sfu/sfu.spec.ts', '-g', 'eight people'], opts.port);
    const j = /join-to-first-remote-frame \(8th participant, SFU\): (\d+) ms/.exec(callOut);
    if (j) rows.push(['join -> first remote frame, 8th participant (SFU)', `${j[1]} ms`]);
    else notes.push(`eight-browser call gave no figure:\n${callOut.slice(-1500)}`);
  } else notes.push('join -> first frame for the 8th participant: run with --sfu-call (eight browsers, slow)');
  notes.push('nginx-rtmp HLS and SFU-vs-mesh CPU per participant are not measured by this bench yet');
  return { name: 'sfu', tables: [{ title: 'Janus SFU and real-time live', columns: ['figure', 'value'], rows }], notes };
}
