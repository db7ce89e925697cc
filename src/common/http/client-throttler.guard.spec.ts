import type { ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { ClientThrottlerGuard } from './client-throttler.guard';

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
