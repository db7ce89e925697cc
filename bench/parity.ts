import { DatasetFacts } from './facts';
import { API, deepPage, FILTER_SHARE, kindAndDateFilter } from './scenarios';
import { tutorialCommunication } from '../test/support/event-bodies';

/**
 * Correctness before speed: the same requests to the service and to the
 * baseline must give the same answers. Bodies are compared as text after the
 * origin (host and port) is replaced; 2xx bodies, 401/403/404 problems and the
 * Location and WWW-Authenticate headers must match exactly, 400 problems by
 * status, `problem` and the (tag, error) pairs of `errors` (the wording of a
 * validation message is the service's own).
 */
export interface ParityTarget {
  origin: string;
}

export interface ParityTokens {
  /** Read and write, any customer. */
  full: string;
  readOnly: string;
  /** Read and write, bound to this customer. */
  bound(customerNumber: string): string;
}

export interface ParityOptions {
  service: ParityTarget;
  baseline: ParityTarget;
  tokens: ParityTokens;
  facts: DatasetFacts;
  /** Also compare registrations (they add events; workitem-ids start with this prefix). */
  writes?: { workitemPrefix: string };
}

export interface Answer {
  status: number;
  text: string;
  headers: Record<string, string | null>;
}

export interface Mismatch {
  name: string;
  request: string;
  reason: string;
  service: Answer;
  baseline: Answer;
}

export interface ParityReport {
  compared: number;
  mismatches: Mismatch[];
  /** Kinds of requests compared, for the report. */
  names: string[];
  /** Registered workitem-ids (to clean up). */
  registered: string[];
  /** How many compared answers had each status (the service's). */
  statuses: Record<number, number>;
}

interface Request {
  name: string;
  method?: 'GET' | 'POST';
  path: string;
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

const HOST = 'http://HOST';

export async function checkParity(options: ParityOptions): Promise<ParityReport> {
  const { facts, tokens } = options;
  const report: ParityReport = { compared: 0, mismatches: [], names: [], registered: [], statuses: {} };
  const send = (target: ParityTarget, request: Request) => call(target, request, tokens.full);
  const compare = async (request: Request): Promise<[Answer, Answer]> => {
    const [service, baseline] = [await send(options.service, request), await send(options.baseline, request)];
    report.compared++;
    report.statuses[service.status] = (report.statuses[service.status] ?? 0) + 1;
    if (!report.names.includes(request.name)) report.names.push(request.name);
    const reason = difference(normalize(service, options.service.origin), normalize(baseline, options.baseline.origin));
    if (reason) report.mismatches.push({ name: request.name, request: `${request.method ?? 'GET'} ${request.path}`, reason, service, baseline });
    return [service, baseline];
  };
  const list = (query: string) => `${API}/events?${query}`;
  /** Follows a navigation link of a service answer (the baseline's is the same when the bodies match). */
  const link = (answer: Answer, rel: string): string | undefined => {
    const found = (JSON.parse(answer.text).navigations as { href: string; rel: string }[]).find((navigation) => navigation.rel === rel);
    return found ? new URL(found.href).pathname + new URL(found.href).search : undefined;
  };

  // Lists: ordinary customers, the tutorial's, the big one shallow and deep, filters, sorts, shaping.
  for (const customer of facts.customers.slice(0, 6)) await compare({ name: 'list page 1', path: list(`customer-number=${customer}`) });
  await compare({ name: 'list versioned path', path: `${API}/v2.0/events?customer-number=${facts.customers[0]}&page-size=7&page-number=2` });
  const tutorial = `customer-number=${facts.tutorialCustomer}`;
  await compare({ name: 'tutorial customer', path: list(tutorial) });
  await compare({ name: 'tutorial customer, page alias', path: list(`${tutorial}&page=3&page-size=50`) });
  await compare({ name: 'tutorial customer, last page', path: list(`${tutorial}&page-number=${Math.ceil(facts.tutorialCustomerEvents / 20)}`) });
  await compare({ name: 'tutorial customer, past the end', path: list(`${tutorial}&page-number=100000`) });
  await compare({ name: 'sort by event-id asc', path: list(`${tutorial}&sort-by=event-id&sort-order=asc&page-number=2`) });
  await compare({ name: 'sort by event-kind', path: list(`${tutorial}&sort-by=event-kind&page-number=4&page-size=13`) });
  await compare({ name: 'kind filter list', path: list(`${tutorial}&event-kind=communication,SecurtyEvent`) });
  await compare({ name: 'include and trim', path: list(`${tutorial}&include=*&trim=description,uri&page-size=5`) });
  await compare({ name: 'include key-values', path: list(`customer-number=${facts.customers[1]}&include=event-data-key-values&page-size=3`) });
  const big = `customer-number=${facts.bigCustomer}`;
  await compare({ name: 'big customer page 1', path: list(big) });
  const [deep] = await compare({ name: 'big customer deep page', path: list(`${big}&page-number=${deepPage(facts)}`) });
  const filter = kindAndDateFilter(facts);
  await compare({ name: 'big customer deep page, kind and dates', path: list(`${big}&${filter}&page-number=${deepPage(facts, FILTER_SHARE)}`) });
  await compare({ name: 'big customer, kind and dates, page 1', path: list(`${big}&${filter}`) });
  // Keyset links: from the deep page, next and prev (cursors), then onwards along next links.
  let answer = deep;
  for (let step = 0; step < 4; step++) {
    const next = link(answer, 'next');
    if (!next) break;
    [answer] = await compare({ name: 'big customer, next link (cursor)', path: next });
  }
  const prev = link(answer, 'prev');
  if (prev) {
    const [back] = await compare({ name: 'big customer, prev link (cursor)', path: prev });
    const again = link(back, 'prev');
    if (again) await compare({ name: 'big customer, prev link (cursor)', path: again });
  }
  const [first] = await compare({ name: 'big customer page 51 (first cursor link)', path: list(`${big}&page-number=51`) });
  const viaCursor = link(first, 'next');
  if (viaCursor) await compare({ name: 'big customer, next link (cursor)', path: viaCursor });
  const [filtered] = await compare({ name: 'big customer, kind and dates, deep', path: list(`${big}&${filter}&page-number=60&sort-order=asc`) });
  const filteredNext = link(filtered, 'next');
  if (filteredNext) await compare({ name: 'big customer, kind and dates, next link (cursor)', path: filteredNext });

  // Details and kind details.
  for (const id of facts.eventIds.slice(0, 8)) await compare({ name: 'detail', path: `${API}/events/${id}` });
  await compare({ name: 'detail, trimmed', path: `${API}/events/${facts.eventIds[8]}?trim=event-data-key-values,description` });
  await compare({ name: 'detail, versioned', path: `${API}/v2.0/events/${facts.eventIds[9]}` });
  for (const id of facts.communicationIds.slice(0, 6)) await compare({ name: 'communication detail', path: `${API}/communication-events/${id}` });
  await compare({ name: 'communication detail of another kind (404)', path: `${API}/communication-events/${facts.otherKindId}` });
  await compare({ name: 'detail of no event (404)', path: `${API}/events/${facts.maxEventId + 1_000_000}` });

  // Security: no token, a read-only token writing, a customer-bound token.
  const someone = facts.customers[2];
  await compare({ name: 'no token (401)', path: list(`customer-number=${someone}`), token: null });
  await compare({ name: 'garbled token (401)', path: list(`customer-number=${someone}`), token: 'not.a.jwt' });
  await compare({ name: 'bound token, own list', path: list(''), token: tokens.bound(someone) });
  await compare({ name: 'bound token, other customer (403)', path: list(`customer-number=${facts.tutorialCustomer}`), token: tokens.bound(someone) });
  await compare({ name: 'bound token, other customer event (404)', path: `${API}/events/${facts.communicationIds[0]}`, token: tokens.bound(someone) });
  await compare({
    name: 'read-only token registering (403)',
    method: 'POST',
    path: `${API}/communication-events`,
    token: tokens.readOnly,
    body: communication(someone, 'never-registered'),
  });

  // Bad requests.
  for (const [name, query] of [
    ['page-size out of range (400)', `${big}&page-size=1000`],
    ['unknown parameter (400)', `${big}&colour=blue`],
    ['unknown sort (400)', `${big}&sort-by=amount`],
    ['garbled cursor (400)', `${big}&page-number=60&cursor=bm90LWEtY3Vyc29y`],
    ['unknown kind (400)', `${big}&event-kind=no*such`],
    ['bad date (400)', `${big}&date-from=2024-02-30T00:00:00Z`],
    ['unknown include (400)', `${big}&include=everything`],
  ]) {
    await compare({ name, path: list(query) });
  }
  await compare({ name: 'bad event-id (400)', path: `${API}/events/12ab` });

  if (options.writes) await compareWrites(options, options.writes.workitemPrefix, someone, compare, report);
  return report;
}

async function compareWrites(
  options: ParityOptions,
  prefix: string,
  customer: string,
  compare: (request: Request) => Promise<[Answer, Answer]>,
  report: ParityReport,
): Promise<void> {
  const post = (name: string, body: unknown, headers?: Record<string, string>): Request => ({ name, method: 'POST', path: `${API}/communication-events`, body, headers });
  const mismatch = (request: Request, reason: string, service: Answer, baseline: Answer) =>
    report.mismatches.push({ name: request.name, request: `POST ${request.path}`, reason, service, baseline });
  /**
   * Registered by one side, replayed on the other: the second must find the first's event through the unique key
   * and the request fingerprint (AlreadyExists, same id and Location); then a replay on both must answer alike.
   */
  const registerThenReplay = async (first: 'service' | 'baseline', request: Request) => {
    const workitem = (request.body as Record<string, unknown>)['workitem-id'] ?? (request.body as Record<string, unknown>)['related-workitem-number'];
    report.registered.push(String(workitem));
    const [a, b] = first === 'service' ? [options.service, options.baseline] : [options.baseline, options.service];
    const created = await call(a, request, options.tokens.full);
    const replayed = await call(b, request, options.tokens.full);
    const [service, baseline] = first === 'service' ? [created, replayed] : [replayed, created];
    report.compared++;
    if (!report.names.includes(request.name)) report.names.push(request.name);
    const statusOf = (answer: Answer) => (answer.status === 200 ? (JSON.parse(answer.text) as { CreatedRecordStatus: string; id: string }) : undefined);
    const [made, again] = [statusOf(created), statusOf(replayed)];
    const location = (answer: Answer, origin: string) => normalize(answer, origin).headers.location;
    if (made?.CreatedRecordStatus !== 'Created' || again?.CreatedRecordStatus !== 'AlreadyExists' || made.id !== again.id) {
      mismatch(request, `registered on the ${first} (${created.status} ${created.text}), replayed on the other (${replayed.status} ${replayed.text})`, service, baseline);
    } else if (location(service, options.service.origin) !== location(baseline, options.baseline.origin)) {
      mismatch(request, 'Location differs between registration and replay', service, baseline);
    }
    await compare({ ...request, name: `${request.name}: replay on both` });
    return new URL(created.headers.location ?? 'http://invalid/0').pathname.split('/').pop()!;
  };

  const a = communication(customer, `${prefix}-a`);
  await registerThenReplay('service', post('register on the service, replay on the baseline', a));
  const b = { ...communication(customer, `${prefix}-b`), medium: ' EMAIL ', 'communication-type': 'Complaint', 'event-data-xml': '<note a="1">Hello &amp; bye<to>Tom</to></note>' };
  await registerThenReplay('baseline', post('register with XML on the baseline, replay on the service', b));
  await compare(post('same workitem-id, other body (409)', { ...a, title: 'Another title' }));
  const c = { ...communication(customer, `${prefix}-c`) } as Record<string, unknown>;
  c['related-workitem-number'] = c['workitem-id'];
  delete c['workitem-id'];
  await registerThenReplay('baseline', post('register via the alias related-workitem-number', c));
  await registerThenReplay('service', post('register with an Idempotency-Key', communication(customer, `${prefix}-d`), { 'Idempotency-Key': `${prefix}-key` }));
  await compare(post('same Idempotency-Key, other body (409)', communication(customer, `${prefix}-e`), { 'Idempotency-Key': `${prefix}-key` }));
  // The same registration stored by each side: the events must read the same but for their id, time and workitem-id.
  const twin = (workitem: string) => ({ ...communication(customer, workitem), 'resolution-status': 'In-Progress', 'responds-to-id': 'WI-1', to: 'Tom & <Jerry>' });
  const byService = await registerThenReplay('service', post('twin registered on the service', twin(`${prefix}-f`)));
  const byBaseline = await registerThenReplay('baseline', post('twin registered on the baseline', twin(`${prefix}-g`)));
  const read = async (id: string) => {
    const answer = await call(options.service, { name: 'read twin', path: `${API}/communication-events/${id}` }, options.tokens.full);
    return answer.text.replace(/"event-id":\d+|"creation-datetime":"[^"]+"|-[fg](?=["<])/g, '');
  };
  const [storedByService, storedByBaseline] = [await read(byService), await read(byBaseline)];
  report.compared++;
  if (storedByService !== storedByBaseline) {
    const answer = (text: string): Answer => ({ status: 200, text, headers: {} });
    mismatch(post('the same registration stored by each side', {}), 'stored events differ', answer(storedByService), answer(storedByBaseline));
  }
  for (const [name, body] of [
    ['missing medium (400)', { ...communication(customer, `${prefix}-x`), medium: undefined }],
    ['unknown member (400)', { ...communication(customer, `${prefix}-x`), colour: 'blue' }],
    ['unknown medium (400)', { ...communication(customer, `${prefix}-x`), medium: 'pigeon' }],
    ['title too long (400)', { ...communication(customer, `${prefix}-x`), title: 'x'.repeat(201) }],
    ['customer-number not a string (400)', { ...communication(customer, `${prefix}-x`), 'customer-number': 1400269 }],
    ['malformed XML (400)', { ...communication(customer, `${prefix}-x`), 'event-data-xml': '<a><b></a>' }],
    ['another customer with a bound token (403)', communication('1400269', `${prefix}-x`)],
  ] as const) {
    const request = post(name, body);
    if (name.includes('bound')) request.token = options.tokens.bound(customer);
    await compare(request);
  }
}

/** The tutorial's communication registration for a customer (the same body the e2e tests send). */
export const communication = tutorialCommunication;

async function call(target: ParityTarget, request: Request, defaultToken: string): Promise<Answer> {
  const headers: Record<string, string> = { ...(request.headers ?? {}) };
  const token = request.token === undefined ? defaultToken : request.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${target.origin}${request.path}`, {
    method: request.method ?? 'GET',
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
  });
  return {
    status: response.status,
    text: await response.text(),
    headers: { location: response.headers.get('location'), 'www-authenticate': response.headers.get('www-authenticate') },
  };
}

function normalize(answer: Answer, origin: string): Answer {
  const replace = (text: string | null) => (text === null ? null : text.split(origin).join(HOST));
  return { status: answer.status, text: replace(answer.text)!, headers: Object.fromEntries(Object.entries(answer.headers).map(([name, value]) => [name, replace(value)])) };
}

/** Why two answers differ, or undefined when they do not. */
export function difference(service: Answer, baseline: Answer): string | undefined {
  if (service.status !== baseline.status) return `status ${service.status} vs ${baseline.status}`;
  for (const header of ['location', 'www-authenticate']) {
    if (service.headers[header] !== baseline.headers[header]) return `${header}: ${service.headers[header]} vs ${baseline.headers[header]}`;
  }
  if (service.status === 400) {
    const essence = (text: string) => {
      const body = JSON.parse(text) as { problem: string; errors?: { tag: string; error: string }[] };
      return JSON.stringify([body.problem, (body.errors ?? []).map((error) => `${error.tag}:${error.error}`).sort()]);
    };
    const [a, b] = [essence(service.text), essence(baseline.text)];
    return a === b ? undefined : `400 problems differ: ${a} vs ${b}`;
  }
  if (service.text === baseline.text) return undefined;
  let at = 0;
  while (at < service.text.length && service.text[at] === baseline.text[at]) at++;
  return `bodies differ at character ${at}: …${service.text.slice(Math.max(0, at - 60), at + 80)}… vs …${baseline.text.slice(Math.max(0, at - 60), at + 80)}…`;
}
