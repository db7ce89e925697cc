import { Type } from '@nestjs/common';
import { IntersectionType } from '@nestjs/swagger';
import { CreateEventBase } from './dto/create-event.dto';
import { EventDetailDto } from './dto/event-detail.dto';
import { wireNamesOf } from '../../common/http/wire-schema';
import { KindDetailsEntity } from './kind-details.entity';

/** What a kind folder declares; everything else about a kind is shared. */
export interface EventKindDeclaration {
  /** Short name, used in routes (`{name}-events`) and in the `event-kind` filter. */
  name: string;
  /** Other spellings accepted in routes and filters, e.g. `chargeable-activity`. */
  aliases?: string[];
  /** The `event-kind` value its events carry, e.g. `CommunicationEvent`. */
  eventKind: string;
  /** Swagger tag and the word used in messages. */
  title: string;
  description: string;
  entity: Type<KindDetailsEntity>;
  /** The kind's own members (with @Member); shared by its request and response schemas. */
  members: Type<object>;
}

export interface EventKind extends EventKindDeclaration {
  /** Schema-named classes, distinct per kind so Swagger and the validation pipe see each one. */
  createDto: Type<CreateEventBase>;
  detailDto: Type<EventDetailDto>;
  /** `CommunicationEvent` -> `Communication` (class and operation names). */
  pascalName: string;
}

export function defineEventKind(declaration: EventKindDeclaration): EventKind {
  const pascalName = declaration.eventKind.replace(/Event$/, '');
  return {
    ...declaration,
    pascalName,
    createDto: named(IntersectionType(CreateEventBase, declaration.members), `Create${pascalName}Event`),
    detailDto: named(IntersectionType(EventDetailDto, declaration.members), `${pascalName}EventDetail`),
  };
}

function named<T extends Type<unknown>>(type: T, name: string): T {
  Object.defineProperty(type, 'name', { value: name });
  return type;
}

/**
 * The members a registration without a payload renders into its XML, in the
 * request schema's order, as [wire name, property name].
 */
export function renderedMembersOf(kind: Pick<EventKind, 'createDto'>): [string, string][] {
  return [...wireNamesOf(kind.createDto)].filter(([wire]) => wire !== 'event-data-xml');
}
