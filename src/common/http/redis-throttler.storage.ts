import { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import Redis from 'ioredis';
import { createHash } from 'node:crypto';

/**
 * The throttler's counters in Redis, so a limit holds across every instance.
 * One Lua script per request: count the hit in a fixed window, and once over
 * the limit block the key for the block duration. (A ready-made package
 * exists, @nest-lab/throttler-storage-redis, but it does not accept NestJS 12
 * as a peer yet; this is its algorithm in the throttler's own interface.)
 */
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
local blockTtl = redis.call('PTTL', KEYS[2])
if blockTtl <= 0 and hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  blockTtl = tonumber(ARGV[3])
end
return { hits, ttl, blockTtl }`;

export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly redis: Redis;

  constructor(url: string) {
    // Fail fast: a Redis outage must not hang requests (see increment).
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, lazyConnect: false });
    this.redis.on('error', () => undefined); // reported through failed increments, not as unhandled events
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    // The guard's keys name the client in plain text; shared Redis gets them hashed, as the library's own
    // keys were: the same SHA-256 of the same text, so counters carry over from versions before this one.
    const hitsKey = `throttle:${throttlerName}:${createHash('sha256').update(key).digest('hex')}`;
    try {
      const [hits, ttlMs, blockMs] = (await this.redis.eval(INCREMENT, 2, hitsKey, `${hitsKey}:blocked`, ttl, limit, blockDuration || ttl)) as number[];
      return {
        totalHits: hits,
        timeToExpire: Math.max(0, Math.ceil(ttlMs / 1000)),
        isBlocked: blockMs > 0 && hits > limit,
        timeToBlockExpire: Math.max(0, Math.ceil(blockMs / 1000)),
      };
    } catch {
      // Without Redis, rate limiting fails open: availability of the API matters more than the limit.
      return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}
