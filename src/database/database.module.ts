import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { databaseConfig, type DatabaseConfig } from '../config';
import type { EmbeddedPostgres } from './embedded-postgres';
import { migrate } from './migrate';
import { ReadRouter } from './read-router';
import { RetentionService } from './retention.service';
import { buildTypeOrmOptions } from './typeorm-options';

/**
 * Holds the embedded PostgreSQL when no DATABASE_URL is set. It is stopped
 * only after TypeORM has closed its pool (see the data source factory).
 */
export class EmbeddedDatabase {
  private instance?: EmbeddedPostgres;

  async url(config: DatabaseConfig): Promise<string> {
    if (!this.instance) {
      // Loaded on first use: a service on a real PostgreSQL starts without PGlite's modules.
      const { EmbeddedPostgres } = require('./embedded-postgres') as typeof import('./embedded-postgres');
      this.instance = await EmbeddedPostgres.start(config.dataDir);
    }
    return this.instance.url;
  }

  async stop(): Promise<void> {
    await this.instance?.stop();
    this.instance = undefined;
  }
}

@Global()
@Module({
  providers: [EmbeddedDatabase],
  exports: [EmbeddedDatabase],
})
class EmbeddedDatabaseModule {}

/** The connection to PostgreSQL (embedded or real, with optional replicas) and where reads run. */
@Global()
@Module({
  providers: [ReadRouter, RetentionService],
  exports: [ReadRouter, RetentionService],
  imports: [
    TypeOrmModule.forRootAsync({
      imports: [EmbeddedDatabaseModule],
      inject: [databaseConfig.KEY, EmbeddedDatabase],
      useFactory: async (config: DatabaseConfig, embedded: EmbeddedDatabase) => {
        const url = config.url ?? (await embedded.url(config));
        if (!config.url) new Logger('Database').log(`Embedded PostgreSQL (PGlite) in ${config.dataDir}`);
        return buildTypeOrmOptions(config, url, !config.url);
      },
      // Migrations are applied before the service answers anything.
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        await migrate(dataSource);
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    @Inject(EmbeddedDatabase) private readonly embedded: EmbeddedDatabase,
    private readonly dataSource: DataSource,
  ) {}

  /** After every other shutdown hook has run: close the pool first, then the embedded database under it. */
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.embedded.stop();
  }
}
