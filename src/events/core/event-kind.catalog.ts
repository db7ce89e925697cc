import { Inject, Injectable } from '@nestjs/common';
import { ValidationProblem } from '../../common/errors/problem.exception';
import { EventKind } from './event-kind';

export const EVENT_KINDS = Symbol('EVENT_KINDS');

/** Any `event-kind` a channel may register: PascalCase ending in `Event` (`SecurtyEvent`, `DeviceEvent`). */
export const EVENT_KIND_PATTERN = /^[A-Z][A-Za-z0-9]{0,58}Event$/;

/** The registered kinds, looked up by short name, alias or `event-kind` value. */
@Injectable()
export class EventKindCatalog {
  private readonly byName = new Map<string, EventKind>();

  constructor(@Inject(EVENT_KINDS) readonly kinds: readonly EventKind[]) {
    for (const kind of kinds) {
      for (const name of [kind.name, ...(kind.aliases ?? [])]) this.byName.set(name, kind);
    }
  }

  /** The `event-kind` filter: a comma list of short kind names and exact `event-kind` values. */
  resolveFilter(filter: string): string[] {
    const values = new Set<string>();
    for (const token of filter.split(',').map((part) => part.trim())) {
      const kind = this.byName.get(token.toLowerCase());
      if (kind) values.add(kind.eventKind);
      else if (EVENT_KIND_PATTERN.test(token)) values.add(token);
      else
        throw new ValidationProblem([
          {
            tag: 'event-kind',
            error: 'unknown-enum',
            message: `'event-kind' value '${token.slice(0, 64)}' is neither a kind (${[...this.byName.keys()].join(', ')}) nor an event-kind value such as 'SecurtyEvent'`,
          },
        ]);
    }
    return [...values];
  }

  /** A kind-specific event-kind such as `CommunicationEvent` must be registered through its own route. */
  isKindSpecific(eventKind: string): boolean {
    return this.kinds.some((kind) => kind.eventKind === eventKind);
  }
}
