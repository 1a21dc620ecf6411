/**
 * Parent side of the server children. Servers run in their own process so the load generator and
 * the server are scheduled on different cores, as they would be in real use. Every child is
 * tracked by PID and killed when the bench exits, however it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ReadyLine, StatsReply, StatsRequest } from './contract.js';
import { withTimeout } from './pool.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const live = new Set<ChildProcess>();

function killAll(): void {
  for (const child of live) {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  }
  live.clear();
}

// 'exit' handlers must be synchronous: SIGKILL by PID is. Signals are turned into an exit first.
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
}

export interface ServerChild {
  name: string;
  pid: number;
  port: number;
  url: string;
  /** ms from spawn() until the ready line arrived, measured by the parent. */
  spawnToReadyMs: number;
  ready: ReadyLine;
  stats(opts?: { gc?: boolean }): Promise<StatsReply>;
  stop(): Promise<void>;
}

/**
 * Starts `entry` (a .ts file under bench/) with node + the tsx loader (one process, so the PID is
 * the server's own), waits for its ready line and returns a handle.
 */
export async function spawnServer(name: string, entry: string, env: Record<string, string>, nodeArgs: string[] = [], readyTimeoutMs = Number(process.env.BENCH_READY_TIMEOUT_MS ?? 120_000)): Promise<ServerChild> {
  const started = performance.now();
  // Bundled JavaScript (what `npm start` runs) needs no TypeScript loader.
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, ['--expose-gc', ...nodeArgs, ...loader, entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (child.pid === undefined) throw new Error(`${name}: spawn failed`);
  const pid = child.pid;

  let ready: ReadyLine;
  try {
    ready = await withTimeout(readReadyLine(child), readyTimeoutMs, `${name} start`);
  } catch (err) {
    process.kill(pid, 'SIGKILL');
    throw err;
  }
  const spawnToReadyMs = performance.now() - started;

  let nextId = 1;
  const stats = ({ gc = false } = {}): Promise<StatsReply> => {
    const id = nextId++;
    const reply = new Promise<StatsReply>((resolve) => {
      const onMessage = (msg: StatsReply) => {
        if (msg?.type !== 'stats' || msg.id !== id) return;
        child.off('message', onMessage);
        resolve(msg);
      };
      child.on('message', onMessage);
    });
    child.send({ type: 'stats', id, gc } satisfies StatsRequest);
    return withTimeout(reply, 60_000, `${name} stats`);
  };

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(pid, 'SIGTERM');
    // Give it a moment to close the database cleanly, then make sure.
    await withTimeout(exited, 10_000, `${name} stop`).catch(() => {
      if (child.exitCode === null) process.kill(pid, 'SIGKILL');
    });
  };

  return { name, pid, port: ready.port, url: `http://127.0.0.1:${ready.port}`, spawnToReadyMs, ready, stats, stop };
}

function readReadyLine(child: ChildProcess): Promise<ReadyLine> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as ReadyLine;
        // Keep reading afterwards so a chatty child never blocks on a full pipe.
        if (msg.type === 'ready') resolve(msg);
      } catch {
        // Not our line (a stray log): ignore it.
      }
    });
    child.once('exit', (code, signal) => reject(new Error(`server exited before ready (code ${code}, signal ${signal})`)));
  });
}
