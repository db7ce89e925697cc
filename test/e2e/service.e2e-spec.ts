import { EmbeddedPostgres } from '../../src/database/embedded-postgres';
import { databaseMode, startTestApp, TestApp, uniqueCustomer } from '../support/test-app';

describe(`The service around the events (${databaseMode} database)`, () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp({ RATE_LIMIT_PER_MINUTE: '1000000' });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('serves liveness and readiness without a token', async () => {
    const live = await api.request('GET', '/health', { token: null });
    const ready = await api.request('GET', '/health/ready', { token: null });
    expect([live.status, ready.status]).toEqual([200, 200]);
    expect(ready.body.info.database.status).toBe('up');
  });

  it('protects everything under /customer-event, classifications included', async () => {
    expect((await api.request('GET', '/customer-event/classifications', { token: null })).status).toBe(401);
  });

  it('serves the classification schemas from the same source validation uses', async () => {
    const all = await api.request('GET', '/customer-event/classifications');
    expect(all.status).toBe(200);
    expect(all.body.map((schema: any) => schema['schema-id'])).toEqual(
      expect.arrayContaining(['event-kind', 'medium', 'communication-type', 'resolution-status', 'purpose']),
    );
    const medium = await api.request('GET', '/customer-event/v2.0/classifications/medium');
    expect(medium.body.values.map((value: any) => value.code)).toEqual([
      'phone', 'mail', 'email', 'fax', 'face-to-face-meeting', 'sms', 'web', 'wap', 'instant-message', 'other-communication-technology',
    ]);
    expect(medium.body.values[1]).toEqual({ code: 'mail', literal: 'Mail', description: 'Postal mail', ordinal: 2 });
    const kinds = await api.request('GET', '/customer-event/classifications/event-kind');
    expect(kinds.body.values.map((value: any) => value.code)).toEqual(expect.arrayContaining(['CommunicationEvent', 'ChargeableActivityEvent', 'SecurtyEvent']));
    expect((await api.request('GET', '/customer-event/classifications/nope')).status).toBe(404);
  });

  it('documents every operation with a unique id, typed schemas per kind and its problem answers', async () => {
    const response = await api.request('GET', '/swagger-ui/json', { token: null });
    expect(response.status).toBe(200);
    const document = response.body;
    const operations = Object.entries(document.paths).flatMap(([path, item]: [string, any]) =>
      Object.entries(item).map(([method, operation]: [string, any]) => ({ path, method, operation })),
    );
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const path of ['/customer-event/events', '/customer-event/events/{event-id}', '/customer-event/communication-events/{event-id}']) {
      expect(document.paths[path]).toBeDefined();
      expect(document.paths[path.replace('/customer-event/', '/customer-event/v2.0/')]).toBeDefined();
    }
    for (const kind of ['Communication', 'Social', 'AccountingTransaction', 'CustomerCase', 'ArrangementActivity', 'ProfileMaintenance', 'ChargeableActivity']) {
      expect(document.components.schemas[`Create${kind}Event`]).toBeDefined();
      expect(document.components.schemas[`${kind}EventDetail`]).toBeDefined();
    }
    expect(Object.keys(document.components.schemas.CreateCommunicationEvent.properties)).toEqual(
      expect.arrayContaining(['customer-number', 'workitem-id', 'medium', 'return-address']),
    );
    for (const { path, method, operation } of operations.filter(({ path }) => path.startsWith('/customer-event/'))) {
      expect([path, method, Object.keys(operation.responses)]).toEqual([path, method, expect.arrayContaining(['200', '401', '403', '408', '429', '431', '500'])]);
      if (path.includes('{')) expect([path, method, Object.keys(operation.responses)]).toEqual([path, method, expect.arrayContaining(['400', '414'])]);
      expect(operation.responses['401'].content['application/problem+json']).toBeDefined();
      if (method === 'post') expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['400', '409', '413', '415', '503']));
    }
    // Answers from Node and the router (before any handler) are documented on every operation that can get them.
    for (const { path, method, operation } of operations) {
      expect([path, method, operation.responses['431']?.content['application/problem+json']]).toEqual([path, method, expect.anything()]);
      expect([path, method, Object.keys(operation.responses)]).toEqual([path, method, expect.arrayContaining(['408', '431'])]);
    }
    expect(document.components.schemas.ProblemDto.properties.problem.enum).toEqual(
      expect.arrayContaining(['request-timeout', 'uri-too-long', 'request-header-fields-too-large']),
    );
    const explorer = await fetch(`${api.origin}/swagger-ui`);
    expect(explorer.status).toBe(200);
  });

  it('answers unknown routes, bad JSON, wrong content types and oversized bodies with problem JSON', async () => {
    const notFound = await api.request('GET', '/customer-event/nothing-here');
    expect([notFound.status, notFound.body.problem]).toEqual([404, 'not-found']);
    const badJson = await api.request('POST', '/customer-event/events', { rawBody: '{"customer-number":', headers: { 'content-type': 'application/json' } });
    expect([badJson.status, badJson.body.problem]).toEqual([400, 'bad-request']);
    const text = await api.request('POST', '/customer-event/events', { rawBody: 'hello', headers: { 'content-type': 'text/plain' } });
    expect([text.status, text.body.problem]).toEqual([415, 'unsupported-media-type']);
    const huge = await api.request('POST', '/customer-event/events', {
      body: { 'customer-number': '1', 'event-kind': 'SecurtyEvent', 'event-data-xml': `<a>${'x'.repeat(2 * 1024 * 1024)}</a>` },
    });
    expect([huge.status, huge.body.problem]).toEqual([413, 'payload-too-large']);
    for (const answer of [notFound, badJson, text, huge]) {
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.text).not.toMatch(/at \w+ \(|node_modules|QueryFailedError|SELECT /);
    }
  });

  it('sends security headers and echoes a sane X-Request-Id, generating one otherwise', async () => {
    const echoed = await api.request('GET', '/health', { token: null, headers: { 'X-Request-Id': 'trace-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-42');
    expect(echoed.headers.get('x-content-type-options')).toBe('nosniff');
    expect(echoed.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
    expect(echoed.headers.get('cache-control')).toContain('no-store');
    const events = await api.request('GET', '/customer-event/events/1');
    expect(events.headers.get('cache-control')).toBe('no-store');
    const explorer = await fetch(`${api.origin}/swagger-ui/`);
    await explorer.arrayBuffer();
    expect(explorer.headers.get('content-security-policy')).toContain("default-src 'self'");
    const generated = await api.request('GET', '/health', { token: null, headers: { 'X-Request-Id': 'bad id with spaces' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('stores and returns injection strings verbatim', async () => {
    const customer = uniqueCustomer();
    const hostile = `'; DROP TABLE customer_event; -- <script>alert(1)</script> ∑ 😀`;
    const created = await api.request('POST', '/customer-event/social-events', { body: { 'customer-number': customer, content: hostile } });
    expect(created.status).toBe(200);
    const detail = await api.request('GET', new URL(created.headers.get('location')!).pathname);
    expect(detail.body.content).toBe(hostile);
  });
});

describe('Rate limiting', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp({ RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers 429 with Retry-After past the per-client limit, counting each client apart', async () => {
    const alice = api.token({ subject: 'alice', clientId: 'channel-a' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await api.request('GET', '/customer-event/classifications', { token: alice })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await api.request('GET', '/customer-event/classifications', { token: alice });
    expect(limited.body.problem).toBe('too-many-requests');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const bob = api.token({ subject: 'bob', clientId: 'channel-b' });
    expect((await api.request('GET', '/customer-event/classifications', { token: bob })).status).toBe(200);
  });
});

describe('The embedded database', () => {
  it('keeps data across a restart, and refuses a second process on the same data folder', async () => {
    const first = await startTestApp({ DATABASE_URL: undefined });
    const customer = uniqueCustomer();
    const dataDir = first.dataDir;
    try {
      const created = await first.request('POST', '/customer-event/social-events', { body: { 'customer-number': customer, content: 'kept' } });
      expect(created.status).toBe(200);
      await expect(EmbeddedPostgres.start(dataDir)).rejects.toThrow(/in use by another process/);
    } finally {
      await first.app.close();
    }
    const second = await startTestApp({ DATABASE_URL: undefined, DATA_DIR: dataDir });
    try {
      const list = await second.request('GET', `/customer-event/events?customer-number=${customer}`);
      expect([list.status, list.body['total-count']]).toEqual([200, 1]);
    } finally {
      await second.close();
      await first.close().catch(() => undefined);
    }
  });
});
