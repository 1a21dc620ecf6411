/**
 * Reads a V8 CPU profile written by `npm run bench -- --only X --profile DIR` and prints where the
 * server spent its time: self time per function and per package (drizzle-orm, better-sqlite3,
 * socket.io + engine.io + ws, zod, our own code by folder, GC, idle), as shares of all samples.
 *
 * `npx tsx bench/profile-top.ts DIR/CPU.*.cpuprofile [--skip S] [--last S] [--top N] [--match TEXT]`
 * `--skip S` leaves out the first S seconds (start-up and setup); `--last S` keeps only the last S
 * seconds before that; `--match` lists the functions whose name or file contains TEXT with their
 * total (self + callees) time, to see what one of our functions costs in all.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { skip: { type: 'string' }, last: { type: 'string' }, top: { type: 'string' }, match: { type: 'string' } },
});
if (positionals.length !== 1) {
  process.stderr.write('usage: npx tsx bench/profile-top.ts FILE.cpuprofile [--skip S] [--last S] [--top N] [--match TEXT]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Profile;
const skipUs = Number(values.skip ?? 0) * 1e6;
const top = Number(values.top ?? 30);

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Sample instants (µs since the profile started), then the window to keep.
const at: number[] = [];
let t = 0;
for (const d of profile.timeDeltas) at.push((t += d));
const end = at.at(-1) ?? 0;
const from = values.last ? Math.max(skipUs, end - Number(values.last) * 1e6) : skipUs;

/** Which bucket a frame's file belongs to. */
function packageOf(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)') return 'idle';
  if (name === '(program)') return '(program)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) {
    const pkg = m[1]!;
    if (/^(socket\.io|engine\.io|ws$|socket\.io-parser|socket\.io-adapter)/.test(pkg)) return 'socket.io+engine.io+ws';
    return pkg;
  }
  if (url.startsWith('node:') || (!url.includes('/') && url !== '')) return 'node internals';
  const ours = /\/(server|db|protocol)\/(.*)$/.exec(url);
  if (ours) return `ours: ${ours[1]}/${ours[2]!.split('/').slice(0, -1).join('/') || '.'}`;
  return url === '' ? `native: ${name}` : url;
}

const self = new Map<number, number>();
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  if (at[i]! < from) continue;
  const dt = profile.timeDeltas[i + 1] ?? 0;
  self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + dt);
  total += dt;
}

const fnSelf = new Map<string, number>();
const pkgSelf = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  const { functionName, url, lineNumber } = n.callFrame;
  const key = `${functionName || '(anonymous)'}  ${url.replace(/^.*\/(node_modules|wt\/[^/]+)\//, '')}:${lineNumber + 1}`;
  fnSelf.set(key, (fnSelf.get(key) ?? 0) + us);
  const pkg = packageOf(url, functionName);
  pkgSelf.set(pkg, (pkgSelf.get(pkg) ?? 0) + us);
}

const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)} %`;
const out: string[] = [`${(total / 1e6).toFixed(1)} s of samples from ${(from / 1e6).toFixed(1)} s to ${(end / 1e6).toFixed(1)} s`, '', 'self time by package:'];
for (const [k, us] of [...pkgSelf].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`${pct(us)}  ${k}`);
out.push('', 'self time by function:');
for (const [k, us] of [...fnSelf].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`${pct(us)}  ${k}`);

if (values.match) {
  // Total time of matching frames: a sample counts once per matching function on its stack.
  const needle = values.match;
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const f = byId.get(n)!.callFrame;
      const key = `${f.functionName || '(anonymous)'}  ${f.url.replace(/^.*\/(node_modules|wt\/[^/]+)\//, '')}:${f.lineNumber + 1}`;
      if (seen.has(key) || !(key.includes(needle))) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  out.push('', `total time (self + callees) of functions matching "${needle}":`);
  for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`${pct(us)}  ${k}`);
}
process.stdout.write(`${out.join('\n')}\n`);
