import { ExecutionContext, Injectable } from '@nestjs/common';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerException,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { THROTTLER_BLOCK_DURATION, THROTTLER_KEY_GENERATOR, THROTTLER_LIMIT, THROTTLER_SKIP, THROTTLER_TRACKER, THROTTLER_TTL } from '@nestjs/throttler/dist/throttler.constants';
import type { Caller } from '../auth/caller';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { RouteMetadata } from './route-metadata';

/** One throttler as a route uses it, every setting resolved. */
interface RouteThrottler {
  skip: boolean;
  limit: number;
  ttl: number;
  blockDuration: number;
  setHeaders: boolean;
  /** The key without its tracker: generateKey's answer for an empty one. */
  keyPrefix: string;
  /** The library's header names for this throttler, in lower case as fastify sends every name. */
  headers: { limit: string; remaining: string; reset: string; retryAfter: string };
}

const ALLOWED = Promise.resolve(true);

/**
 * Rate limits per client: the token's client id, else its subject, else (for
 * public routes) the address. Runs after the access-token guard, so a caller
 * is known; 429 answers carry Retry-After.
 *
 * Where nothing about a route's limits depends on the request (no setting
 * computed per request, no skipIf or user-agent list, the keys and trackers
 * below) and the counters are in this process, it answers from settings
 * resolved once per route, without the library's chain of promises (seven
 * awaits a request); otherwise, as with Redis counters, the library decides.
 * Either way the counts, headers and 429s are the library's (the spec runs
 * both on the same requests).
 */
@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  /** controller class -> handler -> its throttlers (a handler inherited by two controllers is two routes, with two keys) */
  private readonly routes = new WeakMap<object, WeakMap<object, readonly RouteThrottler[] | null>>();

  constructor(@InjectThrottlerOptions() options: ThrottlerModuleOptions, @InjectThrottlerStorage() storage: ThrottlerStorage, routes: RouteMetadata) {
    super(options, storage, routes);
  }

  override canActivate(context: ExecutionContext): Promise<boolean> {
    const storage = this.storageService;
    const throttlers = storage instanceof MemoryThrottlerStorage && this.resolvedFor(context);
    if (!throttlers) return super.canActivate(context);
    const tracker = trackerOf(context.getArgByIndex(0));
    const reply = context.getArgByIndex(1);
    for (const throttler of throttlers) {
      if (throttler.skip) continue;
      const { limit, ttl, blockDuration, headers } = throttler;
      const { totalHits, timeToExpire, isBlocked, timeToBlockExpire } = storage.hit(throttler.keyPrefix + tracker, ttl, limit, blockDuration);
      if (isBlocked) {
        if (throttler.setHeaders) this.setResponseHeader(reply, headers.retryAfter, timeToBlockExpire);
        return Promise.reject(new ThrottlerException(this.errorMessage));
      }
      if (throttler.setHeaders) {
        this.setResponseHeader(reply, headers.limit, limit);
        this.setResponseHeader(reply, headers.remaining, Math.max(0, limit - totalHits));
        this.setResponseHeader(reply, headers.reset, timeToExpire);
      }
    }
    return ALLOWED;
  }

  protected override async getTracker(request: { user?: Caller; ip?: string }): Promise<string> {
    return trackerOf(request);
  }

  /**
   * The library's key (route handler, throttler, tracker) in plain text: it
   * hashes the same parts with SHA-256 on every request, for keys that never
   * leave this process or our Redis.
   */
  protected override generateKey(context: ExecutionContext, tracker: string, throttler: string): string {
    return `${context.getClass().name}-${context.getHandler().name}-${throttler}-${tracker}`;
  }

  /** The route's throttlers with the settings the library would work out, or null where a request could change them. */
  private resolvedFor(context: ExecutionContext): readonly RouteThrottler[] | null {
    const controller = context.getClass();
    let byHandler = this.routes.get(controller);
    if (!byHandler) this.routes.set(controller, (byHandler = new WeakMap()));
    const handler = context.getHandler();
    let resolved = byHandler.get(handler);
    if (resolved === undefined) byHandler.set(handler, (resolved = this.resolve(context)));
    return resolved;
  }

  private resolve(context: ExecutionContext): readonly RouteThrottler[] | null {
    const options: Partial<Exclude<ThrottlerModuleOptions, unknown[]>> = Array.isArray(this.options) ? {} : this.options;
    if (options.errorMessage !== undefined || options.getTracker || options.generateKey) return null;
    if (this.commonOptions.skipIf || this.commonOptions.ignoreUserAgents?.length) return null;
    const targets = [context.getHandler(), context.getClass()];
    const routeSetting = (key: string, throttler: ThrottlerOptions) => this.reflector.getAllAndOverride<unknown>(key + throttler.name, targets);
    const resolved: RouteThrottler[] = [];
    for (const throttler of this.throttlers) {
      if (throttler.skipIf || throttler.ignoreUserAgents?.length || throttler.getTracker || throttler.generateKey) return null;
      if (routeSetting(THROTTLER_TRACKER, throttler) || routeSetting(THROTTLER_KEY_GENERATOR, throttler)) return null;
      const limit = fixedNumber(routeSetting(THROTTLER_LIMIT, throttler) ?? throttler.limit);
      const ttl = fixedNumber(routeSetting(THROTTLER_TTL, throttler) ?? throttler.ttl);
      const blockDuration = fixedNumber(routeSetting(THROTTLER_BLOCK_DURATION, throttler) ?? throttler.blockDuration ?? ttl);
      if (limit === undefined || ttl === undefined || blockDuration === undefined) return null;
      const name = throttler.name ?? 'default';
      const suffix = name === 'default' ? '' : `-${name}`;
      const header = (base: string) => `${base}${suffix}`.toLowerCase();
      resolved.push({
        skip: Boolean(routeSetting(THROTTLER_SKIP, throttler)),
        limit,
        ttl,
        blockDuration,
        setHeaders: throttler.setHeaders ?? this.commonOptions.setHeaders ?? true,
        keyPrefix: this.generateKey(context, '', name),
        headers: {
          limit: header(`${this.headerPrefix}-Limit`),
          remaining: header(`${this.headerPrefix}-Remaining`),
          reset: header(`${this.headerPrefix}-Reset`),
          retryAfter: header('Retry-After'),
        },
      });
    }
    return resolved;
  }
}

function trackerOf(request: { user?: Caller; ip?: string }): string {
  const caller = request.user;
  if (caller?.clientId) return `client:${caller.clientId}`;
  if (caller?.subject) return `subject:${caller.subject}`;
  return `ip:${request.ip ?? 'unknown'}`;
}

/** A setting as the library's toNumber reads it, or undefined when it is computed per request or not a number (the library's path reports that). */
function fixedNumber(value: unknown): number | undefined {
  if (typeof value === 'function') return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && !Number.isNaN(number) ? number : undefined;
}
