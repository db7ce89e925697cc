import { DataSource, MigrationExecutor } from 'typeorm';

/** Any 64-bit constant that names "schema migrations" among advisory locks. */
const MIGRATION_LOCK = 7_214_420_000;

/**
 * Applies pending migrations, one instance at a time: instances starting
 * together on one database wait on an advisory lock instead of racing to
 * create the same tables. Runs on the primary, each migration in its own
 * transaction, on the connection that holds the lock.
 */
export async function migrate(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner('master');
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      await executor.executePendingMigrations();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}
