import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One process owns a data folder: PGlite does not lock its files, and two
 * processes writing one PostgreSQL data directory would corrupt it.
 */
export class DataDirLock {
  /** Folders this process holds, so a second open inside one process is refused too. */
  private static readonly held = new Set<string>();

  private constructor(private readonly path: string) {}

  static acquire(dataDir: string): DataDirLock {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, 'service.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        DataDirLock.held.add(path);
        return new DataDirLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = Number(readFileSync(path, 'utf8').trim());
        const heldHere = owner === process.pid && DataDirLock.held.has(path);
        if (heldHere || (owner && owner !== process.pid && isAlive(owner))) {
          throw new Error(
            `The data folder ${dataDir} is in use by another process (pid ${owner}). ` +
              'Stop that process, or give this one its own folder with DATA_DIR.',
          );
        }
        unlinkSync(path); // left behind by a process that has died
      }
    }
    throw new Error(`Could not lock the data folder ${dataDir}`);
  }

  release(): void {
    DataDirLock.held.delete(this.path);
    try {
      unlinkSync(this.path);
    } catch {
      // already gone: nothing to release
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
