import { DataSource } from 'typeorm';
import { insertEvents } from '../support/fixtures';
import { databaseMode, startTestApp, TestApp, uniqueCustomer } from '../support/test-app';

describe(`GET /events and /events/{event-id} (${databaseMode} database)`, () => {
  let api: TestApp;
  const tutorialCustomer = uniqueCustomer();
  const burstCustomer = uniqueCustomer();
  const mixedCustomer = uniqueCustomer();
  const spreadCustomer = uniqueCustomer();

  beforeAll(async () => {
    api = await startTestApp();
    await insertEvents(api, tutorialCustomer, 2298);
    await insertEvents(api, burstCustomer, 237, { sameMillisecondEvery: 50 });
    await insertEvents(api, mixedCustomer, 30, {
      start: new Date('2020-01-01T00:00:00Z'),
      stepMs: 24 * 3600 * 1000,
      kinds: ['SecurtyEvent', 'CommunicationEvent', 'DeviceEvent'],
    });
    // Seven hours apart: days holding three or four events, across about half a year.
    await insertEvents(api, spreadCustomer, 600, { start: new Date('2021-03-01T05:00:00Z'), stepMs: 7 * 3600 * 1000, kinds: ['SecurtyEvent', 'CommunicationEvent'] });
  });
  afterAll(async () => {
    await api?.close();
  });

  const list = (query: string) => api.request('GET', `/customer-event/events?${query}`);
  const ids = (response: { body: any }) => response.body.items.map((item: any) => item['event-id']);

  it("pages a 2298-event customer like the tutorial: 115 pages of 20, newest first, with a next link in the tutorial's shape", async () => {
    const page = await list(`customer-number=${tutorialCustomer}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ 'total-count': 2298, 'page-size': 20, 'page-number': 1, 'total-pages': 115 });
    expect(page.body.items).toHaveLength(20);
    expect(page.body.navigations).toEqual([
      { href: `${api.origin}/customer-event/v2.0/events?page-size=20&page-number=2&customer-number=${tutorialCustomer}`, rel: 'next' },
      { href: `${api.origin}/customer-event/v2.0/events?page-size=20&page-number=115&customer-number=${tutorialCustomer}`, rel: 'last' },
    ]);
    const times = page.body.items.map((item: any) => item['creation-datetime']);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it.each([
    ['the tutorial customer', () => tutorialCustomer, 2298, 100],
    ['events sharing a millisecond', () => burstCustomer, 237, 7],
  ])('visits every event exactly once following next links (%s)', async (_, customer, total, pageSize) => {
    const seen: number[] = [];
    let href: string | undefined = `${api.origin}/customer-event/events?customer-number=${customer()}&page-size=${pageSize}`;
    let pages = 0;
    while (href) {
      const page: { status: number; body: any } = await api.request("GET", href.slice(api.origin.length));
      expect(page.status).toBe(200);
      seen.push(...ids(page));
      href = page.body.navigations.find((link: any) => link.rel === 'next')?.href;
      pages++;
    }
    expect(pages).toBe(Math.ceil(total / pageSize));
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it.each([
    ['newest first', 'desc', undefined],
    ['oldest first', 'asc', undefined],
    ['newest first, one kind', 'desc', 'CommunicationEvent'],
    ['oldest first, one kind', 'asc', 'CommunicationEvent'],
  ])('jumps by page-number deep into a customer spread over many days to exactly the rows OFFSET gives (%s)', async (_, order, kind) => {
    const kindFilter = kind ? `AND event_kind = '${kind}'` : '';
    const all: { event_id: string }[] = await api.app
      .get(DataSource)
      .query(`SELECT event_id FROM customer_event WHERE customer_number = $1 ${kindFilter} ORDER BY creation_datetime ${order}, event_id ${order}`, [spreadCustomer]);
    const expected = all.map((row) => Number(row.event_id));
    for (const pageNumber of [16, 23, 24, 37, 43, 86]) {
      const page = await list(`customer-number=${spreadCustomer}&page-size=7&page-number=${pageNumber}&sort-order=${order}${kind ? `&event-kind=${kind}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body['total-count']).toBe(expected.length);
      expect(ids(page)).toEqual(expected.slice((pageNumber - 1) * 7, pageNumber * 7));
    }
  });

  it('carries a keyset cursor in deep next and prev links, and walking prev from the last page visits every event once', async () => {
    const shallow = await list(`customer-number=${tutorialCustomer}&page-size=100`);
    expect(shallow.body.navigations.find((link: any) => link.rel === 'next').href).not.toContain('cursor=');
    const seen: number[] = [];
    let href: string | undefined = `/customer-event/events?customer-number=${tutorialCustomer}&page-size=100&page-number=23`;
    let deepLinks = 0;
    while (href) {
      const page: { status: number; body: any } = await api.request('GET', href.replace(api.origin, ''));
      expect(page.status).toBe(200);
      seen.unshift(...ids(page));
      href = page.body.navigations.find((link: any) => link.rel === 'prev')?.href;
      if (href?.includes('cursor=')) deepLinks++;
    }
    expect(deepLinks).toBeGreaterThan(5);
    expect(seen).toHaveLength(2298);
    expect(new Set(seen).size).toBe(2298);
    expect(seen).toEqual(ids(await list(`customer-number=${tutorialCustomer}&page-size=100`)).concat(seen.slice(100)));
  });

  it('answers a garbled cursor with 400 and ignores a cursor of another query', async () => {
    const garbled = await list(`customer-number=${tutorialCustomer}&cursor=bm90LWEtY3Vyc29y`);
    expect(garbled.status).toBe(400);
    expect(garbled.body.errors[0]).toMatchObject({ tag: 'cursor', error: 'invalid-format' });
    const deep = await list(`customer-number=${tutorialCustomer}&page-size=100&page-number=12`);
    const next = new URL(deep.body.navigations.find((link: any) => link.rel === 'next').href);
    const cursor = next.searchParams.get('cursor');
    expect(cursor).toBeTruthy();
    const otherQuery = await list(`customer-number=${mixedCustomer}&page-size=100&page-number=13&cursor=${cursor}`);
    expect(otherQuery.status).toBe(200);
    expect(otherQuery.body.items).toEqual([]);
    const viaOffset = await list(`customer-number=${tutorialCustomer}&page-size=100&page-number=13`);
    const viaCursor = await api.request('GET', next.pathname + next.search);
    expect(ids(viaCursor)).toEqual(ids(viaOffset));
  });

  it.each([
    ['whole days', '2020-01-03T00:00:00Z', '2020-01-10T00:00:00Z'],
    ['partial edge days', '2020-01-03T06:00:00Z', '2020-01-10T18:30:00Z'],
    ['within one day', '2020-01-05T00:00:00Z', '2020-01-05T00:00:00.001Z'],
    ['open start', undefined, '2020-01-07T12:00:00+02:00'],
    ['open end', '2020-01-20T23:59:59.999Z', undefined],
  ])('counts exactly over %s', async (_, from, to) => {
    const range = [from && `date-from=${encodeURIComponent(from)}`, to && `date-to=${encodeURIComponent(to)}`].filter(Boolean).join('&');
    const page = await list(`customer-number=${mixedCustomer}&page-size=100&${range}`);
    const expected = Array.from({ length: 30 }, (_, day) => Date.parse('2020-01-01T00:00:00Z') + day * 86_400_000).filter(
      (time) => (!from || time >= Date.parse(from)) && (!to || time < Date.parse(to)),
    ).length;
    expect(page.body['total-count']).toBe(expected);
    expect(page.body.items).toHaveLength(expected);
  });

  it('gives first and prev links on a middle page, and keeps every filter in every link', async () => {
    const page = await list(`customer-number=${mixedCustomer}&event-kind=SecurtyEvent,DeviceEvent&sort-order=asc&page-size=5&page=2`);
    expect(page.status).toBe(200);
    expect(page.body['page-number']).toBe(2);
    expect(page.body.navigations.map((link: any) => link.rel)).toEqual(['first', 'prev', 'next', 'last']);
    for (const link of page.body.navigations) {
      expect(link.href).toContain(`customer-number=${mixedCustomer}`);
      expect(link.href).toContain('event-kind=SecurtyEvent%2CDeviceEvent');
      expect(link.href).toContain('sort-order=asc');
      expect(link.href).not.toMatch(/[?&]page=/);
    }
  });

  it('honours the forwarded host only when told to trust the proxy, and PUBLIC_BASE_URL always', async () => {
    const page = await api.request('GET', `/customer-event/events?customer-number=${mixedCustomer}&page-size=1`, {
      headers: { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' },
    });
    expect(page.body.items[0].uri.startsWith(api.origin)).toBe(true);
  });

  it('filters by kind (short names and exact values), by date range (from inclusive, to exclusive)', async () => {
    expect((await list(`customer-number=${mixedCustomer}&event-kind=communication`)).body['total-count']).toBe(10);
    expect((await list(`customer-number=${mixedCustomer}&event-kind=DeviceEvent,SecurtyEvent`)).body['total-count']).toBe(20);
    const range = await list(`customer-number=${mixedCustomer}&date-from=2020-01-03T00:00:00Z&date-to=2020-01-06T00:00:00%2B00:00`);
    expect(range.body['total-count']).toBe(3);
    expect(range.body.items.map((item: any) => item['creation-datetime'])).toEqual([
      '2020-01-05T00:00:00.000Z',
      '2020-01-04T00:00:00.000Z',
      '2020-01-03T00:00:00.000Z',
    ]);
  });

  it.each([
    ['creation-datetime', 'asc'],
    ['creation-datetime', 'desc'],
    ['event-id', 'asc'],
    ['event-id', 'desc'],
    ['event-kind', 'asc'],
    ['event-kind', 'desc'],
  ])('sorts by %s %s', async (sortBy, order) => {
    const page = await list(`customer-number=${mixedCustomer}&sort-by=${sortBy}&sort-order=${order}&page-size=100`);
    const key = (item: any) => (sortBy === 'event-kind' ? item['event-kind'] : sortBy === 'event-id' ? item['event-id'] : item['creation-datetime']);
    const keys = page.body.items.map(key);
    const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(keys).toEqual(order === 'asc' ? sorted : sorted.reverse());
  });

  it('adds optional members with include and leaves members out with trim, never event-id', async () => {
    const included = await list(`customer-number=${mixedCustomer}&page-size=1&include=event-data-xml,event-data-key-values`);
    expect(Object.keys(included.body.items[0])).toEqual([
      'event-id', 'creation-datetime', 'description', 'event-kind', 'uri', 'event-data-xml', 'event-data-key-values',
    ]);
    const all = await list(`customer-number=${mixedCustomer}&page-size=1&include=*&trim=uri,description,event-id`);
    expect(Object.keys(all.body.items[0])).toEqual(['event-id', 'creation-datetime', 'event-kind', 'event-data-xml', 'event-data-key-values']);
    const id = all.body.items[0]['event-id'];
    const detail = await api.request('GET', `/customer-event/events/${id}?trim=event-data-key-values`);
    expect(Object.keys(detail.body)).toEqual(['event-id', 'creation-datetime', 'description', 'event-kind', 'event-data-xml']);
  });

  it('answers an empty result with 200, no items and no links', async () => {
    const page = await list(`customer-number=${uniqueCustomer()}`);
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ 'total-count': 0, 'page-size': 20, 'page-number': 1, 'total-pages': 0, items: [], navigations: [] });
  });

  it('counts every event on a page past the end, where no row carries the count (shallow and deep, by offset, with filters)', async () => {
    for (const [query, total] of [
      [`customer-number=${tutorialCustomer}&page-number=116`, 2298],
      [`customer-number=${tutorialCustomer}&page-size=1&page-number=2299`, 2298],
      [`customer-number=${tutorialCustomer}&page-size=1&page-number=100000&sort-order=asc`, 2298],
      [`customer-number=${mixedCustomer}&event-kind=communication&page-number=2`, 10],
      [`customer-number=${mixedCustomer}&event-kind=communication&date-from=2000-01-01T00:00:00Z&page-number=3`, 10],
    ] as const) {
      const page = await list(query);
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ 'total-count': total, items: [] });
    }
  });

  it('serves the same answers on the versioned and unversioned paths', async () => {
    const plain = await api.request('GET', `/customer-event/events?customer-number=${mixedCustomer}`);
    const versioned = await api.request('GET', `/customer-event/v2.0/events?customer-number=${mixedCustomer}`);
    expect(versioned.status).toBe(200);
    expect(ids(versioned)).toEqual(ids(plain));
    const id = ids(plain)[0];
    expect((await api.request('GET', `/customer-event/v2.0/events/${id}`)).body).toEqual((await api.request('GET', `/customer-event/events/${id}`)).body);
  });

  it.each([
    ['page-size=abc', 'page-size', 'invalid-format'],
    ['page-size=0', 'page-size', 'out-of-range'],
    ['page-size=1000', 'page-size', 'out-of-range'],
    ['page-number=-1', 'page-number', 'out-of-range'],
    ['page=0', 'page-number', 'out-of-range'],
    ['sort-by=nonsense', 'sort-by', 'unknown-enum'],
    ['sort-order=sideways', 'sort-order', 'unknown-enum'],
    ['date-from=yesterday', 'date-from', 'invalid-format'],
    ['date-to=2014-13-01T00:00:00Z', 'date-to', 'invalid-format'],
    ['event-kind=unknown', 'event-kind', 'unknown-enum'],
    ['include=everything', 'include', 'unknown-enum'],
    ['trim=nothing', 'trim', 'unknown-enum'],
    ['page-size=1&page-size=2', 'page-size', 'invalid-format'],
    ['customer_number=1', 'customer_number', 'not-allowed'],
    ['customer-number=<10 kB>', 'customer-number', 'max-length'],
  ])('answers %s with a 400 problem naming %s', async (query, tag, error) => {
    const response = await list(query.replace('<10 kB>', '9'.repeat(10_000)));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 400, problem: 'bad-request', title: 'Bad Request', instance: '/customer-event/events' });
    expect(response.body.errors).toContainEqual(expect.objectContaining({ tag, error }));
  });

  it.each([
    ['abc', 400],
    ['0', 400],
    ['99999999999999999999', 400],
    ['987654321', 404],
  ])('answers event-id %s with %i', async (id, status) => {
    const response = await api.request('GET', `/customer-event/events/${id}`);
    expect(response.status).toBe(status);
    if (status === 400) expect(response.body.errors[0].tag).toBe('event-id');
  });

  it('answers mixed concurrent requests each with its own right answer', async () => {
    const customers = [tutorialCustomer, burstCustomer, mixedCustomer];
    const expected = new Map<string, number>([
      [tutorialCustomer, 2298],
      [burstCustomer, 237],
      [mixedCustomer, 30],
    ]);
    const detailIds = ids(await list(`customer-number=${mixedCustomer}&page-size=30`));
    const requests = Array.from({ length: 300 }, (_, index) => async () => {
      if (index % 3 === 2) {
        const id = detailIds[index % detailIds.length];
        const detail = await api.request('GET', `/customer-event/events/${id}`);
        expect(detail.status).toBe(200);
        expect(detail.body['event-id']).toBe(id);
        return;
      }
      const customer = customers[index % customers.length];
      const page = await list(`customer-number=${customer}&page-size=${1 + (index % 50)}&page-number=${1 + (index % 3)}`);
      expect(page.status).toBe(200);
      expect(page.body['total-count']).toBe(expected.get(customer));
      expect(page.body['page-size']).toBe(1 + (index % 50));
    });
    const running = new Set<Promise<void>>();
    for (const request of requests) {
      const promise: Promise<void> = request().finally(() => running.delete(promise));
      running.add(promise);
      if (running.size >= 20) await Promise.race(running);
    }
    await Promise.all(running);
  });
});
