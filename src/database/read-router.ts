import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { databaseConfig, type DatabaseConfig } from '../config';
import { isDatabaseUnavailable } from './database-errors';

interface Pool {
  query(sql: string): Promise<unknown>;
}

/**
 * Where reads run. Without replicas: the primary. With replicas (TypeORM
 * replication): a replica, unless replicas have just failed, in which case
 * the read is retried on the primary and replicas rest for a while — a dead
 * replica costs one retry, never a failed request.
 */
@Injectable()
export class ReadRouter {
  private readonly logger = new Logger(ReadRouter.name);
  private replicasRestUntil = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(databaseConfig.KEY) private readonly config: DatabaseConfig,
  ) {}

  get hasReplicas(): boolean {
    return this.replicaPools().length > 0;
  }

  /** Runs a read on a replica when one is usable, else on the primary. */
  async read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.hasReplicas || Date.now() < this.replicasRestUntil) return this.onPrimary(work);
    const runner = this.dataSource.createQueryRunner('slave');
    try {
      return await work(runner.manager);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      this.replicasRestUntil = Date.now() + this.config.replicaRetrySeconds * 1000;
      this.logger.warn(`Replica read failed (${(error as Error).message}); reading from the primary for ${this.config.replicaRetrySeconds} s`);
      return this.onPrimary(work);
    } finally {
      await runner.release();
    }
  }

  /** On the primary: writes, and reads that must see the latest commit (read-your-writes). */
  async onPrimary<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner('master');
    try {
      return await work(runner.manager);
    } finally {
      await runner.release();
    }
  }

  /** Each replica's reachability, for readiness: a dead replica degrades the service but does not stop it. */
  async replicaHealth(timeoutMs: number): Promise<boolean[]> {
    return Promise.all(
      this.replicaPools().map((pool) =>
        Promise.race([
          pool.query('SELECT 1').then(() => true, () => false),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
        ]),
      ),
    );
  }

  private replicaPools(): Pool[] {
    return (this.dataSource.driver as unknown as { slaves?: Pool[] }).slaves ?? [];
  }
}
