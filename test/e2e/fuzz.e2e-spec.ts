/**
 * Property-based fuzzing over real HTTP (fast-check, fixed seed, bounded runs):
 * arbitrary query strings, path ids and JSON bodies never give a 5xx; every
 * error is problem JSON; every 200 to a POST is a real registration whose
 * Location answers, and a refused registration stores nothing.
 *
 * FUZZ_RUNS (default 150) sets the runs per property and FUZZ_SEED (default
 * fixed) the seed: `scripts/fuzz-long.sh` runs the same properties far longer.
 */
import fc from 'fast-check';
import { GENERIC_CASE, KIND_CASES, KindCase } from '../support/event-bodies';
import { databaseMode, startTestApp, TestApp, uniqueCustomer } from '../support/test-app';

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 150));
const SEED = Number(process.env.FUZZ_SEED ?? 20141010);
/** Per property: generous, so only a hang (or a pathological slowdown) fails by timeout. */
const TIMEOUT = Math.max(60_000, RUNS * 1_000);
const options = { seed: SEED, numRuns: RUNS, endOnFailure: true } as const;

/** Stack frames, source paths, SQL and ORM names, snake_case table names: never in an answer. */
const LEAKS =
  /node_modules|\bat (?:async )?[\w$.<>]+ \(|\.(?:ts|js|mjs|cjs):\d+|QueryFailedError|TypeORM|EntityMetadata|SQLSTATE|syntax error at or near|duplicate key|violates .* constraint|relation "|column "|customer_event\b|event_data_xml|idempotency_key|Maximum call stack|Cannot read propert|is not a function|RangeError|TypeError|ReferenceError/;

interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** Percent-encodes the UTF-8 bytes of any string (unpaired surrogates included: they become U+FFFD), never throwing. */
const percentEncode = (text: string) =>
  [...Buffer.from(text, 'utf8')].map((byte) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

/** Text a client could type or a tool could produce; also the odd %-sequences no encoder makes. */
const anyText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 20 }).map(percentEncode) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }).map(percentEncode) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }).map(percentEncode) },
  { weight: 1, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }).map(String) },
  { weight: 1, arbitrary: fc.double().map((value) => percentEncode(String(value))) },
  { weight: 1, arbitrary: fc.nat({ max: 12_000 }).map((length) => 'x'.repeat(length)) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%%', '%zz', '%00', '%0', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%FF', '+', '%2B', '%26', '%3D', '[]', '[a]', '..', '%2F', '\'', '"', '<') },
);

/** Values that get past the first checks now and then. */
const plausibleValue = fc.constantFrom(
  '1', '2', '20', '100', '101', '0', '-1', '+1', '1.0', '1e3', '0x10', '9999999', '10000001', '9007199254740993',
  'asc', 'desc', 'DESC', 'event-id', 'creation-datetime', 'event-kind', 'password',
  '*', 'event-data-xml', 'event-data-key-values', 'description', 'uri', 'event-id,description', 'nothing',
  'social', 'communication,social', 'SecurtyEvent', 'chargeable-activity', 'CommunicationEvent', 'Social-Event',
  '2014-10-10T12:34:36.690Z', '2014-10-10T12:34:36%2B02:00', '2014-10-10T12:34:36 02:00', '2014-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59-23:59',
  'WzIsImEiLFsxXSwieCJd', 'AAAA', '',
);

const LIST_PARAMETERS = ['customer-number', 'event-kind', 'date-from', 'date-to', 'page-number', 'page', 'page-size', 'sort-by', 'sort-order', 'include', 'trim', 'cursor'];

const ROUTES = [...KIND_CASES.map((kase) => kase.route), 'chargeable-activity-events'];
const ENUM_MEMBERS = new Set(['medium', 'communication-type', 'resolution-status']);

describe(`Fuzzing (fast-check, seed ${SEED}, ${RUNS} runs per property; ${databaseMode} database)`, () => {
  let api: TestApp;
  /** Customers with a few events, so some fuzzed lists and ids hit real rows. */
  const seeded: { customer: string; ids: Record<string, string> } = { customer: uniqueCustomer(), ids: {} };

  beforeAll(async () => {
    api = await startTestApp();
    for (const kase of [...KIND_CASES, GENERIC_CASE]) {
      const created = await api.request('POST', `/customer-event/${kase.route}`, { body: kase.body(seeded.customer, `S${kase.kind}`) });
      expect(created.status).toBe(200);
      seeded.ids[kase.route] = created.headers.get('location')!.split('/').pop()!;
    }
  });
  afterAll(async () => {
    if (process.env.FUZZ_STATS) console.log(JSON.stringify(stats, null, 1));
    await api?.close();
  });

  async function send(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; token?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${options.token ?? defaultToken()}`, ...(options.headers ?? {}) };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${api.origin}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }
  let token: string | undefined;
  const defaultToken = () => (token ??= api.token());

  /** Statuses seen per property; FUZZ_STATS=1 prints them, to check the generators still reach both 200s and 4xx. */
  const stats: Record<string, Record<number, number>> = {};

  /** The invariant of every answer: no 5xx; an error is problem JSON with the contract's members and no leak. */
  function expectSound(answer: Answer, context: unknown, property: string): void {
    (stats[property] ??= {})[answer.status] = (stats[property][answer.status] ?? 0) + 1;
    const summary = {
      context,
      status: answer.status,
      problem:
        answer.status >= 400
          ? {
              contentType: answer.headers.get('content-type')?.split(';')[0],
              members: ['type', 'title', 'status', 'detail', 'instance', 'problem'].filter((member) => answer.body?.[member] === undefined),
              statusMatches: answer.body?.status === answer.status,
            }
          : null,
      leak: LEAKS.exec(answer.text)?.[0] ?? null,
    };
    expect(summary).toEqual({
      context,
      status: expect.any(Number),
      problem: answer.status >= 400 ? { contentType: 'application/problem+json', members: [], statusMatches: true } : null,
      leak: null,
    });
    if (answer.status >= 500) throw new Error(`${answer.status} for ${JSON.stringify(context).slice(0, 2000)}: ${answer.text.slice(0, 500)}`);
  }

  const countOf = async (customer: string): Promise<number> => {
    const answer = await send('GET', `/customer-event/events?customer-number=${customer}&page-size=1`);
    expect(answer.status).toBe(200);
    return answer.body['total-count'];
  };

  it(
    'GET /customer-event/events with arbitrary query strings',
    async () => {
      const name = fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...LIST_PARAMETERS) },
        { weight: 1, arbitrary: fc.string({ maxLength: 12 }).map(percentEncode) },
        { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'a[b]', 'page-size[]', 'customer-number[$ne]', '', '%00', 'Page-Size', 'access_token') },
      );
      const value = fc.oneof({ weight: 4, arbitrary: plausibleValue }, { weight: 2, arbitrary: fc.constant(seeded.customer) }, { weight: 2, arbitrary: anyText });
      const pair = fc.oneof({ weight: 8, arbitrary: fc.tuple(name, value).map(([key, text]) => `${key}=${text}`) }, { weight: 1, arbitrary: name });
      // Mostly short queries, so that a good share passes validation and reaches the database.
      const query = fc.oneof({ weight: 3, arbitrary: fc.array(pair, { maxLength: 2 }) }, { weight: 1, arbitrary: fc.array(pair, { maxLength: 8 }) }).map((pairs) => pairs.join('&'));
      const path = fc.tuple(fc.constantFrom('/customer-event/events', '/customer-event/v2.0/events'), query).map(([root, search]) => `${root}?${search}`);

      await fc.assert(
        fc.asyncProperty(path, fc.boolean(), async (target, bound) => {
          const answer = await send('GET', target, { token: bound ? api.token({ customerNumber: seeded.customer }) : undefined });
          expectSound(answer, { target: target.slice(0, 500), bound }, 'list');
          if (answer.status === 200) {
            expect(answer.body).toEqual(
              expect.objectContaining({ 'total-count': expect.any(Number), 'page-number': expect.any(Number), items: expect.any(Array), navigations: expect.any(Array) }),
            );
            if (bound) for (const item of answer.body.items) expect(Object.values(seeded.ids)).toContain(String(item['event-id']));
          }
        }),
        options,
      );
    },
    TIMEOUT,
  );

  it(
    'GET one event by an arbitrary id, on the generic and on a kind route',
    async () => {
      const id = fc.oneof(
        { weight: 3, arbitrary: fc.string({ maxLength: 24 }).map(percentEncode) },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }).map(percentEncode) },
        { weight: 2, arbitrary: fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String) },
        { weight: 1, arbitrary: fc.double().map((value) => percentEncode(String(value))) },
        { weight: 1, arbitrary: fc.nat({ max: 300 }).map((length) => '1'.repeat(length)) },
        { weight: 1, arbitrary: fc.constantFrom(...Object.values(seeded.ids).flatMap((known) => [known, `0${known}`, `${known}%00`, `+${known}`])) },
        { weight: 1, arbitrary: fc.constantFrom('%00', '%', '%zz', '%2F', '..%2F..%2Fetc%2Fpasswd', '%E0%A4%A', '0', '-0', '00000000000000001', '9007199254740991', '9007199254740992') },
      );
      const route = fc.constantFrom('events', 'v2.0/events', ...ROUTES);
      // A seeded event on its own route or the generic one, now and then with a leading zero or a trailing %00.
      const known = fc
        .constantFrom(...Object.entries(seeded.ids))
        .chain(([kind, eventId]) => fc.tuple(fc.constantFrom(kind, 'events', 'v2.0/events', 'social-events'), fc.constantFrom(eventId, eventId, `0${eventId}`, `${eventId}%00`)));
      const shape = fc.oneof(fc.constant(''), fc.tuple(fc.constantFrom('include', 'trim', 'x'), anyText).map(([key, text]) => `?${key}=${text}`));

      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.tuple(route, id), known), shape, async ([kind, eventId], search) => {
          const target = `/customer-event/${kind}/${eventId}${search}`;
          const answer = await send('GET', target);
          expectSound(answer, { target: target.slice(0, 500) }, 'detail');
          if (answer.status === 200 && !search) {
            expect(Object.values(seeded.ids)).toContain(String(answer.body['event-id']));
            expect(String(answer.body['event-id'])).toBe(String(Number(decodeURIComponent(eventId))));
          }
        }),
        options,
      );
    },
    TIMEOUT,
  );

  const postCases: [string, KindCase][] = [...[...KIND_CASES, GENERIC_CASE].map((kase): [string, KindCase] => [kase.route, kase]), ['chargeable-activity-events', KIND_CASES.find((kase) => kase.kind === 'chargable-activity')!]];

  it.each(postCases)(
    'POST /customer-event/%s with arbitrary JSON bodies',
    async (route, kase) => {
      const members = Object.keys(kase.body('C', 'x'));
      const replacement = fc.oneof(
        { weight: 2, arbitrary: fc.anything() },
        { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
        { weight: 2, arbitrary: fc.jsonValue() },
        { weight: 1, arbitrary: fc.nat({ max: 70_000 }).map((length) => 'y'.repeat(length)) },
        { weight: 3, arbitrary: fc.constantFrom(null, '', ' ', '\u0000', 'a\u0000', '\ud800', 'MAIL', ' Mail ', 'email', 'complaint', '125.40', '-0.0', '00012', '1e5', 'EUR', 'eur', '2014-10-10', '2014-02-30', 'https://example.org', 'javascript:alert(1)', '<a/>', '<a>&xxe;</a>', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', "'; DROP TABLE events; --", 'SecurtyEvent', 'CommunicationEvent') },
      );
      const mutation = fc.record({
        // Mostly one change or none, so that a good share still registers.
        replaced: fc.oneof({ weight: 1, arbitrary: fc.constant({}) }, { weight: 3, arbitrary: fc.dictionary(fc.constantFrom(...members), replacement, { minKeys: 1, maxKeys: 1 }) }, { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...members), replacement, { maxKeys: 4 }) }),
        removed: fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.subarray(members) }),
        extra: fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('event-data-xml', 'description', 'related-workitem-number', 'customerNumber', '__proto__', 'constructor')), fc.jsonValue(), { maxKeys: 2 }) }),
        key: fc.option(fc.oneof(fc.uuid(), fc.constantFrom('k1', 'k2'), fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 300 })), { nil: undefined }),
      });

      await fc.assert(
        fc.asyncProperty(mutation, async ({ replaced, removed, extra, key }) => {
          const customer = uniqueCustomer();
          const body: Record<string, unknown> = { ...kase.body(customer, Math.random().toString(36).slice(2, 10)) };
          for (const member of removed) delete body[member];
          Object.assign(body, replaced);
          for (const [name, value] of Object.entries(extra)) Object.defineProperty(body, name, { value, enumerable: true, configurable: true, writable: true });
          const answer = await send('POST', `/customer-event/${route}`, { body, headers: key === undefined ? {} : { 'Idempotency-Key': key } });
          const context = { route, body: JSON.stringify(body).slice(0, 1500), key };
          expectSound(answer, context, route);
          const ownCustomer = body['customer-number'] === customer;

          if (answer.status === 200) {
            expect(answer.body.CreatedRecordStatus).toMatch(/^(Created|AlreadyExists)$/);
            const location = new URL(answer.headers.get('location')!);
            expect(location.pathname).toMatch(new RegExp(`^/customer-event/v2\\.0/${kase.route}/\\d+$`));
            const detail = await send('GET', location.pathname);
            expect({ context, status: detail.status }).toEqual({ context, status: 200 });
            expect(String(detail.body['event-id'])).toBe(location.pathname.split('/').pop());
            expect(detail.body['event-kind']).toBe(kase.kind === 'generic' ? body['event-kind'] : kase.eventKind);
            if (typeof body['event-data-xml'] === 'string') expect(detail.body['event-data-xml']).toBe(body['event-data-xml']);
            if (typeof body.description === 'string') expect(detail.body.description).toBe(body.description);
            for (const member of Object.keys(kase.expected('C', 'x'))) {
              const sent = body[member];
              if (typeof sent !== 'string') continue;
              const expected = ENUM_MEMBERS.has(member) ? sent.trim().toLowerCase() : member === 'amount' ? detail.body[member] : sent;
              expect({ member, value: detail.body[member] }).toEqual({ member, value: expected });
              if (member === 'amount') expect({ member, same: Number(detail.body[member]) === Number(sent) }).toEqual({ member, same: true });
            }
            if (ownCustomer && answer.body.CreatedRecordStatus === 'Created') expect(await countOf(customer)).toBe(1);
          } else if (ownCustomer) {
            expect({ context, count: await countOf(customer) }).toEqual({ context, count: 0 });
          }
        }),
        options,
      );
    },
    TIMEOUT,
  );

  it(
    'POST /customer-event/events with arbitrary XML-like payloads',
    async () => {
      const token = fc.oneof(
        fc.constantFrom('<a>', '</a>', '<b>', '</b>', '<c/>', '<a x="1">', "<b y='&amp;'>", '<!-- c -->', '<![CDATA[ <x> ]]>', '<?pi x?>', '<?xml version="1.0"?>', '<ns:a xmlns:ns="urn:x">', '</ns:a>'),
        fc.constantFrom('<', '>', '&', ';', '"', "'", '/', '=', '<!', '<!--', '-->', '<![CDATA[', ']]>', '<?', '?>', '&lt;', '&#65;', '&#x0;', '&#xD800;', '&xxe;', '<!DOCTYPE a>', '<!ENTITY x "y">', '\u0001', '\ufeff'),
        fc.string({ maxLength: 8 }),
        fc.string({ unit: 'binary', maxLength: 4 }),
      );
      const xml = fc.oneof(
        fc.array(token, { maxLength: 40 }).map((tokens) => tokens.join('')),
        fc.array(token, { maxLength: 20 }).map((tokens) => `<root>${tokens.join('')}</root>`),
      );
      await fc.assert(
        fc.asyncProperty(xml, async (payload) => {
          const customer = uniqueCustomer();
          const answer = await send('POST', '/customer-event/events', { body: { ...GENERIC_CASE.body(customer, ''), 'event-data-xml': payload } });
          expectSound(answer, { payload }, 'xml');
          if (answer.status === 200) {
            const detail = await send('GET', new URL(answer.headers.get('location')!).pathname);
            expect(detail.status).toBe(200);
            expect(detail.body['event-data-xml']).toBe(payload);
            expect(detail.body['event-data-key-values']).toEqual(expect.any(Array));
          } else {
            expect(answer.status).toBe(400);
            expect(await countOf(customer)).toBe(0);
          }
        }),
        options,
      );
    },
    TIMEOUT,
  );
});
