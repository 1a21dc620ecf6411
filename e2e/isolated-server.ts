/**
 * A second, private server for specs that change instance-wide settings (registration mode, the
 * announcement) or need a data directory of their own (a small disk that fills up): other specs
 * share the main e2e server and must not see those changes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface IsolatedServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * `dataDir`: a directory the caller prepared (and removes itself); by default a new temporary one,
 * removed by `stop`. `env`: more settings for the server.
 */
export async function startIsolatedServer(portOffset: number, opts: { dataDir?: string; env?: Record<string, string> } = {}): Promise<IsolatedServer> {
  const port = Number(process.env.E2E_PORT ?? 3107) + portOffset;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'commonroom-e2e-iso-'));
  const child: ChildProcess = spawn('npx', ['tsx', 'server/main.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, STREAMING_ENABLED: 'false', JANUS_ENABLED: 'off', LOG_LEVEL: 'warn', AUTH_ATTEMPTS_PER_15MIN: '1000', ...opts.env },
    stdio: 'ignore',
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`isolated server on ${port} did not start`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    dataDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(-child.pid!, 'SIGTERM');
        await exited;
      }
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
