import { Injectable } from '@nestjs/common';
import { ValidationProblem } from '../../common/errors/problem.exception';
import { EventEntity } from './event.entity';
import { EventXmlFlattener, unpackKeyValues, XmlKeyValue } from './event-xml';

export type WireObject = Record<string, unknown>;

/** Members a read adds only when asked with `include`. */
export const OPTIONAL_LIST_MEMBERS = ['event-data-xml', 'event-data-key-values'] as const;

export interface Shape {
  include: ReadonlySet<string>;
  trim: ReadonlySet<string>;
}

const PLAIN_SHAPE: Shape = { include: new Set(), trim: new Set() };

/**
 * Turns stored events into their wire form (kebab-case members) and applies
 * `include`/`trim`. Responses are built as plain objects: the DTO classes
 * document them, and nothing per request pays for class-transformer.
 */
@Injectable()
export class EventPresenter {
  constructor(private readonly flattener: EventXmlFlattener) {}

  /** Parses `include` and `trim`; unknown names are a 400 naming the parameter. */
  parseShape(include: string | undefined, trim: string | undefined, members: readonly string[]): Shape {
    // Most reads ask for neither: one shared answer, nothing built per request.
    if (!include && !trim) return PLAIN_SHAPE;
    const includable = new Set<string>(OPTIONAL_LIST_MEMBERS);
    const trimmable = new Set<string>([...members, ...OPTIONAL_LIST_MEMBERS]);
    const names = (value: string | undefined, tag: string, allowed: Set<string>) => {
      const list = (value ?? '').split(',').filter((name) => name.length > 0);
      const expanded = tag === 'include' && list.includes('*') ? [...allowed] : list;
      const unknown = expanded.filter((name) => !allowed.has(name));
      if (unknown.length > 0) {
        throw new ValidationProblem([
          {
            tag,
            error: 'unknown-enum',
            message: `'${tag}' names unknown members (${unknown.join(', ')}); known: ${[...allowed].join(', ')}${tag === 'include' ? ', *' : ''}`,
          },
        ]);
      }
      return new Set(expanded);
    };
    const trimmed = names(trim, 'trim', trimmable);
    trimmed.delete('event-id'); // the identity always stays
    return { include: names(include, 'include', includable), trim: trimmed };
  }

  summary(event: EventEntity, eventsRoot: string, shape: Shape): WireObject {
    const item: WireObject = { ...this.common(event), uri: `${eventsRoot}/${event.eventId}` };
    if (shape.include.has('event-data-xml')) item['event-data-xml'] = event.eventDataXml;
    if (shape.include.has('event-data-key-values')) item['event-data-key-values'] = this.keyValues(event);
    return applyTrim(item, shape);
  }

  detail(event: EventEntity, shape: Shape, kindMembers: WireObject = {}): WireObject {
    const detail: WireObject = { ...this.common(event), ...kindMembers, 'event-data-xml': event.eventDataXml };
    if (!shape.trim.has('event-data-key-values')) detail['event-data-key-values'] = this.keyValues(event);
    return applyTrim(detail, shape);
  }

  private common(event: EventEntity): WireObject {
    return {
      'event-id': event.eventId,
      'creation-datetime': event.creationDatetime.toISOString(),
      description: event.description,
      'event-kind': event.eventKind,
    };
  }

  /** The entries stored at registration; an event stored without them (before the column) is flattened now. */
  private keyValues(event: EventEntity): WireObject[] {
    const entries = event.eventDataKeyValues ? unpackKeyValues(event.eventDataKeyValues) : this.flattener.flatten(event.eventDataXml);
    return entries.map((entry: XmlKeyValue) => ({
      'event-data-xml-parent-key': entry.parentKey,
      'event-data-xml-key': entry.key,
      'event-data-xml-value': entry.value,
    }));
  }
}

function applyTrim(object: WireObject, shape: Shape): WireObject {
  for (const name of shape.trim) delete object[name];
  return object;
}

export const SUMMARY_MEMBERS = ['event-id', 'creation-datetime', 'description', 'event-kind', 'uri'];
export const DETAIL_MEMBERS = ['event-id', 'creation-datetime', 'description', 'event-kind', 'event-data-xml', 'event-data-key-values'];
