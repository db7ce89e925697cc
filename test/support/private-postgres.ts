import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const parent = mkdtempSync(join(tmpdir(), 'private-pg-'));
  chmodSync(parent, 0o777);
  const dataDir = join(parent, 'data');
  const port = await freePort();
  asPostgres('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  writeFileSync(join(parent, 'postgresql.auto.conf.hint'), 'settings are passed on the pg_ctl command line');
  const options = `-p ${port} -k ${parent} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
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
