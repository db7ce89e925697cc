import type { ExecutionContext } from '@nestjs/common';
import { SkipThrottle, Throttle, ThrottlerException, ThrottlerGuard } from '@nestjs/throttler';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import type { Caller } from '../auth/caller';
import { ClientThrottlerGuard } from './client-throttler.guard';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { RouteMetadata } from './route-metadata';

class EventsController {
  detail(): void {}
}

describe('ClientThrottlerGuard keys', () => {
  const context = { getClass: () => EventsController, getHandler: () => EventsController.prototype.detail } as unknown as ExecutionContext;
  const guard = Object.create(ClientThrottlerGuard.prototype) as ClientThrottlerGuard;

  it("count per route handler and client, as the library's do, and hash to the library's very keys", () => {
    const key = guard['generateKey'](context, 'client:channel-a', 'default');
    expect(key).toBe('EventsController-detail-default-client:channel-a');
    const library = ThrottlerGuard.prototype['generateKey'].call(guard, context, 'client:channel-a', 'default');
    expect(createHash('sha256').update(key).digest('hex')).toBe(library);
    expect(guard['generateKey'](context, 'client:channel-b', 'default')).not.toBe(key);
  });
});

describe('ClientThrottlerGuard decisions', () => {
  @Throttle({ burst: { limit: 2, ttl: 1_500 } })
  class RoutesController {
    plain(): void {}
    @Throttle({ default: { limit: 3, ttl: 2_000, blockDuration: 0 } })
    tight(): void {}
    @SkipThrottle({ burst: true })
    unburst(): void {}
    @Throttle({ default: { limit: (context: ExecutionContext) => (context.getArgByIndex(0).user ? 2 : 1), ttl: 1_000 } })
    perRequest(): void {}
  }
  /** Inherits `plain`: the same handler under another controller is another route, counted apart. */
  class InheritingController extends RoutesController {}
  const routes = ['plain', 'tight', 'unburst', 'perRequest', 'inherited plain'] as const;
  const throttlers = [
    { name: 'default', ttl: 3_000, limit: 4 },
    { name: 'burst', ttl: 1_000, limit: 3, blockDuration: 2_000 },
  ];

  let now = 0;
  beforeEach(() => {
    now = 1_800_000_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  async function guardWith(storage: MemoryThrottlerStorage): Promise<ClientThrottlerGuard> {
    const guard = new ClientThrottlerGuard({ throttlers }, storage, new RouteMetadata());
    await guard.onModuleInit();
    return guard;
  }

  /** A request to one route, as Nest's execution context shows it, with the headers the guard set. */
  function requestTo(route: (typeof routes)[number], caller: Partial<Caller> | undefined) {
    const headers: Record<string, unknown> = {};
    const request = { user: caller, ip: '203.0.113.9', headers: {} };
    // Header names are case-insensitive; fastify sends them all in lower case.
    const reply = { header: (name: string, value: unknown) => (headers[name.toLowerCase()] = value) };
    const inherited = route === 'inherited plain';
    const context = {
      getClass: () => (inherited ? InheritingController : RoutesController),
      getHandler: () => RoutesController.prototype[inherited ? 'plain' : route],
      getArgByIndex: (index: number) => [request, reply][index],
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
    } as unknown as ExecutionContext;
    return { context, headers };
  }

  async function outcome(decision: () => Promise<boolean>) {
    try {
      return { allowed: await decision() };
    } catch (error) {
      return { refused: error instanceof ThrottlerException ? [error.getStatus(), error.message] : error };
    }
  }

  it("allows, counts, blocks and sets headers as the library's own guard does, on every route and caller", async () => {
    const callers = fc.constantFrom<Partial<Caller> | undefined>({ clientId: 'channel-a', subject: 'u1' }, { subject: 'u2' }, undefined);
    const requests = fc.array(fc.record({ after: fc.integer({ min: 0, max: 900 }), route: fc.constantFrom(...routes), caller: callers }), { maxLength: 60 });
    await fc.assert(
      fc.asyncProperty(requests, async (sequence) => {
        const ourStorage = new MemoryThrottlerStorage();
        const libraryStorage = new MemoryThrottlerStorage();
        const ours = await guardWith(ourStorage);
        const library = await guardWith(libraryStorage);
        try {
          for (const { after, route, caller } of sequence) {
            now += after;
            const mine = requestTo(route, caller);
            const theirs = requestTo(route, caller);
            const expected = await outcome(() => ThrottlerGuard.prototype.canActivate.call(library, theirs.context));
            expect(await outcome(() => ours.canActivate(mine.context))).toEqual(expected);
            expect(mine.headers).toEqual(theirs.headers);
          }
        } finally {
          await ourStorage.onApplicationShutdown();
          await libraryStorage.onApplicationShutdown();
        }
      }),
      { numRuns: 200 },
    );
  });

  it("answers fixed limits without the library's chain, and leaves limits computed per request to it", async () => {
    const storage = new MemoryThrottlerStorage();
    const guard = await guardWith(storage);
    const library = jest.spyOn(ThrottlerGuard.prototype, 'canActivate');
    try {
      await expect(guard.canActivate(requestTo('plain', { clientId: 'channel-a' }).context)).resolves.toBe(true);
      expect(library).not.toHaveBeenCalled();
      await expect(guard.canActivate(requestTo('perRequest', { clientId: 'channel-a' }).context)).resolves.toBe(true);
      expect(library).toHaveBeenCalledTimes(1);
    } finally {
      await storage.onApplicationShutdown();
    }
  });
});
