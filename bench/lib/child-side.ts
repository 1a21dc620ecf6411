/**
 * Helpers for the server children (server-entry.ts, bare-server.ts): announce readiness on stdout
 * and answer stats requests over IPC. Each child dies with its parent: when the IPC channel closes
 * (parent exited or was killed) the child exits too, so no server outlives a bench run.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ReadyLine, StatsReply, StatsRequest } from './contract.js';

declare const gc: (() => void) | undefined;

/** Prints the ready line as one JSON line on stdout; the parent waits for it. */
export function announceReady(ready: Omit<ReadyLine, 'type' | 'cpuMs'>): void {
  const cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ type: 'ready', ...ready, cpuMs: (cpu.user + cpu.system) / 1000 } satisfies ReadyLine)}\n`);
}

/** Answers {type:'stats'} with memory (after a full GC if asked, so idle-socket memory is not garbage) and CPU. */
export function serveStats(countPersisted: () => number | null = () => null): void {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  process.on('message', (msg: StatsRequest) => {
    if (msg?.type !== 'stats') return;
    const loopDelayP99Ms = loop.percentile(99) / 1e6;
    const loopDelayMaxMs = loop.max / 1e6;
    loop.reset();
    if (msg.gc && typeof gc === 'function') gc();
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    const reply: StatsReply = {
      type: 'stats',
      id: msg.id,
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      cpuUs: cpu.user + cpu.system,
      loopDelayP99Ms,
      loopDelayMaxMs,
      persisted: countPersisted(),
    };
    process.send?.(reply);
  });
  process.on('disconnect', () => process.exit(0));
}
