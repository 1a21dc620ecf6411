/**
 * A real small filesystem for disk-full tests (issue 11): a tmpfs of a few MiB mounted on a
 * directory, filled with a filler file so that the next writes meet a real ENOSPC from the kernel,
 * and "space freed" by deleting the filler. Mounting needs root (CI runs as root; .ci/run); where
 * `mount` is refused, `mountSmallDisk` says why and the tests that need it skip with that reason.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { freeBytes } from '../files/upload-store.js';

export interface SmallDisk {
  dir: string;
  /** Writes a filler file until only `leaveBytes` are free (rounded to the tmpfs page size). */
  fill(leaveBytes: number): Promise<void>;
  /** Deletes the filler: the space is free again. */
  free(): void;
  /** Free bytes on the disk now (statfs). */
  available(): Promise<number>;
  unmount(): void;
}

/** Can this process mount a tmpfs? `null` when it can, else the reason it cannot. */
export function cannotMount(): string | null {
  if (process.platform !== 'linux') return 'tmpfs mounts need Linux';
  if (process.getuid?.() !== 0) return 'mounting a small tmpfs needs root (CI runs as root)';
  return null;
}

/** Mounts a tmpfs of `sizeMiB` on `dir` (created if missing). Throws with mount's own message if refused. */
export function mountSmallDisk(dir: string, sizeMiB: number): SmallDisk {
  mkdirSync(dir, { recursive: true });
  const run = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0755`, 'tmpfs', dir], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`mount -t tmpfs on ${dir} failed: ${run.stderr || run.error?.message}`);
  const filler = join(dir, '.filler');
  let mounted = true;
  return {
    dir,
    async fill(leaveBytes) {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(1024 * 1024, 7);
      try {
        for (;;) {
          const left = (await freeBytes(dir)) - leaveBytes;
          if (left <= 0) break;
          writeSync(fd, chunk, 0, Math.min(chunk.length, left));
        }
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    available: () => freeBytes(dir),
    unmount() {
      if (!mounted) return;
      mounted = false;
      // Lazy only if something still holds a file open there.
      if (spawnSync('umount', [dir]).status !== 0) spawnSync('umount', ['-l', dir]);
    },
  };
}

/** Tries a throwaway mount: `null` when small disks work here, else the reason (for skip messages). */
export function smallDiskUnavailable(probeDir: string): string | null {
  const reason = cannotMount();
  if (reason) return reason;
  try {
    mountSmallDisk(probeDir, 1).unmount();
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    rmSync(probeDir, { recursive: true, force: true });
  }
}
