import { migrate } from '../database/migrate';
import { DataSource, MigrationExecutor } from 'typeorm';
import { databaseConfig } from '../config';
import { EmbeddedPostgres } from '../database/embedded-postgres';
import { buildTypeOrmOptions } from '../database/typeorm-options';

/** Batch tools run statements far longer than a request may (index builds, 10k-row inserts). */
const CLI_STATEMENT_TIMEOUT_MS = 30 * 60 * 1000;

export interface CliDatabase {
  dataSource: DataSource;
  /** Where the tool is working, for its messages (never the password). */
  target: string;
  embedded: boolean;
  /** Closes the pool, then the embedded database under it. Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Apply pending migrations first, as the service does at boot. */
  migrate?: boolean;
}

/**
 * Opens the database a command-line tool works on, the way the service does:
 * the DATABASE_URL server, or else the embedded PostgreSQL in DATA_DIR (which
 * takes the data-folder lock, so a running service on that folder is refused).
 */
export async function openCliDatabase(options: OpenOptions = {}): Promise<CliDatabase> {
  const config = databaseConfig();
  const embedded = config.url ? undefined : await EmbeddedPostgres.start(config.dataDir);
  const url = config.url ?? embedded!.url;
  const cliConfig = { ...config, statementTimeoutMs: Math.max(config.statementTimeoutMs, CLI_STATEMENT_TIMEOUT_MS) };
  const dataSource = new DataSource(buildTypeOrmOptions(cliConfig, url, embedded !== undefined));
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      if (dataSource.isInitialized) await dataSource.destroy();
    } finally {
      await embedded?.stop();
    }
  };
  try {
    await dataSource.initialize();
    if (options.migrate) await migrate(dataSource);
  } catch (error) {
    await close();
    throw error;
  }
  return { dataSource, target: embedded ? `embedded PostgreSQL in ${config.dataDir}` : describeUrl(url), embedded: embedded !== undefined, close };
}

/** Migrations recorded as applied, newest first. */
export function executedMigrations(dataSource: DataSource) {
  return new MigrationExecutor(dataSource).getExecutedMigrations();
}

function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `PostgreSQL ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
}
