import { ConfigType, registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { resolve } from 'node:path';
import { toInt, toList, validateEnv } from './validate-env';

class DatabaseEnv {
  @IsOptional() @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsString()
  DATA_DIR: string = './data';

  @Transform(toInt) @IsInt() @Min(1) @Max(200)
  DATABASE_POOL_SIZE: number = 10;

  @Transform(toInt) @IsInt() @Min(100) @Max(600_000)
  DATABASE_STATEMENT_TIMEOUT_MS: number = 5_000;

  @Transform(toInt) @IsInt() @Min(100) @Max(120_000)
  DATABASE_CONNECT_TIMEOUT_MS: number = 3_000;

  @Transform(toInt) @IsInt() @Min(0) @Max(600)
  DATABASE_RETRY_AFTER_S: number = 5;

  /** Read replicas (streaming standbys of DATABASE_URL): reads go there, writes to the primary. */
  @Transform(toList) @Matches(/^postgres(ql)?:\/\/.+/, { each: true, message: 'must be a comma list of postgres:// URLs' })
  DATABASE_REPLICA_URLS: string[] = [];

  /** Events older than this many months are removed (in small batches, by one instance at a time); unset: kept forever. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1200)
  RETENTION_MONTHS?: number;

  @Transform(toInt) @IsInt() @Min(100) @Max(100_000)
  RETENTION_BATCH_SIZE: number = 5_000;

  @Transform(toInt) @IsInt() @Min(10) @Max(86_400)
  RETENTION_INTERVAL_S: number = 3_600;

  /** After a replica read fails for want of the replica, reads use the primary for this long before trying replicas again. */
  @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  DATABASE_REPLICA_RETRY_S: number = 10;
}

export const databaseConfig = registerAs('database', () => {
  const env = validateEnv(DatabaseEnv);
  return {
    /** A real PostgreSQL; when absent the service runs an embedded one (PGlite) in dataDir. */
    url: env.DATABASE_URL,
    dataDir: resolve(env.DATA_DIR),
    poolSize: env.DATABASE_POOL_SIZE,
    statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
    retryAfterSeconds: env.DATABASE_RETRY_AFTER_S,
    replicaUrls: env.DATABASE_URL ? env.DATABASE_REPLICA_URLS : [],
    replicaRetrySeconds: env.DATABASE_REPLICA_RETRY_S,
    retentionMonths: env.RETENTION_MONTHS,
    retentionBatchSize: env.RETENTION_BATCH_SIZE,
    retentionIntervalSeconds: env.RETENTION_INTERVAL_S,
  };
});
export type DatabaseConfig = ConfigType<typeof databaseConfig>;
