import { Injectable, Type } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Caller } from '../../common/auth/caller';
import { wireNamesOf } from '../../common/http/wire-schema';
import { CreateEventBase } from './dto/create-event.dto';
import { EventKind, renderedMembersOf } from './event-kind';
import { DETAIL_MEMBERS, EventPresenter, WireObject } from './event.presenter';
import { EventXmlFlattener, EventXmlRenderer } from './event-xml';
import { EventsService, RegistrationResult } from './events.service';

export interface EventKindOperations {
  readonly kind: EventKind;
  detail(eventId: number, caller: Caller, include?: string, trim?: string): Promise<WireObject>;
  register(body: CreateEventBase, caller: Caller, idempotencyKey: string | null): Promise<RegistrationResult>;
}

/**
 * The service of one kind: its detail (the common detail plus the kind's own
 * members) and its registration (the event and its kind row in one
 * statement). A kind module only names its kind.
 */
export function EventKindService(kind: EventKind): Type<EventKindOperations> {
  const memberNames = [...wireNamesOf(kind.members)];
  const detailMembers = [...DETAIL_MEMBERS, ...memberNames.map(([wire]) => wire)];
  const requestNames = renderedMembersOf(kind);

  @Injectable()
  class KindService implements EventKindOperations {
    readonly kind = kind;
    private readonly kindColumns: string[];

    constructor(
      readonly events: EventsService,
      readonly presenter: EventPresenter,
      readonly flattener: EventXmlFlattener,
      readonly renderer: EventXmlRenderer,
      @InjectDataSource() dataSource: DataSource,
    ) {
      this.kindColumns = dataSource
        .getMetadata(kind.entity)
        .columns.filter((column) => !column.isPrimary)
        .map((column) => column.propertyName);
    }

    async detail(eventId: number, caller: Caller, include?: string, trim?: string): Promise<WireObject> {
      const shape = this.presenter.parseShape(include, trim, detailMembers);
      const { event, kindValues } = await this.events.findVisible(eventId, caller, kind);
      const members: WireObject = {};
      // A kind's member is on its own row, or else on the event (workitem-id).
      const source = (property: string) => (property in kindValues ? kindValues[property] : (event as unknown as Record<string, unknown>)[property]);
      for (const [wire, property] of memberNames) members[wire] = source(property) ?? null;
      return this.presenter.detail(event, shape, members);
    }

    async register(body: CreateEventBase, caller: Caller, idempotencyKey: string | null): Promise<RegistrationResult> {
      const values = body as unknown as Record<string, unknown>;
      if (body.eventDataXml != null) this.flattener.assertValid(body.eventDataXml);
      const eventDataXml =
        body.eventDataXml ??
        this.renderer.render(`${kind.name}-event`, requestNames.map(([wire, property]) => [wire, values[property]]));
      return this.events.register(
        {
          customerNumber: body.customerNumber,
          eventKind: kind.eventKind,
          description: body.description ?? null,
          eventDataXml,
          workitemId: (values.workitemId as string | undefined) ?? null,
          idempotencyKey,
          canonicalBody: { ...values },
          kind: { entity: kind.entity, values: Object.fromEntries(this.kindColumns.map((column) => [column, values[column] ?? null])) },
        },
        caller,
      );
    }
  }
  return KindService;
}
