import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { appConfig, type AppConfig } from '../../config';
import { RedisThrottlerStorage } from './redis-throttler.storage';

const REDIS_STORAGE = Symbol('REDIS_THROTTLER_STORAGE');

/** Holds the Redis storage as a provider, so Nest closes its connection at shutdown. */
@Module({
  providers: [
    {
      provide: REDIS_STORAGE,
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => (config.redisUrl ? new RedisThrottlerStorage(config.redisUrl) : null),
    },
  ],
  exports: [REDIS_STORAGE],
})
class RedisStorageModule {}

/**
 * Per-client rate limits (@nestjs/throttler): counters in Redis when REDIS_URL
 * names one, so limits hold across instances; in memory otherwise.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [RedisStorageModule],
      inject: [appConfig.KEY, REDIS_STORAGE],
      useFactory: (config: AppConfig, redis: RedisThrottlerStorage | null) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: config.rateLimitPerMinute }],
        storage: redis ?? undefined,
      }),
    }),
  ],
  exports: [ThrottlerModule],
})
export class RateLimitModule {}
