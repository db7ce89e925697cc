import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { join } from 'node:path';
import { DataDirLock } from './data-dir-lock';

/**
 * PostgreSQL embedded in the process (PGlite), served over the wire protocol on
 * loopback so TypeORM's ordinary pg driver talks to it unchanged.
 *
 * PGlite has ONE backend session: more than one client connection would
 * interleave statements from different transactions, so the server accepts
 * one connection and the pool must hold exactly one.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly lock: DataDirLock,
    readonly url: string,
  ) {}

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    const lock = DataDirLock.acquire(dataDir);
    try {
      const db = await PGlite.create(join(dataDir, 'pgdata'));
      const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
      await server.start();
      const url = `postgresql://postgres:postgres@${server.getServerConn()}/postgres`;
      return new EmbeddedPostgres(db, server, lock, url);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
    this.lock.release();
  }
}
