import { ExecutionContext, Injectable } from '@nestjs/common';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';
import type { Caller } from '../auth/caller';
import { RouteMetadata } from './route-metadata';

/**
 * Rate limits per client: the token's client id, else its subject, else (for
 * public routes) the address. Runs after the access-token guard, so a caller
 * is known; 429 answers carry Retry-After.
 */
@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  constructor(@InjectThrottlerOptions() options: ThrottlerModuleOptions, @InjectThrottlerStorage() storage: ThrottlerStorage, routes: RouteMetadata) {
    super(options, storage, routes);
  }

  protected override async getTracker(request: { user?: Caller; ip?: string }): Promise<string> {
    const caller = request.user;
    if (caller?.clientId) return `client:${caller.clientId}`;
    if (caller?.subject) return `subject:${caller.subject}`;
    return `ip:${request.ip ?? 'unknown'}`;
  }

  /**
   * The library's key (route handler, throttler, tracker) in plain text: it
   * hashes the same parts with SHA-256 on every request, for keys that never
   * leave this process or our Redis.
   */
  protected override generateKey(context: ExecutionContext, tracker: string, throttler: string): string {
    return `${context.getClass().name}-${context.getHandler().name}-${throttler}-${tracker}`;
  }
}
