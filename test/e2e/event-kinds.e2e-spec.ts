import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EventXmlFlattener, unpackKeyValues } from '../../src/events/core/event-xml';
import { GENERIC_CASE, KIND_CASES, KindCase } from '../support/event-bodies';
import { databaseMode, startTestApp, TestApp, uniqueCustomer } from '../support/test-app';

const ALL_CASES: KindCase[] = [...KIND_CASES, GENERIC_CASE];

describe(`Every event kind, over HTTP (${databaseMode} database)`, () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp();
  });
  afterAll(async () => {
    await api?.close();
  });

  const register = (route: string, body: unknown, headers: Record<string, string> = {}, token?: string) =>
    api.request('POST', `/customer-event/${route}`, { body, headers, token });
  const countOf = async (customer: string) =>
    (await api.request('GET', `/customer-event/events?customer-number=${customer}&page-size=1`)).body['total-count'];

  describe.each(ALL_CASES)('$kind', (kase) => {
    it('registers, then shows the event in the list (also filtered by kind), its detail and its kind detail', async () => {
      const customer = uniqueCustomer();
      const suffix = randomUUID().slice(0, 8);
      const created = await register(kase.route, kase.body(customer, suffix));
      expect(created.status).toBe(200);
      expect(created.body.CreatedRecordStatus).toBe('Created');
      const location = created.headers.get('location')!;
      const eventId = Number(location.split('/').pop());
      expect(created.body.id).toBe(kase.kind === 'communication' ? `WI${suffix}` : String(eventId));
      expect(location).toBe(`${api.origin}/customer-event/v2.0/${kase.route}/${eventId}`);

      for (const filter of [kase.kind === 'generic' ? 'SecurtyEvent' : kase.kind, kase.eventKind]) {
        const list = await api.request('GET', `/customer-event/events?customer-number=${customer}&event-kind=${filter}`);
        expect(list.body.items.map((item: any) => item['event-id'])).toEqual([eventId]);
      }
      const otherKind = kase.kind === 'social' ? 'communication' : 'social';
      const filteredOut = await api.request('GET', `/customer-event/events?customer-number=${customer}&event-kind=${otherKind}`);
      expect(filteredOut.body['total-count']).toBe(0);

      const detail = await api.request('GET', `/customer-event/v2.0/events/${eventId}`);
      expect(detail.status).toBe(200);
      expect(detail.body['event-kind']).toBe(kase.eventKind);
      expect(typeof detail.body['event-data-xml']).toBe('string');
      expect(detail.body['event-data-key-values'].length).toBeGreaterThan(0);

      if (kase.kind !== 'generic') {
        const kindDetail = await api.request('GET', `/customer-event/${kase.route}/${eventId}`);
        expect(kindDetail.status).toBe(200);
        expect(kindDetail.body).toMatchObject({ 'event-id': eventId, 'event-kind': kase.eventKind, ...kase.expected(customer, suffix) });
        expect(detail.body['event-data-xml']).toMatch(new RegExp(`^<${kase.kind}-event><customer-number>${customer}</customer-number>`));
        expect(kindDetail.body['event-data-key-values']).toEqual(detail.body['event-data-key-values']);
      }
    });

    it('stores the key-values at registration, and answers with what flattening the stored XML gives', async () => {
      const customer = uniqueCustomer();
      const created = await register(kase.route, kase.body(customer, randomUUID().slice(0, 8)));
      const eventId = Number(created.headers.get('location')!.split('/').pop());
      const database = api.app.get(DataSource);
      const [row] = await database.query('SELECT event_data_xml, event_data_key_values FROM customer_event WHERE event_id = $1', [eventId]);
      const flattened = api.app.get(EventXmlFlattener).flatten(row.event_data_xml);
      expect(unpackKeyValues(JSON.parse(row.event_data_key_values))).toEqual(flattened);
      expect(flattened.length).toBeGreaterThan(0);

      const stored = await api.request('GET', `/customer-event/${kase.route}/${eventId}`);
      // An event from before the column (none stored) is flattened on read: the same answer.
      await database.query('UPDATE customer_event SET event_data_key_values = NULL WHERE event_id = $1', [eventId]);
      const flattenedOnRead = await api.request('GET', `/customer-event/${kase.route}/${eventId}`);
      expect(stored.status).toBe(200);
      expect(flattenedOnRead.body).toEqual(stored.body);
      expect(stored.body['event-data-key-values']).toEqual(
        flattened.map((entry) => ({ 'event-data-xml-parent-key': entry.parentKey, 'event-data-xml-key': entry.key, 'event-data-xml-value': entry.value })),
      );
    });

    if (kase.kind !== 'generic') {
      it('answers 404 for an event id that exists but is another kind', async () => {
        const customer = uniqueCustomer();
        const other = await register('events', GENERIC_CASE.body(customer, ''));
        const otherId = other.headers.get('location')!.split('/').pop();
        const response = await api.request('GET', `/customer-event/${kase.route}/${otherId}`);
        expect(response.status).toBe(404);
        expect(response.body.problem).toBe('not-found');
      });
    }

    it.each(kase.invalid)('refuses %s=%j with %s, naming the member, and stores nothing', async (member, value, literal) => {
      const customer = uniqueCustomer();
      const body = { ...kase.body(customer, randomUUID().slice(0, 8)), [member]: value };
      if (value === undefined) delete body[member];
      const response = await register(kase.route, body);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body.errors).toContainEqual(expect.objectContaining({ tag: member, error: literal }));
      expect(await countOf(customer)).toBe(0);
    });

    it('refuses unknown members (also camelCase spellings of known ones) with not-allowed', async () => {
      const customer = uniqueCustomer();
      const response = await register(kase.route, { ...kase.body(customer, 'x'), customerNumber: customer, surprise: 1 });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ tag: 'customerNumber', error: 'not-allowed' }),
          expect.objectContaining({ tag: 'surprise', error: 'not-allowed' }),
        ]),
      );
      expect(await countOf(customer)).toBe(0);
    });

    it('answers a replay with AlreadyExists and the first id, and a conflicting replay with 409', async () => {
      const customer = uniqueCustomer();
      const key = randomUUID();
      const body = kase.body(customer, randomUUID().slice(0, 8));
      const first = await register(kase.route, body, { 'Idempotency-Key': key });
      const replay = await register(kase.route, body, { 'Idempotency-Key': key });
      expect(first.status).toBe(200);
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual({ id: first.body.id, CreatedRecordStatus: 'AlreadyExists' });
      expect(replay.headers.get('location')).toBe(first.headers.get('location'));
      const conflicting = await register(kase.route, { ...body, description: 'something else' }, { 'Idempotency-Key': key });
      expect(conflicting.status).toBe(409);
      expect(conflicting.body.problem).toBe('conflict');
      expect(await countOf(customer)).toBe(1);
    });

    it('creates exactly one event from 20 identical registrations sent at once', async () => {
      const customer = uniqueCustomer();
      const key = randomUUID();
      const body = kase.body(customer, randomUUID().slice(0, 8));
      const answers = await Promise.all(Array.from({ length: 20 }, () => register(kase.route, body, { 'Idempotency-Key': key })));
      expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
      expect(answers.filter((answer) => answer.body.CreatedRecordStatus === 'Created')).toHaveLength(1);
      expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
      expect(await countOf(customer)).toBe(1);
    });

    it('needs the write scope, and binds a customer token to its own customer', async () => {
      const customer = uniqueCustomer();
      const body = kase.body(customer, randomUUID().slice(0, 8));
      const readOnly = await register(kase.route, body, {}, api.token({ scope: 'customer-event:read' }));
      expect(readOnly.status).toBe(403);
      const otherCustomer = await register(kase.route, body, {}, api.token({ customerNumber: uniqueCustomer() }));
      expect(otherCustomer.status).toBe(403);
      expect(await countOf(customer)).toBe(0);
      const own = await register(kase.route, body, {}, api.token({ customerNumber: customer }));
      expect(own.status).toBe(200);
    });
  });

  it('accepts the chargeable-activity spelling as an alias of the tutorial route', async () => {
    const customer = uniqueCustomer();
    const [chargeable] = KIND_CASES.filter((kase) => kase.kind === 'chargable-activity');
    const created = await register('chargeable-activity-events', chargeable.body(customer, 'x'));
    expect(created.status).toBe(200);
    const id = created.headers.get('location')!.split('/').pop();
    const viaAlias = await api.request('GET', `/customer-event/v2.0/chargeable-activity-events/${id}`);
    expect(viaAlias.status).toBe(200);
    expect(viaAlias.body['event-kind']).toBe('ChargeableActivityEvent');
  });

  it('treats workitem-id as the idempotency key of a communication: same body AlreadyExists, other body 409', async () => {
    const customer = uniqueCustomer();
    const [communication] = KIND_CASES;
    const body = communication.body(customer, 'SAME');
    expect((await register('communication-events', body)).body.CreatedRecordStatus).toBe('Created');
    expect((await register('communication-events', { ...body, medium: 'MAIL' })).body).toEqual({ id: 'WISAME', CreatedRecordStatus: 'AlreadyExists' });
    expect((await register('communication-events', { ...body, title: 'Other' })).status).toBe(409);
    const { 'workitem-id': workitem, ...rest } = body;
    const aliased = await register('communication-events', { ...rest, 'related-workitem-number': workitem });
    expect(aliased.body).toEqual({ id: 'WISAME', CreatedRecordStatus: 'AlreadyExists' });
  });

  it('refuses a kind-specific event-kind on the generic route', async () => {
    const customer = uniqueCustomer();
    const response = await register('events', { ...GENERIC_CASE.body(customer, ''), 'event-kind': 'CommunicationEvent' });
    expect(response.status).toBe(400);
    expect(response.body.errors[0]).toMatchObject({ tag: 'event-kind', error: 'not-allowed' });
  });
});
