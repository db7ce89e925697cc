import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { databaseConfig, type DatabaseConfig } from '../config';
import { isDatabaseUnavailable } from './database-errors';
import { SqlStatement } from './sql-statement';

interface Pool {
  query(sql: string | { name?: string; text: string; values: unknown[] }, values?: unknown[]): Promise<{ rows: unknown[] }>;
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

  /** A statement's rows, read on a replica when one is usable, else on the primary. */
  async rows<R>(statement: SqlStatement, values: unknown[]): Promise<R[]> {
    if (!this.hasReplicas || Date.now() < this.replicasRestUntil) return this.primaryRows(statement, values);
    const replicas = this.replicaPools();
    try {
      return await this.execute<R>(replicas[Math.floor(Math.random() * replicas.length)], statement, values);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      this.restReplicas(error);
      return this.primaryRows(statement, values);
    }
  }

  /** A statement's rows from the primary: writes, and reads that must see the latest commit. */
  primaryRows<R>(statement: SqlStatement, values: unknown[]): Promise<R[]> {
    return this.execute<R>(this.primaryPool(), statement, values);
  }

  private async execute<R>(pool: Pool, { name, text }: SqlStatement, values: unknown[]): Promise<R[]> {
    // The embedded database keeps one backend session across socket connections, so a statement
    // prepared by a closed connection would still exist there: it gets unnamed statements.
    const { rows } = await pool.query(this.embedded ? { text, values } : { name, text, values });
    return rows as R[];
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

  private restReplicas(error: unknown): void {
    this.replicasRestUntil = Date.now() + this.config.replicaRetrySeconds * 1000;
    this.logger.warn(`Replica read failed (${(error as Error).message}); reading from the primary for ${this.config.replicaRetrySeconds} s`);
  }

  private get embedded(): boolean {
    return this.config.url === undefined;
  }

  private primaryPool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  private replicaPools(): Pool[] {
    return (this.dataSource.driver as unknown as { slaves?: Pool[] }).slaves ?? [];
  }
}
