import { Module } from '@nestjs/common';
import { ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import { appConfig, type AppConfig } from '../../config';
import { MemoryThrottlerStorage } from './memory-throttler.storage';

const STORAGE = Symbol('THROTTLER_STORAGE');

/** Holds the storage as a provider, so Nest stops it at shutdown (the Redis connection, the memory sweep). */
@Module({
  providers: [
    {
      provide: STORAGE,
      inject: [appConfig.KEY],
      // The Redis client is loaded only when configured: without it, start-up skips ioredis's modules.
      useFactory: (config: AppConfig): ThrottlerStorage => {
        if (!config.redisUrl) return new MemoryThrottlerStorage();
        const { RedisThrottlerStorage } = require('./redis-throttler.storage') as typeof import('./redis-throttler.storage');
        return new RedisThrottlerStorage(config.redisUrl);
      },
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
