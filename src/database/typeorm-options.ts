import { DataSourceOptions } from 'typeorm';
import { DatabaseConfig } from '../config';
import { EventDailyCountEntity } from '../events/core/event-daily-count.entity';
import { EventKindCountEntity } from '../events/core/event-kind-count.entity';
import { EventEntity } from '../events/core/event.entity';
import { EVENT_KINDS } from '../events/event-kinds';
import { MIGRATIONS } from './migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export const ENTITIES = [EventEntity, EventDailyCountEntity, EventKindCountEntity, ...EVENT_KINDS.map((kind) => kind.entity)];

/**
 * The one place TypeORM is configured, for the service and the migration CLI
 * alike. The schema comes only from migrations, never from synchronize.
 * `embedded` means PGlite: one backend session, so a pool of exactly one.
 */
export function buildTypeOrmOptions(config: DatabaseConfig, url: string, embedded: boolean): DataSourceOptions {
  // With replicas TypeORM routes reads (outside transactions) to them and everything else to the primary.
  const endpoints =
    !embedded && config.replicaUrls.length > 0
      ? { replication: { master: { url }, slaves: config.replicaUrls.map((replica) => ({ url: replica })) } }
      : { url };
  return {
    type: 'postgres',
    ...endpoints,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    poolSize: embedded ? 1 : config.poolSize,
    connectTimeoutMS: config.connectTimeoutMs,
    extra: {
      // Time to wait for a pooled connection, and the most a statement may run.
      connectionTimeoutMillis: config.connectTimeoutMs,
      statement_timeout: config.statementTimeoutMs,
      idle_in_transaction_session_timeout: config.statementTimeoutMs * 2,
      application_name: 'customer-event-api',
    },
  };
}
