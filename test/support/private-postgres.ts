import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A PostgreSQL server of the machine's own version, in a temporary folder on
 * its own port, that a test may stop and start at will (database outages,
 * replicas) without touching the shared server. Runs as the postgres user.
 */
export interface PrivatePostgres {
  port: number;
  dataDir: string;
  url: string;
  start(): void;
  stop(mode?: 'fast' | 'immediate'): void;
  destroy(): void;
}

const binDir = (): string => {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
  return join(root, versions[0], 'bin');
};

const asPostgres = (command: string, args: string[]) =>
  execFileSync('runuser', ['-u', 'postgres', '--', join(binDir(), command), ...args], { stdio: 'pipe', timeout: 60_000 });

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * A private server; or, given a primary, a streaming replica of it made with
 * pg_basebackup (a hot standby that follows the primary's WAL).
 */
export async function startPrivatePostgres(primary?: PrivatePostgres): Promise<PrivatePostgres> {
  const parent = mkdtempSync(join(tmpdir(), primary ? 'private-replica-' : 'private-pg-'));
  chmodSync(parent, 0o777);
  const dataDir = join(parent, 'data');
  const port = await freePort();
  if (primary) {
    asPostgres('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', dataDir, '-R', '-X', 'stream', '--no-sync']);
  } else {
    asPostgres('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  }
  const options = `-p ${port} -k ${parent} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50 -c hot_standby=on`;
  const instance: PrivatePostgres = {
    port,
    dataDir,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => void asPostgres('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(parent, 'server.log'), '-w', 'start']),
    stop: (mode = 'fast') => void asPostgres('pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop']),
    destroy: () => {
      try {
        instance.stop('immediate');
      } catch {
        // already stopped
      }
      rmSync(parent, { recursive: true, force: true });
    },
  };
  instance.start();
  return instance;
}
