/** Fresh data directories for server children, removed when done and, failing that, when the bench exits. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

// Synchronous, so it also runs on process.exit() from a signal handler.
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function makeDataDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `commonroom-bench-${label}-`));
  made.add(dir);
  return dir;
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  made.delete(dir);
}
