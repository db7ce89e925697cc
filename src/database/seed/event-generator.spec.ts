import { getMetadataArgsStorage } from 'typeorm';
import { Caller } from '../../common/auth/caller';
import { WireValidationPipe } from '../../common/http/wire-validation.pipe';
import { wireNamesOf } from '../../common/http/wire-schema';
import { CreateEventBase } from '../../events/core/dto/create-event.dto';
import { EventKindService } from '../../events/core/event-kind.service';
import { EventXmlFlattener, EventXmlRenderer, unpackKeyValues } from '../../events/core/event-xml';
import { Registration } from '../../events/core/events.service';
import { EVENT_KINDS } from '../../events/event-kinds';
import {
  centralEuropeanTime,
  EventGenerator,
  SECURITY_EVENT_KIND,
  SEED_WINDOW_MS,
  SeedEvent,
  SeedPlan,
  take,
  TUTORIAL_CUSTOMER,
} from './event-generator';
import { KIND_SAMPLES } from './kind-samples';

const UNTIL = Date.UTC(2026, 0, 1);
const plan = (overrides: Partial<SeedPlan> = {}): SeedPlan => ({
  seed: 7,
  customers: 20,
  eventsPerCustomer: 50,
  tutorialCustomer: false,
  until: UNTIL,
  ...overrides,
});
const generate = (overrides: Partial<SeedPlan> = {}) => [...new EventGenerator(EVENT_KINDS, plan(overrides)).events()];
const plain = (event: SeedEvent) => ({ ...event, kind: event.kind?.eventKind ?? null });
const byCustomer = (events: SeedEvent[]) => {
  const groups = new Map<string, SeedEvent[]>();
  for (const event of events) groups.set(event.customerNumber, [...(groups.get(event.customerNumber) ?? []), event]);
  return groups;
};

describe('EventGenerator', () => {
  describe('determinism', () => {
    it('gives the same events for the same plan', () => {
      expect(generate().map(plain)).toEqual(generate().map(plain));
    });

    it('gives different events for another seed', () => {
      const [a, b] = [generate({ seed: 1 }), generate({ seed: 2 })];
      expect(a[0].customerNumber).not.toEqual(b[0].customerNumber);
      expect(a.map((event) => event.eventDataXml)).not.toEqual(b.map((event) => event.eventDataXml));
    });

    it("keeps a customer's events independent of how many customers the run has", () => {
      const few = generate({ customers: 3 });
      const many = generate({ customers: 8 });
      expect(many.slice(0, few.length).map(plain)).toEqual(few.map(plain));
    });
  });

  describe('customers', () => {
    it('yields customers × events-per-customer events, customer by customer', () => {
      const events = generate({ customers: 12, eventsPerCustomer: 30 });
      expect(events).toHaveLength(360);
      const groups = byCustomer(events);
      expect(groups.size).toBe(12);
      for (const group of groups.values()) expect(group).toHaveLength(30);
      const order = events.map((event) => event.customerNumber).filter((number, index, all) => number !== all[index - 1]);
      expect(order).toHaveLength(12);
    });

    it('uses distinct 7-digit customer numbers and never the tutorial customer', () => {
      const generator = new EventGenerator(EVENT_KINDS, plan({ customers: 200_000 }));
      const numbers = [...generator.customerNumbers()];
      expect(numbers).toHaveLength(200_000);
      expect(new Set(numbers).size).toBe(200_000);
      expect(numbers.every((number) => /^[1-9]\d{6}$/.test(number))).toBe(true);
      expect(numbers).not.toContain(TUTORIAL_CUSTOMER.customerNumber);
    });

    it('creates the tutorial customer first, with exactly its event count and logins on its first page', () => {
      const generator = new EventGenerator(EVENT_KINDS, plan({ customers: 2, eventsPerCustomer: 10, tutorialCustomer: true }));
      const events = [...generator.events()];
      expect(generator.total).toBe(TUTORIAL_CUSTOMER.events + 20);
      expect(events).toHaveLength(generator.total);
      const tutorial = byCustomer(events).get(TUTORIAL_CUSTOMER.customerNumber)!;
      expect(tutorial).toHaveLength(2298);
      expect(events[0].customerNumber).toBe('1400269');
      expect(tutorial.slice(-20).every((event) => event.eventKind === SECURITY_EVENT_KIND && event.description === null)).toBe(true);
    });

    it('refuses plans it cannot honour', () => {
      expect(() => new EventGenerator(EVENT_KINDS, plan({ seed: -1 }))).toThrow(/seed/);
      expect(() => new EventGenerator(EVENT_KINDS, plan({ customers: 1.5 }))).toThrow(/customers/);
      expect(() => new EventGenerator(EVENT_KINDS, plan({ eventsPerCustomer: 0 }))).toThrow(/events per customer/);
    });
  });

  describe('creation-datetime', () => {
    const events = generate({ customers: 40, eventsPerCustomer: 200 });

    it('falls in the three years before `until`, in time order per customer', () => {
      for (const group of byCustomer(events).values()) {
        for (let index = 0; index < group.length; index++) {
          expect(group[index].creationDatetime).toBeGreaterThanOrEqual(UNTIL - SEED_WINDOW_MS);
          expect(group[index].creationDatetime).toBeLessThan(UNTIL);
          if (index > 0) expect(group[index].creationDatetime).toBeGreaterThanOrEqual(group[index - 1].creationDatetime);
        }
      }
    });

    it('spreads over the whole window', () => {
      const years = new Set(events.map((event) => Math.floor((UNTIL - event.creationDatetime) / (SEED_WINDOW_MS / 3))));
      expect([...years].sort()).toEqual([0, 1, 2]);
    });

    it('registers some events of a customer in the same millisecond', () => {
      const ties = events.filter(
        (event, index) => index > 0 && event.customerNumber === events[index - 1].customerNumber && event.creationDatetime === events[index - 1].creationDatetime,
      );
      expect(ties.length / events.length).toBeGreaterThan(0.01);
      expect(ties.length / events.length).toBeLessThan(0.1);
    });
  });

  describe('kinds', () => {
    const events = generate({ customers: 30, eventsPerCustomer: 100 });

    it('has samples for every registered kind', () => {
      for (const kind of EVENT_KINDS) expect(KIND_SAMPLES[kind.eventKind]).toBeDefined();
    });

    it('yields every kind and logins, logins most often', () => {
      const counts = new Map<string, number>();
      for (const event of events) counts.set(event.eventKind, (counts.get(event.eventKind) ?? 0) + 1);
      expect([...counts.keys()].sort()).toEqual([SECURITY_EVENT_KIND, ...EVENT_KINDS.map((kind) => kind.eventKind)].sort());
      expect(Math.max(...counts.values())).toBe(counts.get(SECURITY_EVENT_KIND));
    });

    it('gives communications workitem-ids unique per customer, and no other event one', () => {
      for (const group of byCustomer(events).values()) {
        const ids = group.filter((event) => event.workitemId !== null).map((event) => event.workitemId);
        expect(new Set(ids).size).toBe(ids.length);
      }
      expect(events.every((event) => (event.workitemId !== null) === (event.eventKind === 'CommunicationEvent'))).toBe(true);
    });

    it.each(EVENT_KINDS.map((kind) => [kind.eventKind, kind] as const))(
      '%s: every body is a registration the API accepts, stored exactly as the service stores it',
      async (_, kind) => {
        const wireOf = new Map([...wireNamesOf(kind.createDto)].map(([wire, property]) => [property, wire]));
        const stored: Registration[] = [];
        const events = { register: async (registration: Registration) => (stored.push(registration), { event: { eventId: 1, workitemId: null }, created: true }) };
        const ownColumns = getMetadataArgsStorage().columns.filter((column) => column.target === kind.entity).map((column) => ({ propertyName: column.propertyName, isPrimary: false }));
        const dataSource = { getMetadata: () => ({ columns: ownColumns }) };
        const KindService = EventKindService(kind);
        const service = new KindService(events as never, null as never, null as never, new EventXmlRenderer(), dataSource as never);
        const caller: Caller = { subject: 'seed', scopes: new Set() };

        const samples = generate({ customers: 10, eventsPerCustomer: 300 }).filter((event) => event.eventKind === kind.eventKind);
        expect(samples.length).toBeGreaterThan(20);
        for (const event of samples) {
          const wireBody = Object.fromEntries(Object.entries(event.body!).map(([property, value]) => [wireOf.get(property) ?? property, value]));
          const validated = new WireValidationPipe(kind.createDto).transform(wireBody, { type: 'body' }) as CreateEventBase;
          await service.register(validated, caller, null);
          const registration = stored.pop()!;
          expect(event).toMatchObject({
            customerNumber: registration.customerNumber,
            eventKind: registration.eventKind,
            description: registration.description,
            eventDataXml: registration.eventDataXml,
            workitemId: registration.workitemId,
          });
          const kindValues = Object.fromEntries(ownColumns.map(({ propertyName }) => [propertyName, event.body![propertyName] ?? null]));
          expect(kindValues).toEqual(registration.kind!.values);
        }
      },
    );

    it('gives every event the key-values the service stores for its XML (what flattening it gives)', () => {
      const flattener = new EventXmlFlattener({ xmlMaxBytes: 256 * 1024, xmlMaxDepth: 32 });
      for (const event of events) {
        expect(unpackKeyValues(JSON.parse(JSON.stringify(event.eventDataKeyValues)))).toEqual(flattener.flatten(event.eventDataXml));
      }
    });

    it("renders logins like the tutorial's customer-login payload", () => {
      const flattener = new EventXmlFlattener({ xmlMaxBytes: 256 * 1024, xmlMaxDepth: 32 });
      const logins = events.filter((event) => event.eventKind === SECURITY_EVENT_KIND);
      for (const login of logins.slice(0, 200)) {
        flattener.assertValid(login.eventDataXml);
        const entries = flattener.flatten(login.eventDataXml);
        expect(entries.map((entry) => [entry.parentKey, entry.key])).toEqual(
          ['customer-id', 'event-id', 'occured-on', 'user-id', 'login-type', 'channel'].map((key) => ['customer-login', key]),
        );
        const value = Object.fromEntries(entries.map((entry) => [entry.key, entry.value]));
        expect(value['customer-id']).toBe(login.customerNumber);
        expect(value['event-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(value['occured-on']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+0[12]:00$/);
        expect(Date.parse(value['occured-on'])).toBeLessThan(login.creationDatetime);
        expect(value['user-id']).toMatch(/^800\d{7}$/);
        expect(value['login-type']).toBe('authorization-code');
        expect(['mobile', 'web']).toContain(value.channel);
        expect(login.description).toBeNull();
        expect(login.kind).toBeNull();
      }
    });
  });
});

describe('centralEuropeanTime', () => {
  it.each([
    ['2014-10-10T10:34:28.203Z', '063', '2014-10-10T12:34:28.203063+02:00'], // the tutorial's example, summer time
    ['2025-01-15T09:00:00.000Z', '000', '2025-01-15T10:00:00.000000+01:00'],
    ['2025-03-30T00:59:59.999Z', '000', '2025-03-30T01:59:59.999000+01:00'], // one millisecond before the clocks go forward
    ['2025-03-30T01:00:00.000Z', '000', '2025-03-30T03:00:00.000000+02:00'],
    ['2025-10-26T00:59:59.999Z', '000', '2025-10-26T02:59:59.999000+02:00'],
    ['2025-10-26T01:00:00.000Z', '000', '2025-10-26T02:00:00.000000+01:00'],
  ])('%s is %s', (utc, microseconds, local) => {
    expect(centralEuropeanTime(Date.parse(utc), microseconds)).toBe(local);
  });
});

describe('take', () => {
  it('takes the next items of an iterator, fewer at its end, leaving the rest', () => {
    const source = [1, 2, 3, 4, 5, 6, 7][Symbol.iterator]();
    expect([...take(source, 3)]).toEqual([1, 2, 3]);
    expect([...take(source, 3)]).toEqual([4, 5, 6]);
    expect([...take(source, 3)]).toEqual([7]);
    expect([...take(source, 3)]).toEqual([]);
  });
});
