import { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';

/** One key's hits: when each expires, oldest first; the live ones start at `head`. */
interface Hits {
  expiries: number[];
  head: number;
  /** End of the fixed window X-RateLimit-Reset counts down to. */
  expiresAt: number;
  isBlocked: boolean;
  blockExpiresAt: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * The throttler's counters in memory, with the answers of the library's own
 * in-memory storage (ThrottlerStorageService: hits counted over the last ttl,
 * a block of blockDuration once over the limit, the reset time of a fixed
 * window), at a constant cost per request. The library's copies and filters
 * the whole list of live hits on every request, which under a high limit is
 * tens of thousands of timestamps. Hits expire in the order they were made
 * (a key's ttl is fixed: generateKey names the route and the throttler), so
 * expiring them is moving `head` past the old ones.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly records = new Map<string, Hits>();
  private readonly sweep = setInterval(() => this.evictIdle(Date.now()), SWEEP_INTERVAL_MS).unref();

  async increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottlerStorageRecord> {
    return this.hit(key, ttl, limit, blockDuration);
  }

  /** `increment` without the promise, for the rate-limit guard's path that needs none (ClientThrottlerGuard). */
  hit(key: string, ttl: number, limit: number, blockDuration: number): ThrottlerStorageRecord {
    const now = Date.now();
    let record = this.records.get(key);
    if (!record) {
      record = { expiries: [], head: 0, expiresAt: now + ttl, isBlocked: false, blockExpiresAt: 0 };
      this.records.set(key, record);
    }
    expire(record, now);
    if (record.expiresAt <= now) record.expiresAt = now + ttl;
    const timeToExpire = Math.ceil((record.expiresAt - now) / 1000);

    if (blockDuration <= 0) {
      const isBlocked = live(record) >= limit;
      if (!isBlocked) record.expiries.push(now + ttl);
      const hits = live(record);
      return {
        totalHits: hits + (isBlocked ? 1 : 0),
        timeToExpire,
        isBlocked,
        timeToBlockExpire: isBlocked ? (hits > 0 ? Math.ceil((record.expiries[record.head] - now) / 1000) : timeToExpire) : 0,
      };
    }

    if (!record.isBlocked) record.expiries.push(now + ttl);
    if (live(record) > limit && !record.isBlocked) {
      record.isBlocked = true;
      record.blockExpiresAt = now + blockDuration;
    }
    const timeToBlockExpire = Math.ceil((record.blockExpiresAt - now) / 1000);
    if (timeToBlockExpire <= 0 && record.isBlocked) {
      // The block is over: counting starts again with this request.
      record.isBlocked = false;
      record.expiries = [now + ttl];
      record.head = 0;
    }
    return { totalHits: live(record), timeToExpire, isBlocked: record.isBlocked, timeToBlockExpire };
  }

  /** Forgets keys with nothing left to remember: no live hit, no block, the window over. */
  private evictIdle(now: number): void {
    for (const [key, record] of this.records) {
      expire(record, now);
      if ((record.isBlocked && record.blockExpiresAt > now) || record.expiresAt > now || live(record) > 0) continue;
      this.records.delete(key);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweep);
    this.records.clear();
  }
}

function live(record: Hits): number {
  return record.expiries.length - record.head;
}

/** Moves past the expired hits; drops them from the array once they are most of it. */
function expire(record: Hits, now: number): void {
  const { expiries } = record;
  let head = record.head;
  while (head < expiries.length && expiries[head] <= now) head++;
  if (head > 1024 && head * 2 > expiries.length) {
    record.expiries = expiries.slice(head);
    head = 0;
  }
  record.head = head;
}
