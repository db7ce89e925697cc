import { Injectable, Logger, Type } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { Brackets, DataSource, EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import { Caller } from '../../common/auth/caller';
import { ConflictProblem, ForbiddenProblem, NotFoundProblem } from '../../common/errors/problem.exception';
import { ListEventsQuery } from './dto/list-events.query';
import { EventKindCatalog } from './event-kind.catalog';
import { EventEntity } from './event.entity';
import { KindDetailsEntity } from './kind-details.entity';
import type { PageSlice } from './paginator';
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

const SORT_COLUMNS: Record<ListEventsQuery['sortBy'], string[]> = {
  'creation-datetime': ['event.creationDatetime', 'event.eventId'],
  'event-id': ['event.eventId'],
  'event-kind': ['event.eventKind', 'event.creationDatetime', 'event.eventId'],
};

/** The narrow core every kind shares: find, list and register events. */
@Injectable()
export class EventsService {
  private readonly logger = new Logger(EventsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(EventEntity) private readonly events: Repository<EventEntity>,
    private readonly catalog: EventKindCatalog,
    private readonly metrics: MetricsService,
  ) {}

  /** One page of events, newest first by default, plus the exact count. */
  async list(query: ListEventsQuery, caller: Caller, window: PageSlice, withXml: boolean) {
    const total = await this.filtered(query, caller).getCount();
    if (window.offset >= total) return { total, events: [] as EventEntity[] };
    return { total, events: await this.pageQuery(query, caller, window, withXml).getMany() };
  }

  /** The page's SELECT: the filters, then the sort with event_id as tie-break, so an index serves it. */
  pageQuery(query: ListEventsQuery, caller: Caller, window: PageSlice, withXml: boolean): SelectQueryBuilder<EventEntity> {
    const qb = this.filtered(query, caller);
    const direction = query.sortOrder === 'asc' ? 'ASC' : 'DESC';
    const [first, ...tieBreaks] = SORT_COLUMNS[query.sortBy];
    qb.orderBy(first, direction);
    for (const column of tieBreaks) qb.addOrderBy(column, direction);
    const select = ['event.customerNumber', 'event.eventId', 'event.creationDatetime', 'event.description', 'event.eventKind'];
    if (withXml) select.push('event.eventDataXml');
    return qb.select(select).offset(window.offset).limit(window.limit);
  }

  /** Every list query is scoped by customer-number when there is one (and always for a bound token). */
  private filtered(query: ListEventsQuery, caller: Caller): SelectQueryBuilder<EventEntity> {
    const customerNumber = this.customerScope(query.customerNumber, caller);
    const qb = this.events.createQueryBuilder('event');
    if (customerNumber !== undefined) qb.andWhere('event.customerNumber = :customerNumber', { customerNumber });
    if (query.eventKind) qb.andWhere('event.eventKind IN (:...kinds)', { kinds: this.catalog.resolveFilter(query.eventKind) });
    if (query.dateFrom) qb.andWhere('event.creationDatetime >= :dateFrom', { dateFrom: new Date(query.dateFrom) });
    if (query.dateTo) qb.andWhere('event.creationDatetime < :dateTo', { dateTo: new Date(query.dateTo) });
    return qb;
  }

  /** An event the caller may see; 404 also when it belongs to another customer or is of another kind. */
  async findVisible(eventId: number, caller: Caller, eventKind?: string): Promise<EventEntity> {
    const event = await this.events.findOne({
      where: {
        eventId,
        ...(caller.customerNumber !== undefined ? { customerNumber: caller.customerNumber } : {}),
        ...(eventKind !== undefined ? { eventKind } : {}),
      },
    });
    if (!event) throw new NotFoundProblem(`There is no ${eventKind ?? 'event'} with event-id ${eventId}`);
    return event;
  }

  /** The kind's own row of an event (absent only for rows written outside the API). */
  async kindDetails(entity: Type<KindDetailsEntity>, event: EventEntity): Promise<KindDetailsEntity | null> {
    return this.dataSource
      .getRepository(entity)
      .findOne({ where: { customerNumber: event.customerNumber, eventId: event.eventId } });
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
