/** Removes the run's temporary data directory (made in playwright.config.ts) once every spec is done. */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

export default function globalTeardown(): void {
  const dir = process.env.CR_E2E_DATA_DIR;
  // Only ever a directory this run made under the system temp folder.
  if (dir && dir.startsWith(tmpdir()) && dir.includes('commonroom-e2e-')) rmSync(dir, { recursive: true, force: true });
}
