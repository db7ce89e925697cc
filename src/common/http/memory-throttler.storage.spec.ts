import { ThrottlerStorageService } from '@nestjs/throttler';
import fc from 'fast-check';
import { MemoryThrottlerStorage } from './memory-throttler.storage';

describe('MemoryThrottlerStorage', () => {
  let now = 0;
  beforeEach(() => {
    now = 1_800_000_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it("answers every request as the library's in-memory storage does", async () => {
    const settings = fc.record({
      limit: fc.integer({ min: 1, max: 6 }),
      ttl: fc.integer({ min: 1, max: 5_000 }),
      // 0 and below: no block, the library's other branch.
      blockDuration: fc.integer({ min: -1, max: 5_000 }),
    });
    const requests = fc.array(fc.record({ after: fc.integer({ min: 0, max: 2_500 }), key: fc.constantFrom('a', 'b') }), { maxLength: 80 });
    await fc.assert(
      fc.asyncProperty(settings, requests, async ({ limit, ttl, blockDuration }, sequence) => {
        const ours = new MemoryThrottlerStorage();
        const library = new ThrottlerStorageService();
        try {
          for (const { after, key } of sequence) {
            now += after;
            const expected = await library.increment(key, ttl, limit, blockDuration, 'default');
            expect(await ours.increment(key, ttl, limit, blockDuration)).toEqual(expected);
          }
        } finally {
          await ours.onApplicationShutdown();
          library.onApplicationShutdown();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a hot key cheap: hits under a huge limit are counted without copying them all', async () => {
    const storage = new MemoryThrottlerStorage();
    try {
      let last;
      for (let i = 0; i < 200_000; i++) {
        if (i % 4 === 0) now += 1;
        last = await storage.increment('hot', 60_000, 1_000_000_000, 60_000);
      }
      // 50 s of hits, all still within the minute that began with the first.
      expect(last).toEqual({ totalHits: 200_000, timeToExpire: 11, isBlocked: false, timeToBlockExpire: expect.any(Number) });
      now += 20_000;
      // The first 10 s (40,000 hits) have expired; this request counts.
      expect((await storage.increment('hot', 60_000, 1_000_000_000, 60_000)).totalHits).toBe(160_001);
    } finally {
      await storage.onApplicationShutdown();
    }
  });
});
