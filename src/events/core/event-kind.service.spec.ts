import { Column, DataSource, Entity } from 'typeorm';
import { Member } from '../../common/http/wire-member.decorator';
import { wireNamesOf } from '../../common/http/wire-schema';
import type { Caller } from '../../common/auth/caller';
import { defineEventKind } from './event-kind';
import { EventKindCatalog } from './event-kind.catalog';
import { EventKindService } from './event-kind.service';
import { EventEntity } from './event.entity';
import { EventPresenter } from './event.presenter';
import { EventXmlFlattener, EventXmlRenderer } from './event-xml';
import { EventsService, Registration } from './events.service';
import { KindDetailsEntity } from './kind-details.entity';

/** A small fake eighth kind: the core must serve it with nothing but this declaration. */
@Entity({ name: 'parcel_event' })
class ParcelEventEntity extends KindDetailsEntity {
  @Column({ type: 'varchar', length: 40, nullable: true })
  trackingCode: string | null;
}

class ParcelMembers {
  @Member('tracking-code', { required: true, maxLength: 40 })
  trackingCode: string;
}

const parcelKind = defineEventKind({
  name: 'parcel',
  eventKind: 'ParcelEvent',
  title: 'Parcel',
  description: 'Parcels sent to the customer',
  entity: ParcelEventEntity,
  members: ParcelMembers,
});

const caller: Caller = { subject: 'tester', scopes: new Set() };

describe('defineEventKind', () => {
  it('gives the kind schema-named request and response classes with the common and its own wire members', () => {
    expect(parcelKind.createDto.name).toBe('CreateParcelEvent');
    expect(parcelKind.detailDto.name).toBe('ParcelEventDetail');
    expect([...wireNamesOf(parcelKind.createDto).keys()]).toEqual(['customer-number', 'description', 'event-data-xml', 'tracking-code']);
  });
});

describe('EventKindCatalog', () => {
  const catalog = new EventKindCatalog([parcelKind]);

  it('resolves short names and exact event-kind values, and refuses anything else naming event-kind', () => {
    expect(catalog.resolveFilter('parcel,SecurtyEvent,parcel')).toEqual(['ParcelEvent', 'SecurtyEvent']);
    expect(() => catalog.resolveFilter('unknown')).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ tag: 'event-kind', error: 'unknown-enum' })] }));
  });
});

describe('EventKindService (the core, serving a fake kind)', () => {
  const registered: Registration[] = [];
  const stored = Object.assign(new EventEntity(), {
    customerNumber: '7',
    eventId: 11,
    eventKind: 'ParcelEvent',
    creationDatetime: new Date('2014-10-10T12:34:36.690Z'),
    description: null,
    eventDataXml: '<parcel-event><tracking-code>TC1</tracking-code></parcel-event>',
    workitemId: null,
  });
  const events = {
    register: async (registration: Registration) => {
      registered.push(registration);
      return { event: { eventId: 11, workitemId: null }, created: true };
    },
    findVisible: async (eventId: number, _: Caller, kind?: { eventKind: string }) => {
      expect([eventId, kind?.eventKind]).toEqual([11, 'ParcelEvent']);
      return { event: stored, kindValues: { trackingCode: 'TC1' } };
    },
  } as unknown as EventsService;
  const dataSource = new DataSource({ type: 'postgres', entities: [EventEntity, ParcelEventEntity] });
  const flattener = new EventXmlFlattener({ xmlMaxBytes: 1024, xmlMaxDepth: 8 });
  const ParcelService = EventKindService(parcelKind);
  let service: InstanceType<typeof ParcelService>;

  beforeAll(async () => {
    // Entity metadata only; no connection is opened.
    await (dataSource as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();
    service = new ParcelService(events, new EventPresenter(flattener), flattener, new EventXmlRenderer(), dataSource);
  });

  it('registers the event with XML rendered from the body and the kind row from its own columns', async () => {
    await service.register({ customerNumber: '7', description: 'x & y', trackingCode: 'TC1' } as never, caller, 'key-1');
    expect(registered.at(-1)).toMatchObject({
      customerNumber: '7',
      eventKind: 'ParcelEvent',
      description: 'x & y',
      eventDataXml: '<parcel-event><customer-number>7</customer-number><description>x &amp; y</description><tracking-code>TC1</tracking-code></parcel-event>',
      workitemId: null,
      idempotencyKey: 'key-1',
      kind: { entity: ParcelEventEntity, values: { trackingCode: 'TC1' } },
    });
  });

  it('keeps a payload the client sent, after checking it', async () => {
    await service.register({ customerNumber: '7', trackingCode: 'TC1', eventDataXml: '<p><t>1</t></p>' } as never, caller, null);
    expect(registered.at(-1)?.eventDataXml).toBe('<p><t>1</t></p>');
    await expect(service.register({ customerNumber: '7', trackingCode: 'TC1', eventDataXml: '<p>' } as never, caller, null)).rejects.toMatchObject({
      status: 400,
    });
  });

  it('shows the common detail plus the kind members, shaped by trim', async () => {
    const detail = await service.detail(11, caller, undefined, 'event-data-xml');
    expect(detail).toEqual({
      'event-id': 11,
      'creation-datetime': '2014-10-10T12:34:36.690Z',
      description: null,
      'event-kind': 'ParcelEvent',
      'tracking-code': 'TC1',
      'event-data-key-values': [{ 'event-data-xml-parent-key': 'parcel-event', 'event-data-xml-key': 'tracking-code', 'event-data-xml-value': 'TC1' }],
    });
  });
});
