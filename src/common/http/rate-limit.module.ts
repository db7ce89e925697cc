import { Module } from '@nestjs/common';
import { ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import { appConfig, type AppConfig } from '../../config';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { RedisThrottlerStorage } from './redis-throttler.storage';

const STORAGE = Symbol('THROTTLER_STORAGE');

/** Holds the storage as a provider, so Nest stops it at shutdown (the Redis connection, the memory sweep). */
@Module({
  providers: [
    {
      provide: STORAGE,
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig): ThrottlerStorage =>
        config.redisUrl ? new RedisThrottlerStorage(config.redisUrl) : new MemoryThrottlerStorage(),
    },
  ],
  exports: [STORAGE],
})
class ThrottlerStorageModule {}

/**
 * Per-client rate limits (@nestjs/throttler): counters in Redis when REDIS_URL
 * names one, so limits hold across instances; in memory otherwise.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [ThrottlerStorageModule],
      inject: [appConfig.KEY, STORAGE],
      useFactory: (config: AppConfig, storage: ThrottlerStorage) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: config.rateLimitPerMinute }],
        storage,
      }),
    }),
  ],
  exports: [ThrottlerModule],
})
export class RateLimitModule {}
