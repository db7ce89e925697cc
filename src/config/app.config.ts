import { ConfigType, registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { toBool, toInt, toList, validateEnv } from './validate-env';

class AppEnv {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT: number = 62233;

  @IsString()
  HOST: string = '0.0.0.0';

  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  PUBLIC_BASE_URL?: string;

  @Transform(toBool) @IsBoolean()
  TRUST_PROXY: boolean = false;

  @Transform(toList) @IsString({ each: true })
  CORS_ORIGINS: string[] = [];

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  @Transform(toInt) @IsInt() @Min(1024) @Max(64 * 1024 * 1024)
  BODY_LIMIT_BYTES: number = 1024 * 1024;

  @Transform(toInt) @IsInt() @Min(1024) @Max(10 * 1024 * 1024)
  XML_MAX_BYTES: number = 256 * 1024;

  @Transform(toInt) @IsInt() @Min(2) @Max(256)
  XML_MAX_DEPTH: number = 32;

  @Transform(toInt) @IsInt() @Min(100) @Max(600_000)
  REQUEST_TIMEOUT_MS: number = 15_000;

  @Transform(toInt) @IsInt() @Min(0) @Max(600_000)
  SHUTDOWN_GRACE_MS: number = 10_000;

  /** On SIGTERM, how long to keep answering 503 (readiness failed) before closing the listener, so load balancers move away first. */
  @Transform(toInt) @IsInt() @Min(0) @Max(600_000)
  SHUTDOWN_DRAIN_MS: number = 1_000;

  @Transform(toInt) @IsInt() @Min(1)
  RATE_LIMIT_PER_MINUTE: number = 6000;

  @IsOptional() @IsString()
  REDIS_URL?: string;

  /** Serve /metrics on this separate port (no token, for a scraper on a private network); unset: on the main port, behind the token guard. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(65535)
  METRICS_PORT?: number;
}

export const appConfig = registerAs('app', () => {
  const env = validateEnv(AppEnv);
  return {
    nodeEnv: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    port: env.PORT,
    host: env.HOST,
    publicBaseUrl: env.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    trustProxy: env.TRUST_PROXY,
    corsOrigins: env.CORS_ORIGINS,
    logLevel: env.LOG_LEVEL,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    xmlMaxBytes: env.XML_MAX_BYTES,
    xmlMaxDepth: env.XML_MAX_DEPTH,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    shutdownDrainMs: env.SHUTDOWN_DRAIN_MS,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    redisUrl: env.REDIS_URL,
    metricsPort: env.METRICS_PORT,
  };
});
export type AppConfig = ConfigType<typeof appConfig>;
