/**
 * Janus SFU figures (issue 16), all in real Chromium. Parts (`--sfu-parts`, default all):
 * - `cpu` (sfu-call.ts): server + Janus CPU per participant at N participants, SFU vs mesh, and
 *   join -> first remote frame for the last joiner (`--sfu-sizes 4`, `--sfu-window 15`);
 * - `g2g`: glass-to-glass p50 of the Real-time player (Janus WebRTC) and of our HLS, same run, read
 *   from a frame number burned into the picture of a real ffmpeg RTMP publish (e2e/sfu/realtime.spec.ts
 *   prints them; this runs it and collects the line);
 * - `nginx` (sfu-nginx.ts): the same clocked publish into nginx-rtmp's HLS, played by hls.js with our
 *   player's settings, for comparison (needs the Debian package libnginx-mod-rtmp; skipped without);
 * - with `--sfu-call`: join -> first remote frame for the 8th participant from the eight-browser
 *   e2e spec (several minutes; it does not hold on 2 cores).
 * Needs `npm run build` (client/dist), Chromium, ffmpeg and janus.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { BenchReport } from './lib/report.js';
import type { Table } from './lib/stats.js';
import { SFU_CALL_COLUMNS, sfuCallBench } from './sfu-call.js';
import { nginxHlsG2g } from './sfu-nginx.js';

const PARTS = ['cpu', 'g2g', 'nginx'] as const;
type SfuPart = (typeof PARTS)[number];

export interface SfuOptions {
  /** Also run the eight-browser call (slow). */
  call: boolean;
  port: number;
  parts: SfuPart[];
  /** Participant counts for the CPU part. */
  sizes: number[];
  /** Seconds of CPU sampling per call. */
  windowS: number;
}

export function sfuParts(value: string | undefined): SfuPart[] {
  const parts = (value ?? PARTS.join(',')).split(',').map((p) => p.trim());
  for (const p of parts) if (!(PARTS as readonly string[]).includes(p)) throw new Error(`--sfu-parts: unknown part "${p}"; known: ${PARTS.join(', ')}`);
  return parts as SfuPart[];
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

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

export async function sfuBench(opts: SfuOptions): Promise<BenchReport> {
  const notes: string[] = [];
  const rows: (string | number)[][] = [];
  const tables: Table[] = [];
  if (opts.parts.includes('cpu')) {
    const cpu = await sfuCallBench({ sizes: opts.sizes, windowS: opts.windowS });
    tables.push({ title: 'Calls: server + Janus CPU per participant, mesh vs SFU (100 % = one core)', columns: SFU_CALL_COLUMNS, rows: cpu.rows });
    notes.push(...cpu.notes);
  }
  if (opts.parts.includes('g2g')) {
    const out = await runSpecs(['e2e/sfu/realtime.spec.ts'], opts.port);
    const g2g = /glass-to-glass p50: real-time \(Janus WebRTC\) (-?\d+) ms, standard \(HLS\) (-?\d+) ms/.exec(out);
    if (g2g) {
      rows.push(['glass-to-glass p50, Real-time (Janus WebRTC)', `${g2g[1]} ms`]);
      rows.push(['glass-to-glass p50, Standard (our HLS)', `${g2g[2]} ms`]);
      notes.push(`glass-to-glass (ours): load average ${loadavg()}`);
    } else notes.push(`real-time spec gave no figure (janus, ffmpeg, chromium and client/dist needed):\n${out.slice(-1500)}`);
  }
  if (opts.parts.includes('nginx')) {
    const n = await nginxHlsG2g();
    if (n.ms !== null) {
      rows.push(['glass-to-glass p50, nginx-rtmp HLS (same publish, same hls.js settings)', `${n.ms} ms`]);
      notes.push(`glass-to-glass (nginx-rtmp): load average ${loadavg()}; ${n.note}`);
    } else notes.push(`nginx-rtmp HLS row skipped: ${n.note}`);
  }
  if (opts.call) {
    const callOut = await runSpecs(['e2e/sfu/sfu.spec.ts', '-g', 'eight people'], opts.port);
    const j = /join-to-first-remote-frame \(8th participant, SFU\): (\d+) ms/.exec(callOut);
    if (j) rows.push(['join -> first remote frame, 8th participant (SFU)', `${j[1]} ms`]);
    else notes.push(`eight-browser call gave no figure:\n${callOut.slice(-1500)}`);
  } else notes.push('join -> first frame for the 8th participant: run with --sfu-call (eight browsers, slow; the cpu part gives it for the last of N)');
  if (rows.length) tables.push({ title: 'Janus SFU and real-time live', columns: ['figure', 'value'], rows });
  return { name: 'sfu', tables, notes };
}
