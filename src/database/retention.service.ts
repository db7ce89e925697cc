import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { databaseConfig, type DatabaseConfig } from '../config';

/** Any 64-bit constant that names "the retention job" among advisory locks. */
const RETENTION_LOCK = 7_214_420_001;

export interface RetentionRun {
  deleted: number;
  batches: number;
}

/**
 * Removes events older than RETENTION_MONTHS. Each batch deletes at most
 * RETENTION_BATCH_SIZE rows (oldest first, through the time index) in its own
 * short transaction, so no lock is held for long and replicas keep up; kind
 * rows go with their event (ON DELETE CASCADE) and the daily counts follow
 * through their trigger. An advisory lock lets one instance run it at a time.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(databaseConfig.KEY) private readonly config: DatabaseConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.retentionMonths) return;
    this.timer = setInterval(() => {
      this.running ??= this.removeExpired()
        .catch((error: Error) => this.logger.warn(`Retention run failed: ${error.message}`))
        .finally(() => (this.running = undefined));
    }, this.config.retentionIntervalSeconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One full pass: batches until nothing older than the cutoff is left. Returns without work if another instance holds the lock. */
  async removeExpired(now = new Date(), months = this.config.retentionMonths): Promise<RetentionRun> {
    const run: RetentionRun = { deleted: 0, batches: 0 };
    if (!months) return run;
    const cutoff = new Date(now);
    cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
    const runner = this.dataSource.createQueryRunner('master');
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [RETENTION_LOCK]);
      if (!locked) return run;
      try {
        for (;;) {
          const deleted = await runner.query(
            `WITH doomed AS (
               SELECT customer_number, event_id FROM customer_event
               WHERE creation_datetime < $1 ORDER BY creation_datetime LIMIT $2)
             DELETE FROM customer_event AS event USING doomed
             WHERE event.customer_number = doomed.customer_number AND event.event_id = doomed.event_id`,
            [cutoff, this.config.retentionBatchSize],
          );
          const count = Array.isArray(deleted) ? Number(deleted[1] ?? 0) : 0;
          run.batches++;
          run.deleted += count;
          if (count < this.config.retentionBatchSize) break;
        }
        await runner.query('DELETE FROM customer_event_daily_count WHERE day < $1::date AND event_count <= 0', [cutoff.toISOString().slice(0, 10)]);
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK]);
      }
    } finally {
      await runner.release();
    }
    if (run.deleted > 0) this.logger.log({ msg: 'retention removed expired events', deleted: run.deleted, batches: run.batches, cutoff: cutoff.toISOString() });
    return run;
  }
}
