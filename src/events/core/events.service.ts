import { Injectable, Type } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ReadRouter } from '../../database/read-router';
import { Caller } from '../../common/auth/caller';
import { ConflictProblem, ForbiddenProblem, NotFoundProblem } from '../../common/errors/problem.exception';
import { ListEventsQuery } from './dto/list-events.query';
import { EventKindCatalog } from './event-kind.catalog';
import { EventEntity } from './event.entity';
import { KindDetailsEntity } from './kind-details.entity';
import { decodeCursor, encodeCursor, invalidCursor, PageCursor, queryFingerprint } from './page-cursor';
import { EventKind } from './event-kind';
import { EventXmlFlattener, KeyValueRuns, packKeyValues } from './event-xml';
import { EventSql, ListFilter, ListRow, ListStatements, SORT_KEYS, SortBy } from './event-sql';
import { MetricsService } from '../../metrics/metrics.service';

export interface Registration {
  customerNumber: string;
  eventKind: string;
  description: string | null;
  eventDataXml: string;
  workitemId: string | null;
  idempotencyKey: string | null;
  /** The registration as validated, to tell a replay from a conflicting reuse of a key. */
  canonicalBody: Record<string, unknown>;
  kind?: { entity: Type<KindDetailsEntity>; values: Record<string, unknown> };
}

export interface RegistrationResult {
  event: Pick<EventEntity, 'eventId' | 'workitemId' | 'eventKind'>;
  created: boolean;
}

export interface EventPage {
  total: number;
  events: EventEntity[];
  /** Keyset cursors for the next and previous pages, when those are deep enough to need one. */
  next?: string;
  prev?: string;
}

/** An event a caller may see and, when asked for a kind, that kind's own members by property name. */
export interface VisibleEvent {
  event: EventEntity;
  kindValues: Record<string, unknown>;
}

/** Pages that start this many rows in are linked with a keyset cursor rather than reached by OFFSET. */
export const KEYSET_FROM_OFFSET = 1000;

/** A sort key value as `sortKeyOf` issues it: an ISO instant, a positive event id, an event kind. */
const isSortKeyValue = (property: keyof EventEntity, value: string | number): boolean =>
  property === 'eventId'
    ? Number.isSafeInteger(value) && (value as number) >= 1
    : typeof value === 'string' &&
      (property === 'creationDatetime'
        ? /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) && !Number.isNaN(Date.parse(value))
        : /^[A-Za-z0-9-]{1,64}$/.test(value));

const sortKeyOf = (sortBy: SortBy, event: EventEntity) =>
  SORT_KEYS[sortBy].map((property) => (property === 'creationDatetime' ? event.creationDatetime.toISOString() : event[property]));

/** The narrow core every kind shares: find, list and register events. */
@Injectable()
export class EventsService {
  constructor(
    private readonly reads: ReadRouter,
    private readonly catalog: EventKindCatalog,
    private readonly metrics: MetricsService,
    private readonly sql: EventSql,
    private readonly flattener: EventXmlFlattener,
  ) {}

  /**
   * One page of events (newest first by default) with the exact count, and
   * keyset cursors for the next and previous pages when those lie deep.
   */
  async list(query: ListEventsQuery, caller: Caller, withPayload: boolean): Promise<EventPage> {
    const filter = this.listFilter(query, caller);
    const cursor = this.usableCursor(query, filter);
    // Count and page in one statement: one round trip, one snapshot, so they agree. An empty page has
    // no row to carry the count: its second statement returns the count (and any rows) either way.
    const statements = this.listStatement(query, filter, cursor, withPayload);
    let rows = await this.reads.rows<ListRow>(statements.statement, statements.values);
    if (rows.length === 0) {
      const { statement, values } = statements.whenEmpty();
      rows = await this.reads.rows<ListRow>(statement, values);
    }
    const total = Number(rows[0].total);
    const events = rows.filter((row) => row.eventId !== null).map((row) => this.sql.eventOf(row));
    if (cursor?.direction === 'before') events.reverse();
    return { total, events, ...this.continuations(query, filter, events, total) };
  }

  /** The list's statement: by OFFSET, or seeking from a cursor's sort key. */
  listStatement(query: ListEventsQuery, filter: ListFilter, cursor: PageCursor | undefined, withPayload: boolean): ListStatements {
    return this.sql.list(filter, {
      sortBy: query.sortBy,
      descending: query.sortOrder === 'desc',
      pageSize: query.pageSize,
      offset: (query.pageNumber - 1) * query.pageSize,
      seek: cursor && { direction: cursor.direction, key: cursor.key },
      withPayload,
    });
  }

  /** What a list is about: the customer scope (bound tokens narrow it), kinds and dates. */
  listFilter(query: ListEventsQuery, caller: Caller): ListFilter {
    return {
      customerNumber: this.customerScope(query.customerNumber, caller),
      kinds: query.eventKind ? this.catalog.resolveFilter(query.eventKind) : undefined,
      from: query.dateFrom ? new Date(query.dateFrom) : undefined,
      to: query.dateTo ? new Date(query.dateTo) : undefined,
    };
  }

  private fingerprint(query: ListEventsQuery, filter: ListFilter): string {
    return queryFingerprint([filter.customerNumber, filter.kinds, filter.from, filter.to, query.sortBy, query.sortOrder, query.pageSize]);
  }

  private usableCursor(query: ListEventsQuery, filter: ListFilter): PageCursor | undefined {
    if (!query.cursor) return undefined;
    const cursor = decodeCursor(query.cursor);
    const fits = cursor.page === query.pageNumber && cursor.query === this.fingerprint(query, filter) && cursor.key.length === SORT_KEYS[query.sortBy].length;
    // The key goes into SQL: a tampered one (a text event id, an invalid instant, a NUL) must be a 400, not a database error.
    if (fits && !SORT_KEYS[query.sortBy].every((property, index) => isSortKeyValue(property, cursor.key[index]))) {
      throw invalidCursor();
    }
    return fits ? cursor : undefined;
  }

  /** Cursors for the neighbouring pages when reaching them by offset would skip many rows. */
  private continuations(query: ListEventsQuery, filter: ListFilter, events: EventEntity[], total: number): Pick<EventPage, 'next' | 'prev'> {
    const deep = (page: number) => (page - 1) * query.pageSize >= KEYSET_FROM_OFFSET;
    // Shallow pages (most) need no cursor, nor the fingerprint's hash.
    if (events.length === 0 || !deep(query.pageNumber + 1)) return {};
    const fingerprint = this.fingerprint(query, filter);
    const keyOf = (event: EventEntity) => sortKeyOf(query.sortBy, event);
    const result: Pick<EventPage, 'next' | 'prev'> = {};
    const next = query.pageNumber + 1;
    if (deep(next) && (next - 1) * query.pageSize < total) {
      result.next = encodeCursor({ page: next, direction: 'after', key: keyOf(events[events.length - 1]), query: fingerprint });
    }
    const prev = query.pageNumber - 1;
    if (prev >= 1 && deep(prev)) result.prev = encodeCursor({ page: prev, direction: 'before', key: keyOf(events[0]), query: fingerprint });
    return result;
  }

  /**
   * An event the caller may see, with its kind's members when a kind is
   * given; 404 also when it belongs to another customer or is of another kind.
   */
  async findVisible(eventId: number, caller: Caller, kind?: Pick<EventKind, 'eventKind' | 'entity'>): Promise<VisibleEvent> {
    const { statement, values } = this.sql.find(eventId, caller.customerNumber, kind?.eventKind, kind?.entity);
    // A replica may lag: an id it does not know yet (a fresh registration's Location) is looked up on the primary.
    let [row] = await this.reads.rows<Record<string, unknown>>(statement, values);
    if (!row && this.reads.hasReplicas) [row] = await this.reads.primaryRows<Record<string, unknown>>(statement, values);
    if (!row) throw new NotFoundProblem(`There is no ${kind?.eventKind ?? 'event'} with event-id ${eventId}`);
    return { event: this.sql.eventOf(row), kindValues: kind ? this.sql.kindValuesOf(kind.entity, row) : {} };
  }

  /**
   * Registers an event and its kind row in one statement, idempotently: the
   * unique keys (customer, kind, workitem-id) and (customer, Idempotency-Key)
   * decide, so concurrent identical registrations create one event.
   */
  async register(registration: Registration, caller: Caller): Promise<RegistrationResult> {
    this.customerScope(registration.customerNumber, caller);
    const fingerprint = fingerprintOf(registration);
    // Flattened once here rather than on every read of the event.
    const keyValues = packKeyValues(this.flattener.flatten(registration.eventDataXml));
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await this.insertOrFind(registration, fingerprint, keyValues);
      if (result) {
        this.metrics.countRegistration(registration.eventKind, result.created);
        return result;
      }
    }
    // The conflicting registration kept rolling back between our insert and our read.
    throw new ConflictProblem('A concurrent registration with the same key did not settle; retry the request');
  }

  private async insertOrFind(registration: Registration, fingerprint: string, keyValues: KeyValueRuns): Promise<RegistrationResult | undefined> {
    const insert = this.sql.insert(
      {
        customerNumber: registration.customerNumber,
        eventKind: registration.eventKind,
        description: registration.description,
        eventDataXml: registration.eventDataXml,
        eventDataKeyValues: keyValues,
        workitemId: registration.workitemId,
        idempotencyKey: registration.idempotencyKey,
        requestFingerprint: fingerprint,
      },
      registration.kind,
    );
    const [inserted] = await this.reads.primaryRows<{ eventId: string }>(insert.statement, insert.values);
    if (inserted) return { event: { eventId: Number(inserted.eventId), workitemId: registration.workitemId, eventKind: registration.eventKind }, created: true };
    // A unique key already holds: the same registration again (a replay), or another one under the same key.
    const found = this.sql.registered(registration.customerNumber, registration.eventKind, registration.workitemId, registration.idempotencyKey);
    const [row] = await this.reads.primaryRows<Record<string, unknown>>(found.statement, found.values);
    const existing = row && this.sql.eventOf(row);
    if (!existing) return undefined;
    if (existing.requestFingerprint !== fingerprint) {
      throw new ConflictProblem(
        registration.idempotencyKey !== null && existing.workitemId !== registration.workitemId
          ? 'This Idempotency-Key was already used for a different registration'
          : 'An event with this key (workitem-id or Idempotency-Key) was already registered with a different body',
      );
    }
    return { event: existing, created: false };
  }

  /**
   * The customer a request may touch. A token bound to a customer narrows an
   * unscoped request to that customer and refuses any other (403).
   */
  customerScope(requested: string | undefined, caller: Caller): string | undefined {
    if (caller.customerNumber === undefined) return requested;
    if (requested !== undefined && requested !== caller.customerNumber) {
      throw new ForbiddenProblem(`This token may only access the events of customer ${caller.customerNumber}`);
    }
    return caller.customerNumber;
  }
}

function fingerprintOf(registration: Registration): string {
  const body = registration.canonicalBody;
  const canonical = JSON.stringify([registration.eventKind, Object.keys(body).sort().map((key) => [key, body[key] ?? null])]);
  return createHash('sha256').update(canonical).digest('hex');
}
