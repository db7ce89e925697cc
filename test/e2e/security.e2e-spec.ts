import { DevIssuerKeys } from '../../src/common/auth/dev-issuer.keys';
import { READ_SCOPE, WRITE_SCOPE } from '../../src/common/auth/scopes';
import { expectProblem } from '../support/problem';
import { databaseMode, startTestApp, TestApp, uniqueCustomer } from '../support/test-app';
import {
  bearerChallenge,
  devIssuerClaims,
  nowSeconds,
  signHs256,
  signRs256,
  strangerKeyPair,
  tamper,
  unsecured,
} from '../support/tokens';

const REALM = 'customer-event';
const byNumber = (a: number, b: number) => a - b;

const communicationEvent = (customer: string, workitem = `WI-${customer}-${Math.random().toString(36).slice(2, 10)}`) => ({
  'customer-number': customer,
  'workitem-id': workitem,
  description: 'security test',
  medium: 'email',
});

const genericEvent = (customer: string) => ({
  'customer-number': customer,
  'event-kind': 'SecurtyEvent',
  'event-data-xml': `<customer-login><customer-id>${customer}</customer-id></customer-login>`,
});

describe(`OAuth 2.0 resource-server security, over HTTP (${databaseMode} database)`, () => {
  let api: TestApp;
  let devKeys: DevIssuerKeys;

  beforeAll(async () => {
    api = await startTestApp();
    devKeys = DevIssuerKeys.loadOrCreate(api.dataDir);
  });
  afterAll(async () => {
    await api?.close();
  });

  /** A token the dev issuer itself would sign, with the claims given. */
  const devSigned = (claims: Record<string, unknown>) => signRs256(claims, devKeys.privateKeyPem, devKeys.keyId);

  describe('a request without bearer credentials', () => {
    it.each([
      ['no Authorization header', 'GET', '/customer-event/events', undefined],
      ['no Authorization header (versioned path)', 'GET', '/customer-event/v2.0/events', undefined],
      ['no Authorization header on a registration', 'POST', '/customer-event/communication-events', undefined],
      ['no Authorization header on the classifications', 'GET', '/customer-event/classifications', undefined],
      ['an empty Bearer value', 'GET', '/customer-event/events', 'Bearer '],
      ['Basic credentials instead of a bearer token', 'GET', '/customer-event/events', 'Basic dXNlcjpwYXNz'],
    ])('is 401 with a bare Bearer challenge and no error attribute: %s', async (_case, method, path, authorization) => {
      const response = await api.request(method, path, {
        token: null,
        headers: authorization === undefined ? {} : { authorization },
        body: method === 'POST' ? communicationEvent(uniqueCustomer()) : undefined,
      });

      expectProblem(response, 401, 'unauthorized');
      expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="${REALM}"`);
    });

    it.each([
      ['GET', '/customer-event/events'],
      ['POST', '/customer-event/communication-events'],
    ])('never accepts a valid token from the access_token query parameter (%s %s is 401)', async (method, path) => {
      const customer = uniqueCustomer();
      const response = await api.request(method, `${path}?access_token=${encodeURIComponent(api.token())}`, {
        token: null,
        body: method === 'POST' ? communicationEvent(customer) : undefined,
      });

      expectProblem(response, 401, 'unauthorized');
      expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="${REALM}"`);
    });

    it('never accepts a valid token from an access_token member of a JSON body (401, nothing stored)', async () => {
      const customer = uniqueCustomer();
      const response = await api.request('POST', '/customer-event/communication-events', {
        token: null,
        body: { ...communicationEvent(customer), access_token: api.token() },
      });

      expectProblem(response, 401, 'unauthorized');
      expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="${REALM}"`);
      const stored = await api.request('GET', `/customer-event/events?customer-number=${customer}`);
      expect(stored.body['total-count']).toBe(0);
    });

    it('never accepts a valid token from an access_token form member (RFC 6750 section 2.2: 401, nothing stored)', async () => {
      const customer = uniqueCustomer();
      const response = await api.request('POST', '/customer-event/communication-events', {
        token: null,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        rawBody: new URLSearchParams({ access_token: api.token(), 'customer-number': customer, 'workitem-id': `WI-${customer}`, medium: 'email' }).toString(),
      });

      expectProblem(response, 401, 'unauthorized'); // the token check comes before the JSON-only body check (415)
      expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="${REALM}"`);
      const stored = await api.request('GET', `/customer-event/events?customer-number=${customer}`);
      expect(stored.body['total-count']).toBe(0);
    });
  });

  describe('an invalid bearer token', () => {
    it('accepts the control: a token forged the same way, with the dev issuer key and valid claims', async () => {
      const response = await api.request('GET', '/customer-event/events?page-size=1', { token: devSigned(devIssuerClaims()) });

      expect(response.status).toBe(200);
    });

    // Claims are computed when the test runs, not when the table is built: a slow run must not age them.
    it.each([
      ['nbf 10 s ahead', () => ({ nbf: nowSeconds() + 10 })],
      ['exp 10 s ago', () => ({ iat: nowSeconds() - 600, exp: nowSeconds() - 10 })],
    ])('accepts a token within the 30 s clock tolerance: %s', async (_case, claims) => {
      const response = await api.request('GET', '/customer-event/events?page-size=1', { token: devSigned(devIssuerClaims(claims())) });

      expect(response.status).toBe(200);
    });

    const cases: [string, () => string, RegExp][] = [
      ['a malformed token (not a JWT)', () => 'not-a-jwt', /malformed/],
      ['a malformed token (three parts of garbage)', () => 'abc.def.ghi', /malformed/],
      ['an unsigned token (alg: none)', () => unsecured(devIssuerClaims(), devKeys.keyId), /signature|algorithm/],
      [
        "an HS256 token whose HMAC secret is the issuer's public key PEM (algorithm confusion)",
        () => signHs256(devIssuerClaims(), devKeys.publicKeyPem, devKeys.keyId),
        /algorithm/,
      ],
      [
        'an RS256 token signed by another key (under the dev key id)',
        () => signRs256(devIssuerClaims(), strangerKeyPair().privateKey, devKeys.keyId),
        /signature/,
      ],
      [
        'a tampered token (valid signature, claims changed afterwards)',
        () => tamper(api.token({ scope: READ_SCOPE }), { scope: `${READ_SCOPE} ${WRITE_SCOPE}`, sub: 'admin' }),
        /signature/,
      ],
      ['a token from another issuer', () => devSigned(devIssuerClaims({ iss: 'https://evil.example/' })), /issuer/],
      ['a token for another audience', () => devSigned(devIssuerClaims({ aud: 'another-api' })), /audience/],
      [
        'an expired token (beyond the clock tolerance)',
        () => devSigned(devIssuerClaims({ iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 })),
        /expired/,
      ],
      [
        'a token without an expiry (exp)',
        () => devSigned(Object.fromEntries(Object.entries(devIssuerClaims()).filter(([claim]) => claim !== 'exp'))),
        /expiry/,
      ],
      [
        'a token not valid yet (nbf beyond the clock tolerance)',
        () => devSigned(devIssuerClaims({ nbf: nowSeconds() + 3600 })),
        /not valid yet/,
      ],
    ];

    it.each(cases)('is 401 invalid_token for %s', async (_case, forge, reason) => {
      const token = forge();
      const response = await api.request('GET', '/customer-event/events', { token });

      expectProblem(response, 401, 'unauthorized');
      const challenge = bearerChallenge(response.headers.get('www-authenticate'));
      expect(challenge).toEqual({
        scheme: 'Bearer',
        attributes: { realm: REALM, error: 'invalid_token', error_description: expect.stringMatching(reason) },
      });
      expect(response.text).not.toContain(token);
    });

    it('stores nothing when a registration carries an invalid token', async () => {
      const customer = uniqueCustomer();
      const forged = signRs256(devIssuerClaims(), strangerKeyPair().privateKey, devKeys.keyId);

      const response = await api.request('POST', '/customer-event/communication-events', { token: forged, body: communicationEvent(customer) });

      expectProblem(response, 401, 'unauthorized');
      const stored = await api.request('GET', `/customer-event/events?customer-number=${customer}`);
      expect(stored.body['total-count']).toBe(0);
    });
  });

  describe('scopes', () => {
    it.each([
      ['a read-only token', READ_SCOPE, 'POST', '/customer-event/communication-events', WRITE_SCOPE],
      ['a read-only token', READ_SCOPE, 'POST', '/customer-event/events', WRITE_SCOPE],
      ['a write-only token', WRITE_SCOPE, 'GET', '/customer-event/events', READ_SCOPE],
      ['a write-only token', WRITE_SCOPE, 'GET', '/customer-event/classifications', READ_SCOPE],
      ['a token without any scope', '', 'GET', '/customer-event/events', READ_SCOPE],
      ['a token with an unrelated scope', 'openid profile', 'POST', '/customer-event/events', WRITE_SCOPE],
    ])('%s (scope "%s") on %s %s is 403 insufficient_scope naming %s', async (_case, scope, method, path, needed) => {
      const customer = uniqueCustomer();
      const body = method !== 'POST' ? undefined : path.endsWith('/events') ? genericEvent(customer) : communicationEvent(customer);

      const response = await api.request(method, path, { token: api.token({ scope }), body });

      expectProblem(response, 403, 'forbidden');
      const challenge = bearerChallenge(response.headers.get('www-authenticate'));
      expect(challenge).toEqual({
        scheme: 'Bearer',
        attributes: { realm: REALM, error: 'insufficient_scope', error_description: expect.any(String), scope: needed },
      });
      if (method === 'POST') {
        const stored = await api.request('GET', `/customer-event/events?customer-number=${customer}`);
        expect(stored.body['total-count']).toBe(0);
      }
    });

    it('lets a read-only token read and a write-only token register', async () => {
      const customer = uniqueCustomer();

      const registered = await api.request('POST', '/customer-event/communication-events', {
        token: api.token({ scope: WRITE_SCOPE }),
        body: communicationEvent(customer),
      });
      const listed = await api.request('GET', `/customer-event/events?customer-number=${customer}`, { token: api.token({ scope: READ_SCOPE }) });

      expect(registered.status).toBe(200);
      expect(listed.status).toBe(200);
      expect(listed.body['total-count']).toBe(1);
    });

    it('accepts the scopes as an scp array claim as well as a scope string', async () => {
      const response = await api.request('GET', '/customer-event/events?page-size=1', {
        token: devSigned(devIssuerClaims({ scope: undefined, scp: [READ_SCOPE] })),
      });

      expect(response.status).toBe(200);
    });
  });

  describe('a token bound to one customer (customer-number claim)', () => {
    const customerA = uniqueCustomer();
    const customerB = uniqueCustomer();
    const idsOf: Record<string, number[]> = {};
    let tokenA: string;

    const register = async (customer: string, path: string, body: unknown) => {
      const response = await api.request('POST', path, { body });
      expect(response.status).toBe(200);
      const id = Number(/\/(\d+)$/.exec(response.headers.get('location') ?? '')?.[1]);
      (idsOf[customer] ??= []).push(id);
      return id;
    };

    beforeAll(async () => {
      // Registered with the unbound default token, as a back office would.
      await register(customerA, '/customer-event/communication-events', communicationEvent(customerA));
      await register(customerA, '/customer-event/events', genericEvent(customerA));
      await register(customerB, '/customer-event/communication-events', communicationEvent(customerB));
      await register(customerB, '/customer-event/events', genericEvent(customerB));
      tokenA = api.token({ customerNumber: customerA });
    });

    it("is 403 when customer A's token lists customer B's events", async () => {
      const response = await api.request('GET', `/customer-event/events?customer-number=${customerB}`, { token: tokenA });

      expectProblem(response, 403, 'forbidden');
    });

    it("narrows a list without customer-number to A's own events", async () => {
      const response = await api.request('GET', '/customer-event/events?page-size=100', { token: tokenA });

      expect(response.status).toBe(200);
      expect(response.body['total-count']).toBe(idsOf[customerA].length);
      const listed = response.body.items.map((item: { 'event-id': number }) => item['event-id']);
      expect(listed.sort(byNumber)).toEqual([...idsOf[customerA]].sort(byNumber));
    });

    it("lists A's events when A's token names A", async () => {
      const response = await api.request('GET', `/customer-event/events?customer-number=${customerA}`, { token: tokenA });

      expect(response.status).toBe(200);
      expect(response.body['total-count']).toBe(idsOf[customerA].length);
    });

    it.each([
      ['GET /customer-event/events/{id}', (id: number) => `/customer-event/events/${id}`],
      ['GET /customer-event/v2.0/events/{id}', (id: number) => `/customer-event/v2.0/events/${id}`],
      ['GET /customer-event/communication-events/{id}', (id: number) => `/customer-event/communication-events/${id}`],
    ])("answers A's token on B's event id with the same 404 as a missing id: %s", async (_route, pathOf) => {
      const [bCommunication] = idsOf[customerB];
      const missing = 9_000_000_000_000 + Math.floor(Math.random() * 1_000_000);

      const other = await api.request('GET', pathOf(bCommunication), { token: tokenA });
      const absent = await api.request('GET', pathOf(missing), { token: tokenA });
      const own = await api.request('GET', pathOf(bCommunication), { token: api.token({ customerNumber: customerB }) });

      expectProblem(other, 404, 'not-found');
      expect({ ...other.body, detail: other.body.detail.replace(String(bCommunication), 'N'), instance: undefined }).toEqual({
        ...absent.body,
        detail: absent.body.detail.replace(String(missing), 'N'),
        instance: undefined,
      });
      expect(own.status).toBe(200);
    });

    it.each([
      ['POST /customer-event/communication-events', '/customer-event/communication-events', communicationEvent],
      ['POST /customer-event/events', '/customer-event/events', genericEvent],
    ])("is 403 and stores nothing when A's token registers for B: %s", async (_route, path, bodyFor) => {
      const before = await api.request('GET', `/customer-event/events?customer-number=${customerB}`);

      const response = await api.request('POST', path, { token: tokenA, body: bodyFor(customerB) });

      expectProblem(response, 403, 'forbidden');
      const after = await api.request('GET', `/customer-event/events?customer-number=${customerB}`);
      expect(after.body['total-count']).toBe(before.body['total-count']);
    });

    it("lets A's token register for A", async () => {
      const response = await api.request('POST', '/customer-event/communication-events', { token: tokenA, body: communicationEvent(customerA) });

      expect(response.status).toBe(200);
      idsOf[customerA].push(Number(/\/(\d+)$/.exec(response.headers.get('location') ?? '')?.[1]));
    });
  });

  describe('hostile headers', () => {
    it('refuses a 100 kB Authorization header with 431 problem JSON, and keeps serving', async () => {
      const response = await api.request('GET', '/customer-event/events', { token: 'a'.repeat(100 * 1024) });

      expectProblem(response, 431, 'request-header-fields-too-large');
      const health = await api.request('GET', '/health', { token: null });
      const list = await api.request('GET', '/customer-event/events?page-size=1');
      expect(health.status).toBe(200);
      expect(list.status).toBe(200);
    });

    it('answers a 12 kB junk bearer token (under the header limit) with 401 invalid_token', async () => {
      const response = await api.request('GET', '/customer-event/events', { token: 'x'.repeat(12 * 1024) });

      expectProblem(response, 401, 'unauthorized');
      expect(bearerChallenge(response.headers.get('www-authenticate')).attributes.error).toBe('invalid_token');
    });
  });
});
