import { Injectable, Logger, Type } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { Brackets, DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { ReadRouter } from '../../database/read-router';
import { Caller } from '../../common/auth/caller';
import { ConflictProblem, ForbiddenProblem, NotFoundProblem } from '../../common/errors/problem.exception';
import { ListEventsQuery } from './dto/list-events.query';
import { EventKindCatalog } from './event-kind.catalog';
import { EventEntity } from './event.entity';
import { KindDetailsEntity } from './kind-details.entity';
import { decodeCursor, encodeCursor, invalidCursor, PageCursor, queryFingerprint } from './page-cursor';
import { EventDailyCountEntity } from './event-daily-count.entity';
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
  event: Pick<EventEntity, 'eventId' | 'workitemId'>;
  created: boolean;
}

export interface ListFilter {
  customerNumber?: string;
  kinds?: string[];
  from?: Date;
  to?: Date;
}

export interface EventPage {
  total: number;
  events: EventEntity[];
  /** Keyset cursors for the next and previous pages, when those are deep enough to need one. */
  next?: string;
  prev?: string;
}

/** Pages that start this many rows in are linked with a keyset cursor rather than reached by OFFSET. */
export const KEYSET_FROM_OFFSET = 1000;

const DAY_MS = 24 * 60 * 60 * 1000;
const floorToDay = (instant: Date) => new Date(Math.floor(instant.getTime() / DAY_MS) * DAY_MS);
const ceilToDay = (instant: Date) => new Date(Math.ceil(instant.getTime() / DAY_MS) * DAY_MS);
const isoDay = (instant: Date) => instant.toISOString().slice(0, 10);

interface SortKey {
  property: 'creationDatetime' | 'eventId' | 'eventKind';
  column: string;
}
const TIME: SortKey = { property: 'creationDatetime', column: 'event.creation_datetime' };
const ID: SortKey = { property: 'eventId', column: 'event.event_id' };
const KIND: SortKey = { property: 'eventKind', column: 'event.event_kind' };

/** Each sort, with event_id as the final tie-break so pages never overlap or skip. */
const SORT_KEYS: Record<ListEventsQuery['sortBy'], SortKey[]> = {
  'creation-datetime': [TIME, ID],
  'event-id': [ID],
  'event-kind': [KIND, TIME, ID],
};

/** A sort key value as `sortKeyOf` issues it: an ISO instant, a positive event id, an event kind. */
const isSortKeyValue = (key: SortKey, value: string | number): boolean =>
  key === ID
    ? Number.isSafeInteger(value) && (value as number) >= 1
    : typeof value === 'string' &&
      (key === TIME ? /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) && !Number.isNaN(Date.parse(value)) : /^[A-Za-z0-9-]{1,64}$/.test(value));

const sortKeyOf = (keys: SortKey[], event: EventEntity) =>
  keys.map(({ property }) => (property === 'creationDatetime' ? event.creationDatetime.toISOString() : event[property]));

/** The narrow core every kind shares: find, list and register events. */
@Injectable()
export class EventsService {
  private readonly logger = new Logger(EventsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reads: ReadRouter,
    private readonly catalog: EventKindCatalog,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * One page of events (newest first by default) with the exact count, and
   * keyset cursors for the next and previous pages when those lie deep.
   */
  async list(query: ListEventsQuery, caller: Caller, withXml: boolean): Promise<EventPage> {
    const filter = this.listFilter(query, caller);
    const cursor = this.usableCursor(query, filter);
    const offset = (query.pageNumber - 1) * query.pageSize;
    // Count and page from the same replica (or the primary), so they agree.
    const { total, events } = await this.reads.read(async (manager) => {
      const total = await this.count(filter, manager);
      if (!cursor && offset >= total) return { total, events: [] as EventEntity[] };
      return { total, events: await this.pageQuery(query, filter, cursor, withXml, manager).getMany() };
    });
    if (cursor?.direction === 'before') events.reverse();
    return { total, events, ...this.continuations(query, filter, events, total) };
  }

  /**
   * The page's SELECT, as a deferred join: the page's keys come from the
   * customer index alone (an OFFSET skips index entries, not rows, and a
   * cursor seeks), then only those rows are read.
   */
  pageQuery(
    query: ListEventsQuery,
    filter: ListFilter,
    cursor: PageCursor | undefined,
    withXml: boolean,
    manager: EntityManager = this.dataSource.manager,
  ): SelectQueryBuilder<EventEntity> {
    const keys = SORT_KEYS[query.sortBy];
    const descending = query.sortOrder === 'desc';
    // Walking back from a `before` cursor reads the index the other way round.
    const direction = descending !== (cursor?.direction === 'before') ? 'DESC' : 'ASC';
    const pageKeys = this.filtered(filter, manager).select(['event.customerNumber', 'event.eventId']);
    if (cursor) {
      // One row comparison over the whole sort key: an index range seek.
      const comparison = (cursor.direction === 'after') === descending ? '<' : '>';
      const values = keys.map((key, index) => `:cursor${index}`);
      pageKeys.andWhere(`(${keys.map((key) => key.column).join(', ')}) ${comparison} (${values.join(', ')})`);
      keys.forEach((key, index) => pageKeys.setParameter(`cursor${index}`, key === TIME ? new Date(cursor.key[index]) : cursor.key[index]));
    } else {
      pageKeys.offset((query.pageNumber - 1) * query.pageSize);
    }
    for (const key of keys) pageKeys.addOrderBy(key.column, direction);
    pageKeys.limit(query.pageSize);
    const select = ['event.customerNumber', 'event.eventId', 'event.creationDatetime', 'event.description', 'event.eventKind'];
    if (withXml) select.push('event.eventDataXml');
    const page = manager
      .getRepository(EventEntity)
      .createQueryBuilder('event')
      .select(select)
      .innerJoin(`(${pageKeys.getQuery()})`, 'page', 'page.event_customer_number = event.customer_number AND page.event_event_id = event.event_id')
      .setParameters(pageKeys.getParameters());
    for (const key of keys) page.addOrderBy(key.column, direction);
    return page;
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

  /**
   * The exact count. For one customer it sums the daily counts of whole days
   * and counts rows only in the partial days at the range's edges, so a
   * million-event customer costs a few thousand index entries at most.
   */
  private async count(filter: ListFilter, manager: EntityManager): Promise<number> {
    if (filter.customerNumber === undefined) return this.filtered(filter, manager).getCount();
    const firstWholeDay = filter.from ? ceilToDay(filter.from) : undefined;
    const endOfWholeDays = filter.to ? floorToDay(filter.to) : undefined;
    if (firstWholeDay && endOfWholeDays && firstWholeDay >= endOfWholeDays) return this.filtered(filter, manager).getCount();
    const daily = manager
      .getRepository(EventDailyCountEntity)
      .createQueryBuilder('daily')
      .select('COALESCE(SUM(daily.eventCount), 0)', 'total')
      .where('daily.customerNumber = :customerNumber', { customerNumber: filter.customerNumber });
    if (filter.kinds) daily.andWhere('daily.eventKind IN (:...kinds)', { kinds: filter.kinds });
    if (firstWholeDay) daily.andWhere('daily.day >= :firstWholeDay', { firstWholeDay: isoDay(firstWholeDay) });
    if (endOfWholeDays) daily.andWhere('daily.day < :endOfWholeDays', { endOfWholeDays: isoDay(endOfWholeDays) });
    let total = Number((await daily.getRawOne<{ total: string }>())?.total ?? 0);
    if (filter.from && firstWholeDay && filter.from < firstWholeDay) total += await this.filtered({ ...filter, to: firstWholeDay }, manager).getCount();
    if (filter.to && endOfWholeDays && endOfWholeDays < filter.to) total += await this.filtered({ ...filter, from: endOfWholeDays }, manager).getCount();
    return total;
  }

  private filtered(filter: ListFilter, manager: EntityManager): SelectQueryBuilder<EventEntity> {
    const qb = manager.getRepository(EventEntity).createQueryBuilder('event');
    if (filter.customerNumber !== undefined) qb.andWhere('event.customerNumber = :customerNumber', { customerNumber: filter.customerNumber });
    if (filter.kinds) qb.andWhere('event.eventKind IN (:...kinds)', { kinds: filter.kinds });
    if (filter.from) qb.andWhere('event.creationDatetime >= :dateFrom', { dateFrom: filter.from });
    if (filter.to) qb.andWhere('event.creationDatetime < :dateTo', { dateTo: filter.to });
    return qb;
  }

  private fingerprint(query: ListEventsQuery, filter: ListFilter): string {
    return queryFingerprint([filter.customerNumber, filter.kinds, filter.from, filter.to, query.sortBy, query.sortOrder, query.pageSize]);
  }

  private usableCursor(query: ListEventsQuery, filter: ListFilter): PageCursor | undefined {
    if (!query.cursor) return undefined;
    const cursor = decodeCursor(query.cursor);
    const fits = cursor.page === query.pageNumber && cursor.query === this.fingerprint(query, filter) && cursor.key.length === SORT_KEYS[query.sortBy].length;
    // The key goes into SQL: a tampered one (a text event id, an invalid instant, a NUL) must be a 400, not a database error.
    if (fits && !SORT_KEYS[query.sortBy].every((key, index) => isSortKeyValue(key, cursor.key[index]))) {
      throw invalidCursor();
    }
    return fits ? cursor : undefined;
  }

  /** Cursors for the neighbouring pages when reaching them by offset would skip many rows. */
  private continuations(query: ListEventsQuery, filter: ListFilter, events: EventEntity[], total: number): Pick<EventPage, 'next' | 'prev'> {
    if (events.length === 0) return {};
    const fingerprint = this.fingerprint(query, filter);
    const keyOf = (event: EventEntity) => sortKeyOf(SORT_KEYS[query.sortBy], event);
    const deep = (page: number) => (page - 1) * query.pageSize >= KEYSET_FROM_OFFSET;
    const result: Pick<EventPage, 'next' | 'prev'> = {};
    const next = query.pageNumber + 1;
    if (deep(next) && (next - 1) * query.pageSize < total) {
      result.next = encodeCursor({ page: next, direction: 'after', key: keyOf(events[events.length - 1]), query: fingerprint });
    }
    const prev = query.pageNumber - 1;
    if (prev >= 1 && deep(prev)) result.prev = encodeCursor({ page: prev, direction: 'before', key: keyOf(events[0]), query: fingerprint });
    return result;
  }

  /** An event the caller may see; 404 also when it belongs to another customer or is of another kind. */
  async findVisible(eventId: number, caller: Caller, eventKind?: string): Promise<EventEntity> {
    const where = {
      eventId,
      ...(caller.customerNumber !== undefined ? { customerNumber: caller.customerNumber } : {}),
      ...(eventKind !== undefined ? { eventKind } : {}),
    };
    const find = (manager: EntityManager) => manager.findOne(EventEntity, { where });
    // A replica may lag: an id it does not know yet (a fresh registration's Location) is looked up on the primary.
    const event = (await this.reads.read(find)) ?? (this.reads.hasReplicas ? await this.reads.onPrimary(find) : null);
    if (!event) throw new NotFoundProblem(`There is no ${eventKind ?? 'event'} with event-id ${eventId}`);
    return event;
  }

  /** The kind's own row of an event (absent only for rows written outside the API). */
  async kindDetails(entity: Type<KindDetailsEntity>, event: EventEntity): Promise<KindDetailsEntity | null> {
    const find = (manager: EntityManager) =>
      manager.findOne(entity, { where: { customerNumber: event.customerNumber, eventId: event.eventId } });
    return (await this.reads.read(find)) ?? (this.reads.hasReplicas ? await this.reads.onPrimary(find) : null);
  }

  /**
   * Registers an event and its kind row in one transaction, idempotently: the
   * unique keys (customer, kind, workitem-id) and (customer, Idempotency-Key)
   * decide, so concurrent identical registrations create one event.
   */
  async register(registration: Registration, caller: Caller): Promise<RegistrationResult> {
    this.customerScope(registration.customerNumber, caller);
    const fingerprint = fingerprintOf(registration);
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await this.dataSource.transaction((manager) => this.insertOrFind(manager, registration, fingerprint));
      if (result) {
        this.metrics.countRegistration(registration.eventKind, result.created);
        // Every registration is attributable to a token's subject and client; the token itself is never logged.
        this.logger.log({
          msg: result.created ? 'event registered' : 'registration replayed',
          eventId: result.event.eventId,
          eventKind: registration.eventKind,
          subject: caller.subject,
          clientId: caller.clientId,
        });
        return result;
      }
    }
    // The conflicting registration kept rolling back between our insert and our read.
    throw new ConflictProblem('A concurrent registration with the same key did not settle; retry the request');
  }

  private async insertOrFind(manager: EntityManager, registration: Registration, fingerprint: string): Promise<RegistrationResult | undefined> {
    const insert = await manager
      .createQueryBuilder()
      .insert()
      .into(EventEntity)
      .values({
        customerNumber: registration.customerNumber,
        eventKind: registration.eventKind,
        description: registration.description,
        eventDataXml: registration.eventDataXml,
        workitemId: registration.workitemId,
        idempotencyKey: registration.idempotencyKey,
        requestFingerprint: fingerprint,
      })
      .orIgnore()
      .returning(['event_id'])
      .execute();
    const inserted = insert.raw as { event_id: string }[];
    if (inserted.length === 1) {
      const eventId = Number(inserted[0].event_id);
      if (registration.kind) {
        await manager.insert(registration.kind.entity, {
          customerNumber: registration.customerNumber,
          eventId,
          ...registration.kind.values,
        });
      }
      return { event: { eventId, workitemId: registration.workitemId }, created: true };
    }
    const existing = await manager
      .createQueryBuilder(EventEntity, 'event')
      .select(['event.customerNumber', 'event.eventId', 'event.workitemId', 'event.requestFingerprint'])
      .where('event.customerNumber = :customerNumber', { customerNumber: registration.customerNumber })
      .andWhere(
        new Brackets((keys) => {
          if (registration.workitemId !== null) {
            keys.orWhere('(event.eventKind = :eventKind AND event.workitemId = :workitemId)', {
              eventKind: registration.eventKind,
              workitemId: registration.workitemId,
            });
          }
          if (registration.idempotencyKey !== null) {
            keys.orWhere('event.idempotencyKey = :idempotencyKey', { idempotencyKey: registration.idempotencyKey });
          }
        }),
      )
      .orderBy('event.eventId', 'ASC')
      .getOne();
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
