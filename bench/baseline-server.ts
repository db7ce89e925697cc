import 'reflect-metadata';
import { createHash } from 'node:crypto';
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jwtVerify } from 'jose';
import { Pool, PoolClient, QueryResultRow } from 'pg';
import { DevIssuerKeys } from '../src/common/auth/dev-issuer.keys';
import { accessTokenChecks, verificationKey } from '../src/common/auth/jwt.strategy';
import { PROBLEM_CONTENT_TYPE, ProblemFieldError, problemFor } from '../src/common/errors/problem';
import { ProblemException, ValidationProblem } from '../src/common/errors/problem.exception';
import { authConfig, AuthConfig } from '../src/config';
import { EventXmlFlattener, EventXmlRenderer } from '../src/events/core/event-xml';
import { decodeCursor, encodeCursor, queryFingerprint } from '../src/events/core/page-cursor';
import { Paginator } from '../src/events/core/paginator';
import { EventIdPipe } from '../src/common/http/event-id.pipe';
import { describeTokenError } from '../src/common/auth/access-token.guard';

// The service's pure helpers, so answers match byte for byte; the SQL and the server are the baseline's own.
const paginator = new Paginator();
const eventIds = new EventIdPipe();

/**
 * The yardstick: the smallest server that answers the benchmark's requests
 * exactly as the service does, on the same database. Plain fastify and pg,
 * named prepared statements, an RS256 check of the bearer token on every
 * request, and the straightforward SQL: count(*) and ORDER BY ... LIMIT/OFFSET.
 *
 * Reused from the service, as pure code: the dev issuer's key file, the
 * problem literals, the XML flattener and renderer (event-xml.ts; importing it
 * loads @nestjs/common and the config module, which nothing calls per request)
 * and the cursor encoding (page-cursor.ts), so the navigation links it writes
 * are the service's. It reads every cursor it is given but never seeks with
 * one: a deep page is found by OFFSET.
 *
 * It serves GET /events, GET /events/{id}, GET /communication-events/{id} and
 * POST /communication-events, unversioned and under /v2.0.
 */
export interface BaselineOptions {
  databaseUrl: string;
  /** The service's DATA_DIR: the dev issuer's key is read from it. */
  dataDir: string;
  port?: number;
  host?: string;
  poolSize?: number;
}

export interface Baseline {
  origin: string;
  close(): Promise<void>;
}

const READ_SCOPE = 'customer-event:read';
const WRITE_SCOPE = 'customer-event:write';
const REALM = 'Bearer realm="customer-event"';
const VERSIONED_ROOT = '/customer-event/v2.0';
const KEYSET_FROM_OFFSET = 1000;

interface Caller {
  subject: string;
  scopes: Set<string>;
  customerNumber?: string;
}

// ---------------------------------------------------------------- validation

type Rule = {
  wire: string;
  property: string;
  required?: boolean;
  maxLength?: number;
  enum?: readonly string[];
  pattern?: RegExp;
  integer?: { min: number; max: number; default: number };
  dateTime?: boolean;
  default?: string;
};

const NAME_LIST = /^[A-Za-z0-9*-]+(,[A-Za-z0-9*-]+)*$/;
const CUSTOMER = /^[A-Za-z0-9-]{1,32}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ALIASES: Record<string, string> = { page: 'page-number', 'related-workitem-number': 'workitem-id' };

const SHAPE_RULES: Rule[] = [
  { wire: 'include', property: 'include', maxLength: 500, pattern: NAME_LIST },
  { wire: 'trim', property: 'trim', maxLength: 500, pattern: NAME_LIST },
];
const LIST_RULES: Rule[] = [
  ...SHAPE_RULES,
  { wire: 'customer-number', property: 'customerNumber', maxLength: 32, pattern: CUSTOMER },
  { wire: 'event-kind', property: 'eventKind', maxLength: 1000, pattern: /^[A-Za-z0-9-]+(,[A-Za-z0-9-]+)*$/ },
  { wire: 'date-from', property: 'dateFrom', dateTime: true },
  { wire: 'date-to', property: 'dateTo', dateTime: true },
  { wire: 'page-number', property: 'pageNumber', integer: { min: 1, max: 10_000_000, default: 1 } },
  { wire: 'page-size', property: 'pageSize', integer: { min: 1, max: 100, default: 20 } },
  { wire: 'sort-by', property: 'sortBy', enum: ['creation-datetime', 'event-id', 'event-kind'], default: 'creation-datetime' },
  { wire: 'sort-order', property: 'sortOrder', enum: ['desc', 'asc'], default: 'desc' },
  { wire: 'cursor', property: 'cursor', maxLength: 400, pattern: /^[A-Za-z0-9_-]+$/ },
];
const MEDIUMS = ['phone', 'mail', 'email', 'fax', 'face-to-face-meeting', 'sms', 'web', 'wap', 'instant-message', 'other-communication-technology'];
const COMMUNICATION_RULES: Rule[] = [
  { wire: 'customer-number', property: 'customerNumber', required: true, maxLength: 32, pattern: CUSTOMER },
  { wire: 'description', property: 'description', maxLength: 1000 },
  { wire: 'event-data-xml', property: 'eventDataXml' },
  { wire: 'workitem-id', property: 'workitemId', required: true, maxLength: 64 },
  { wire: 'from', property: 'from', maxLength: 200 },
  { wire: 'to', property: 'to', maxLength: 200 },
  { wire: 'title', property: 'title', maxLength: 200 },
  { wire: 'medium', property: 'medium', required: true, enum: MEDIUMS },
  { wire: 'purpose', property: 'purpose', maxLength: 100 },
  { wire: 'return-address', property: 'returnAddress', maxLength: 500 },
  { wire: 'communication-type', property: 'communicationType', enum: ['general-communication', 'complaint', 'feedback'] },
  { wire: 'resolution-status', property: 'resolutionStatus', enum: ['open', 'in-progress', 'resolved', 'unresolved', 'escalated'] },
  { wire: 'referral-communication-id', property: 'referralCommunicationId', maxLength: 64 },
  { wire: 'responds-to-id', property: 'respondsToId', maxLength: 64 },
];
/** The communication table's own columns, by property. */
const COMMUNICATION_COLUMNS: [property: string, column: string][] = [
  ['from', 'from'],
  ['to', 'to'],
  ['title', 'title'],
  ['medium', 'medium'],
  ['purpose', 'purpose'],
  ['returnAddress', 'return_address'],
  ['communicationType', 'communication_type'],
  ['resolutionStatus', 'resolution_status'],
  ['referralCommunicationId', 'referral_communication_id'],
  ['respondsToId', 'responds_to_id'],
];
/** The detail's kind members: wire name and the column it is read from. */
const COMMUNICATION_MEMBERS: [wire: string, column: string][] = [
  ['customer-number', 'customer_number'],
  ['workitem-id', 'workitem_id'],
  ...COMMUNICATION_COLUMNS.map(([property, column]) => [COMMUNICATION_RULES.find((rule) => rule.property === property)!.wire, column] as [string, string]),
];

/** Validates a query or body by wire names, as the service's wire validation does: unknown names are refused. */
function validate(rules: Rule[], value: unknown, place: 'body' | 'query'): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (place === 'query' && value === undefined) value = {};
    else throw new ValidationProblem([{ tag: 'body', error: 'invalid-format', message: 'The body must be a JSON object' }]);
  }
  const errors: ProblemFieldError[] = [];
  const given = new Map<string, unknown>();
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    const canonical = rules.some((rule) => rule.wire === key) ? key : rules.some((rule) => rule.wire === ALIASES[key]) ? ALIASES[key] : undefined;
    if (!canonical) errors.push({ tag: key, error: 'not-allowed', message: `'${key}' is not a ${place === 'body' ? 'member of this body' : 'parameter of this operation'}` });
    else if (place === 'query' && Array.isArray(raw)) errors.push({ tag: key, error: 'invalid-format', message: `'${key}' must be given once` });
    else if (given.has(canonical)) errors.push({ tag: key, error: 'not-allowed', message: `'${key}' and '${canonical}' name the same ${place === 'body' ? 'member' : 'parameter'}` });
    else given.set(canonical, raw);
  }
  const result: Record<string, unknown> = {};
  for (const rule of rules) {
    if (errors.some((error) => error.tag === rule.wire)) continue;
    const checked = check(rule, given.get(rule.wire));
    if (typeof checked === 'object' && checked !== null && 'error' in checked) errors.push(checked as ProblemFieldError);
    else result[rule.property] = checked;
  }
  if (errors.length > 0) throw new ValidationProblem(errors);
  return result;
}

function check(rule: Rule, raw: unknown): unknown {
  const fail = (error: ProblemFieldError['error'], message: string) => ({ tag: rule.wire, error, message: `'${rule.wire}' ${message}` });
  if (raw === undefined || raw === null) {
    if (rule.required) return fail('required', 'is required');
    return rule.integer ? rule.integer.default : (rule.default ?? raw);
  }
  if (rule.integer) {
    const value = typeof raw === 'string' && /^[+-]?\d{1,16}$/.test(raw) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isInteger(value)) return fail('invalid-format', 'must be an integer number');
    if (value < rule.integer.min) return fail('out-of-range', `must not be less than ${rule.integer.min}`);
    if (value > rule.integer.max) return fail('out-of-range', `must not be greater than ${rule.integer.max}`);
    return value;
  }
  let value = raw;
  if (rule.enum && typeof value === 'string') value = value.trim().toLowerCase();
  if (rule.dateTime && typeof value === 'string') value = value.replace(/ (\d{2}:\d{2})$/, '+$1');
  if (typeof value !== 'string') return fail('invalid-format', 'must be a string');
  if (rule.required && value === '') return fail('required', 'is required');
  if (value.includes('\u0000')) return fail('invalid-format', 'must not contain NUL characters');
  if (UNPAIRED_SURROGATE.test(value)) return fail('invalid-format', 'must not contain unpaired surrogates');
  if (rule.enum && !rule.enum.includes(value)) return fail('unknown-enum', `must be one of the following values: ${rule.enum.join(', ')}`);
  if (rule.maxLength !== undefined && value.length > rule.maxLength) return fail('max-length', `must be shorter than or equal to ${rule.maxLength} characters`);
  if (rule.dateTime && (!RFC3339.test(value) || !isRealDate(value))) return fail('invalid-format', 'must be an RFC 3339 date-time with an offset');
  if (rule.pattern && !rule.pattern.test(value)) return fail('invalid-format', 'has an invalid format');
  return value;
}

function isRealDate(value: string): boolean {
  const day = value.slice(0, 10);
  const midnight = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(midnight.getTime()) && midnight.toISOString().slice(0, 10) === day && !Number.isNaN(new Date(value).getTime());
}

// ------------------------------------------------------------------- shaping

const OPTIONAL = ['event-data-xml', 'event-data-key-values'];
const SUMMARY_MEMBERS = ['event-id', 'creation-datetime', 'description', 'event-kind', 'uri'];
const DETAIL_MEMBERS = ['event-id', 'creation-datetime', 'description', 'event-kind', 'event-data-xml', 'event-data-key-values'];

interface Shape {
  include: Set<string>;
  trim: Set<string>;
}

function parseShape(include: unknown, trim: unknown, members: readonly string[]): Shape {
  const names = (value: unknown, tag: string, allowed: Set<string>) => {
    const list = String(value ?? '').split(',').filter((name) => name.length > 0);
    const expanded = tag === 'include' && list.includes('*') ? [...allowed] : list;
    const unknown = expanded.filter((name) => !allowed.has(name));
    if (unknown.length > 0) {
      throw new ValidationProblem([{ tag, error: 'unknown-enum', message: `'${tag}' names unknown members (${unknown.join(', ')}); known: ${[...allowed].join(', ')}${tag === 'include' ? ', *' : ''}` }]);
    }
    return new Set(expanded);
  };
  const trimmed = names(trim, 'trim', new Set([...members, ...OPTIONAL]));
  trimmed.delete('event-id');
  return { include: names(include, 'include', new Set(OPTIONAL)), trim: trimmed };
}

function applyTrim(object: Record<string, unknown>, shape: Shape): Record<string, unknown> {
  for (const name of shape.trim) delete object[name];
  return object;
}

// ------------------------------------------------------------------- server

const KIND_NAMES: Record<string, string> = {
  communication: 'CommunicationEvent',
  social: 'SocialEvent',
  'accounting-transaction': 'AccountingTransactionEvent',
  'customer-case': 'CustomerCaseEvent',
  'arrangement-activity': 'ArrangementActivityEvent',
  'profile-maintenance': 'ProfileMaintenanceEvent',
  'chargable-activity': 'ChargeableActivityEvent',
  'chargeable-activity': 'ChargeableActivityEvent',
};
const SORT_COLUMNS: Record<string, string[]> = {
  'creation-datetime': ['creation_datetime', 'event_id'],
  'event-id': ['event_id'],
  'event-kind': ['event_kind', 'creation_datetime', 'event_id'],
};

export async function startBaseline(options: BaselineOptions): Promise<Baseline> {
  const auth: AuthConfig = authConfig();
  if (!auth.devIssuer) throw new Error('The baseline checks tokens of the local dev issuer only');
  const publicKey = DevIssuerKeys.loadOrCreate(options.dataDir).publicKey;
  const flattener = new EventXmlFlattener({ xmlMaxBytes: Number(process.env.XML_MAX_BYTES ?? 256 * 1024), xmlMaxDepth: Number(process.env.XML_MAX_DEPTH ?? 32) });
  const renderer = new EventXmlRenderer();
  const pool = new Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10, application_name: 'bench-baseline' });
  const query = async <T extends QueryResultRow>(name: string, text: string, values: unknown[], client: Pool | PoolClient = pool) =>
    (await client.query<T>({ name, text, values })).rows;

  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  let closing = false;

  // The service's own checks, with jose's asynchronous verification, on the same key.
  const tokenChecks = accessTokenChecks(auth);
  const tokenKey = verificationKey(publicKey);
  const authenticate = async (request: FastifyRequest, scope: string): Promise<Caller> => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^bearer\s+(\S+)$/i.exec(header.trim()) : null;
    if (!match) {
      if (typeof header !== 'string' || !/^bearer\s+\S/i.test(header)) {
        throw new ProblemException(401, 'An OAuth 2.0 bearer access token is required in the Authorization header', undefined, { 'WWW-Authenticate': REALM });
      }
    }
    let claims: Record<string, unknown>;
    try {
      claims = (await jwtVerify(match![1], tokenKey, tokenChecks)).payload as Record<string, unknown>;
    } catch (error) {
      const reason = describeTokenError(error);
      throw new ProblemException(401, `The access token is not valid: ${reason}`, undefined, {
        'WWW-Authenticate': `${REALM}, error="invalid_token", error_description="${reason}"`,
      });
    }
    const scopes = new Set<string>(typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : []);
    if (Array.isArray(claims.scp)) for (const entry of claims.scp) if (typeof entry === 'string') scopes.add(entry);
    if (typeof claims.scp === 'string') for (const entry of claims.scp.split(' ')) if (entry) scopes.add(entry);
    if (!scopes.has(scope)) {
      throw new ProblemException(403, `This operation needs the scope ${scope}`, undefined, {
        'WWW-Authenticate': `${REALM}, error="insufficient_scope", error_description="The token lacks the scope ${scope}", scope="${scope}"`,
      });
    }
    const bound = claims[auth.customerClaim];
    return {
      subject: typeof claims.sub === 'string' ? claims.sub : 'unknown',
      scopes,
      customerNumber: typeof bound === 'string' || typeof bound === 'number' ? String(bound) : undefined,
    };
  };

  const customerScope = (requested: string | undefined, caller: Caller) => {
    if (caller.customerNumber === undefined) return requested;
    if (requested !== undefined && requested !== caller.customerNumber) {
      throw new ProblemException(403, `This token may only access the events of customer ${caller.customerNumber}`);
    }
    return caller.customerNumber;
  };

  const root = (request: FastifyRequest) => {
    const host = /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(request.host ?? '') ? request.host : 'localhost';
    return `${request.protocol}://${host}${VERSIONED_ROOT}`;
  };

  const common = (row: EventRow) => ({
    'event-id': Number(row.event_id),
    'creation-datetime': row.creation_datetime.toISOString(),
    description: row.description,
    'event-kind': row.event_kind,
  });
  const keyValues = (xml: string | null) =>
    flattener.flatten(xml).map((entry) => ({ 'event-data-xml-parent-key': entry.parentKey, 'event-data-xml-key': entry.key, 'event-data-xml-value': entry.value }));
  const detailBody = (row: EventRow, shape: Shape, members: Record<string, unknown> = {}) => {
    const detail: Record<string, unknown> = { ...common(row), ...members, 'event-data-xml': row.event_data_xml };
    if (!shape.trim.has('event-data-key-values')) detail['event-data-key-values'] = keyValues(row.event_data_xml);
    return applyTrim(detail, shape);
  };

  const list = async (request: FastifyRequest) => {
    const caller = await authenticate(request, READ_SCOPE);
    const q = validate(LIST_RULES, request.query, 'query') as {
      include?: string; trim?: string; customerNumber?: string; eventKind?: string; dateFrom?: string; dateTo?: string;
      pageNumber: number; pageSize: number; sortBy: string; sortOrder: string; cursor?: string;
    };
    const shape = parseShape(q.include, q.trim, SUMMARY_MEMBERS);
    const withXml = shape.include.size > 0;
    const customer = customerScope(q.customerNumber, caller);
    const kinds = q.eventKind === undefined ? undefined : resolveKinds(q.eventKind);
    const from = q.dateFrom ? new Date(q.dateFrom) : undefined;
    const to = q.dateTo ? new Date(q.dateTo) : undefined;
    if (q.cursor) decodeCursor(q.cursor); // a garbled cursor is a 400; a good one changes nothing here (OFFSET finds the page)

    const where: string[] = [];
    const values: unknown[] = [];
    const add = (condition: (parameter: string) => string, value: unknown) => {
      values.push(value);
      where.push(condition(`$${values.length}`));
    };
    if (customer !== undefined) add((p) => `customer_number = ${p}`, customer);
    if (kinds) add((p) => `event_kind = ANY(${p}::varchar[])`, kinds);
    if (from) add((p) => `creation_datetime >= ${p}`, from);
    if (to) add((p) => `creation_datetime < ${p}`, to);
    const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
    const shapeName = `${customer !== undefined ? 'c' : ''}${kinds ? 'k' : ''}${from ? 'f' : ''}${to ? 't' : ''}`;
    const [{ count }] = await query<{ count: string }>(`count-${shapeName}`, `SELECT count(*) AS count FROM customer_event${filter}`, values);
    const total = Number(count);
    const offset = (q.pageNumber - 1) * q.pageSize;
    let rows: EventRow[] = [];
    if (offset < total) {
      const direction = q.sortOrder === 'desc' ? 'DESC' : 'ASC';
      const order = SORT_COLUMNS[q.sortBy].map((column) => `${column} ${direction}`).join(', ');
      const columns = `event_id, creation_datetime, description, event_kind${withXml ? ', event_data_xml' : ''}`;
      rows = await query<EventRow>(
        `page-${shapeName}-${q.sortBy}-${direction}-${withXml ? 'x' : ''}`,
        `SELECT ${columns} FROM customer_event${filter} ORDER BY ${order} LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
        [...values, q.pageSize, offset],
      );
    }
    const eventsRoot = `${root(request)}/events`;
    const totalPages = Math.ceil(total / q.pageSize);
    const items = rows.map((row) => {
      const item: Record<string, unknown> = { ...common(row), uri: `${eventsRoot}/${row.event_id}` };
      if (shape.include.has('event-data-xml')) item['event-data-xml'] = row.event_data_xml;
      if (shape.include.has('event-data-key-values')) item['event-data-key-values'] = keyValues(row.event_data_xml);
      return applyTrim(item, shape);
    });
    // The service's keyset cursors for deep neighbours, so both write the same links.
    const cursors: { next?: string; prev?: string } = {};
    if (rows.length > 0) {
      const fingerprint = queryFingerprint([customer, kinds, from, to, q.sortBy, q.sortOrder, q.pageSize]);
      const keyOf = (row: EventRow) =>
        SORT_COLUMNS[q.sortBy].map((column) => (column === 'creation_datetime' ? row.creation_datetime.toISOString() : column === 'event_id' ? Number(row.event_id) : row.event_kind));
      const deep = (page: number) => (page - 1) * q.pageSize >= KEYSET_FROM_OFFSET;
      const next = q.pageNumber + 1;
      if (deep(next) && (next - 1) * q.pageSize < total) cursors.next = encodeCursor({ page: next, direction: 'after', key: keyOf(rows[rows.length - 1]), query: fingerprint });
      const prev = q.pageNumber - 1;
      if (prev >= 1 && deep(prev)) cursors.prev = encodeCursor({ page: prev, direction: 'before', key: keyOf(rows[0]), query: fingerprint });
    }
    const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    return {
      'total-count': total,
      'page-size': q.pageSize,
      'page-number': q.pageNumber,
      'total-pages': totalPages,
      items,
      navigations: paginator.navigations(eventsRoot, search, q, totalPages, cursors),
    };
  };

  const detail = async (request: FastifyRequest<{ Params: { eventId: string } }>) => {
    const caller = await authenticate(request, READ_SCOPE);
    const eventId = eventIds.transform(request.params.eventId);
    const q = validate(SHAPE_RULES, request.query, 'query');
    const shape = parseShape(q.include, q.trim, DETAIL_MEMBERS);
    const rows =
      caller.customerNumber === undefined
        ? await query<EventRow>('detail', `SELECT ${EVENT_COLUMNS} FROM customer_event WHERE event_id = $1 LIMIT 1`, [eventId])
        : await query<EventRow>('detail-bound', `SELECT ${EVENT_COLUMNS} FROM customer_event WHERE event_id = $1 AND customer_number = $2 LIMIT 1`, [eventId, caller.customerNumber]);
    if (rows.length === 0) throw new ProblemException(404, `There is no event with event-id ${eventId}`);
    return detailBody(rows[0], shape);
  };

  const communicationDetail = async (request: FastifyRequest<{ Params: { eventId: string } }>) => {
    const caller = await authenticate(request, READ_SCOPE);
    const eventId = eventIds.transform(request.params.eventId);
    const q = validate(SHAPE_RULES, request.query, 'query');
    const shape = parseShape(q.include, q.trim, [...DETAIL_MEMBERS, ...COMMUNICATION_MEMBERS.map(([wire]) => wire)]);
    const columns = `${EVENT_COLUMNS.split(', ').map((column) => `e.${column}`).join(', ')}, e.workitem_id, ${COMMUNICATION_COLUMNS.map(([, column]) => `c."${column}"`).join(', ')}`;
    const join = `FROM customer_event e LEFT JOIN communication_event c ON c.customer_number = e.customer_number AND c.event_id = e.event_id`;
    const rows =
      caller.customerNumber === undefined
        ? await query<EventRow>('communication', `SELECT ${columns} ${join} WHERE e.event_id = $1 AND e.event_kind = 'CommunicationEvent' LIMIT 1`, [eventId])
        : await query<EventRow>('communication-bound', `SELECT ${columns} ${join} WHERE e.event_id = $1 AND e.event_kind = 'CommunicationEvent' AND e.customer_number = $2 LIMIT 1`, [eventId, caller.customerNumber]);
    if (rows.length === 0) throw new ProblemException(404, `There is no CommunicationEvent with event-id ${eventId}`);
    const row = rows[0] as EventRow & Record<string, unknown>;
    return detailBody(row, shape, Object.fromEntries(COMMUNICATION_MEMBERS.map(([wire, column]) => [wire, row[column] ?? null])));
  };

  const registerCommunication = async (request: FastifyRequest, reply: FastifyReply) => {
    const caller = await authenticate(request, WRITE_SCOPE);
    const body = validate(COMMUNICATION_RULES, request.body, 'body') as Record<string, string | null | undefined>;
    const idempotencyKey = parseIdempotencyKey(request.headers['idempotency-key']);
    customerScope(body.customerNumber!, caller);
    if (body.eventDataXml != null) flattener.assertValid(body.eventDataXml);
    const eventDataXml =
      body.eventDataXml ??
      renderer.render(
        'communication-event',
        COMMUNICATION_RULES.filter((rule) => rule.wire !== 'event-data-xml').map((rule) => [rule.wire, body[rule.property]]),
      );
    // The service's fingerprint: the event kind and every member of the validated body, sorted by name.
    const canonical = JSON.stringify(['CommunicationEvent', Object.keys(body).sort().map((key) => [key, body[key] ?? null])]);
    const fingerprint = createHash('sha256').update(canonical).digest('hex');
    for (let attempt = 0; attempt < 3; attempt++) {
      const client = await pool.connect();
      let result: { eventId: number; workitemId: string | null; created: boolean } | undefined;
      try {
        await client.query('BEGIN');
        const inserted = await query<{ event_id: string }>(
          'register',
          `INSERT INTO customer_event (customer_number, event_kind, description, event_data_xml, workitem_id, idempotency_key, request_fingerprint)
           VALUES ($1, 'CommunicationEvent', $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING event_id`,
          [body.customerNumber, body.description ?? null, eventDataXml, body.workitemId, idempotencyKey, fingerprint],
          client,
        );
        if (inserted.length === 1) {
          await query(
            'register-communication',
            `INSERT INTO communication_event (customer_number, event_id, ${COMMUNICATION_COLUMNS.map(([, column]) => `"${column}"`).join(', ')})
             VALUES ($1, $2, ${COMMUNICATION_COLUMNS.map((_, index) => `$${index + 3}`).join(', ')})`,
            [body.customerNumber, inserted[0].event_id, ...COMMUNICATION_COLUMNS.map(([property]) => body[property] ?? null)],
            client,
          );
          result = { eventId: Number(inserted[0].event_id), workitemId: body.workitemId!, created: true };
        } else {
          const [existing] = await query<{ event_id: string; workitem_id: string | null; request_fingerprint: string | null }>(
            'registered',
            `SELECT event_id, workitem_id, request_fingerprint FROM customer_event
             WHERE customer_number = $1 AND ((event_kind = 'CommunicationEvent' AND workitem_id = $2) OR idempotency_key = $3)
             ORDER BY event_id LIMIT 1`,
            [body.customerNumber, body.workitemId, idempotencyKey],
            client,
          );
          if (existing && existing.request_fingerprint !== fingerprint) {
            throw new ProblemException(
              409,
              idempotencyKey !== null && existing.workitem_id !== body.workitemId
                ? 'This Idempotency-Key was already used for a different registration'
                : 'An event with this key (workitem-id or Idempotency-Key) was already registered with a different body',
            );
          }
          if (existing) result = { eventId: Number(existing.event_id), workitemId: existing.workitem_id, created: false };
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
      if (result) {
        reply.header('Location', `${root(request)}/communication-events/${result.eventId}`);
        return { id: result.workitemId ?? String(result.eventId), CreatedRecordStatus: result.created ? 'Created' : 'AlreadyExists' };
      }
    }
    throw new ProblemException(409, 'A concurrent registration with the same key did not settle; retry the request');
  };

  for (const prefix of ['/customer-event', VERSIONED_ROOT]) {
    app.get(`${prefix}/events`, list);
    app.get(`${prefix}/events/:eventId`, detail);
    app.get(`${prefix}/communication-events/:eventId`, communicationDetail);
    app.post(`${prefix}/communication-events`, registerCommunication);
  }
  app.setNotFoundHandler((request, reply) => {
    sendProblem(reply, request, new ProblemException(404, `No resource at ${request.method} ${request.url.split('?')[0].slice(0, 200)}`));
  });
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error instanceof ProblemException) return sendProblem(reply, request, error);
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      const detail =
        error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'The request body must be application/json'
          : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? 'The request body is larger than this service accepts'
            : error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
              ? 'The request body is empty; send a JSON object'
              : 'The request body is not valid JSON';
      return sendProblem(reply, request, new ProblemException(error.statusCode, detail));
    }
    if (!closing) process.stderr.write(`baseline: ${error.stack ?? error.message}\n`);
    return sendProblem(reply, request, new ProblemException(500, 'An unexpected error occurred; nothing was changed'));
  });

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${address.port}`,
    async close() {
      closing = true;
      await app.close();
      await pool.end();
    },
  };
}

interface EventRow {
  customer_number?: string;
  event_id: string;
  event_kind: string;
  creation_datetime: Date;
  description: string | null;
  event_data_xml: string | null;
}

const EVENT_COLUMNS = 'customer_number, event_id, event_kind, creation_datetime, description, event_data_xml';

function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: ProblemException) {
  const { type, title, problem: literal } = problemFor(problem.status);
  reply
    .status(problem.status)
    .headers(problem.headers)
    .header('Content-Type', PROBLEM_CONTENT_TYPE)
    .send({
      type,
      title,
      status: problem.status,
      detail: problem.detail,
      instance: (request.url ?? '/').split('?')[0].slice(0, 2048),
      problem: literal,
      ...(problem.errors ? { errors: problem.errors } : {}),
    });
}

function resolveKinds(filter: string): string[] {
  const values = new Set<string>();
  for (const token of filter.split(',').map((part) => part.trim())) {
    const kind = KIND_NAMES[token.toLowerCase()];
    if (kind) values.add(kind);
    else if (/^[A-Z][A-Za-z0-9]{0,58}Event$/.test(token)) values.add(token);
    else throw new ValidationProblem([{ tag: 'event-kind', error: 'unknown-enum', message: `'event-kind' value '${token.slice(0, 64)}' is neither a kind nor an event-kind value` }]);
  }
  return [...values];
}

function parseIdempotencyKey(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(value)) {
    throw new ValidationProblem([{ tag: 'Idempotency-Key', error: 'invalid-format', message: `'Idempotency-Key' must be 1 to 255 visible ASCII characters` }]);
  }
  return value;
}

if (require.main === module) {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    process.stderr.write('DATABASE_URL is required\n');
    process.exit(2);
  }
  startBaseline({
    databaseUrl,
    dataDir: process.env.DATA_DIR ?? './data',
    port: Number(process.env.PORT ?? 62234),
    host: process.env.HOST ?? '127.0.0.1',
    poolSize: Number(process.env.DATABASE_POOL_SIZE ?? 10),
  }).then(
    (baseline) => {
      process.stdout.write(`baseline listening on ${baseline.origin}\n`);
      const stop = () => void baseline.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (error: Error) => {
      process.stderr.write(`baseline failed to start: ${error.message}\n`);
      process.exit(1);
    },
  );
}
