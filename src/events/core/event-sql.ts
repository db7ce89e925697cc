import { Injectable, Type } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityMetadata } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { SqlStatement, sqlStatement, SqlValues } from '../../database/sql-statement';
import { EventEntity } from './event.entity';
import { KindDetailsEntity } from './kind-details.entity';

/** The sort key of each `sort-by`, with the event id as the final tie-break so pages never overlap or skip. */
export const SORT_KEYS = {
  'creation-datetime': ['creationDatetime', 'eventId'],
  'event-id': ['eventId'],
  'event-kind': ['eventKind', 'creationDatetime', 'eventId'],
} as const satisfies Record<string, readonly (keyof EventEntity)[]>;
export type SortBy = keyof typeof SORT_KEYS;

/** Columns only the replay check of a registration reads (`registered`); answers never show them. */
const REGISTRATION_ONLY = new Set<string>(['idempotencyKey', 'requestFingerprint']);

/** What a list item shows (and its sort keys): a page reads nothing else, the payload only when asked. */
const LIST_ITEM = new Set<string>(['eventId', 'eventKind', 'creationDatetime', 'description']);

/** The payload: the XML and the key-values flattened from it at registration (null on older events, which flatten the XML). */
const PAYLOAD = new Set<string>(['eventDataXml', 'eventDataKeyValues']);

/** Below this offset a page is read straight from the index; from it on, by a deferred join. */
export const DEFERRED_JOIN_FROM_OFFSET = 100;

export interface ListFilter {
  customerNumber?: string;
  kinds?: string[];
  from?: Date;
  to?: Date;
}

export interface PageRequest {
  sortBy: SortBy;
  descending: boolean;
  pageSize: number;
  offset: number;
  /** A keyset seek: rows strictly after (or before) this sort key, in sort order. */
  seek?: { direction: 'after' | 'before'; key: unknown[] };
  withPayload: boolean;
}

export interface BoundStatement {
  statement: SqlStatement;
  values: unknown[];
}

/** A list page's statement, and the one that gives the count when the page has no rows. */
export interface ListStatements extends BoundStatement {
  whenEmpty(): BoundStatement;
}

/** A row of a list statement: the exact total, and one event of the page (all null in the one row of an empty page). */
export type ListRow = { total: string } & Record<string, unknown>;

const DAY_MS = 24 * 60 * 60 * 1000;
const floorToDay = (instant: Date) => new Date(Math.floor(instant.getTime() / DAY_MS) * DAY_MS);
const ceilToDay = (instant: Date) => new Date(Math.ceil(instant.getTime() / DAY_MS) * DAY_MS);
const isoDay = (instant: Date) => instant.toISOString().slice(0, 10);

interface ColumnMapping {
  /** The row's key: the property name, prefixed for a kind's columns. */
  property: string;
  /** The property to set on the mapped object. */
  name: string;
  alias: string;
  /** The value as TypeORM would load it (its type conversions and the column's transformer). */
  hydrate: (value: unknown) => unknown;
}

/**
 * The SQL of the request path, written once per request shape and run as
 * prepared statements (see SqlStatement): a list page with its exact count in
 * one statement, an event (with its kind's row) by id, and a registration of
 * an event and its kind row in one statement. Column lists and value
 * conversions come from the TypeORM entities, so the entities stay the one
 * description of the tables.
 */
@Injectable()
export class EventSql {
  private readonly event: EntityMetadata;
  private readonly eventColumns: ColumnMapping[];
  /** What reads select: the registration's keys and fingerprint are for the replay check only. */
  private readonly readColumns: ColumnMapping[];
  /** `find` statements by kind, then by which of customer and event kind narrow them (their text never changes). */
  private readonly findStatements = new Map<Type<KindDetailsEntity> | undefined, SqlStatement[]>();
  private readonly kindMappings = new Map<Type<KindDetailsEntity>, { table: string; columns: ColumnMapping[] }>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.event = dataSource.getMetadata(EventEntity);
    this.eventColumns = this.mappingsOf(this.event, '');
    this.readColumns = this.eventColumns.filter(({ property }) => !REGISTRATION_ONLY.has(property));
  }

  /**
   * One statement for a list answer: the page's rows, each with the exact
   * count beside it. The page is skipped when it starts past the count.
   *
   * A page with no rows carries no count: `whenEmpty` is the same page beside
   * the count in a LEFT JOIN LATERAL, which always returns it (run only then:
   * the join, its materialized count and the sort above it cost the database
   * about a third more per page than the rows alone).
   */
  list(filter: ListFilter, page: PageRequest): ListStatements {
    const values = new SqlValues();
    const where = this.filterSql(filter, values);
    const total = this.countSql(filter, where, values);
    // MATERIALIZED: the count is computed once, though the page refers to it twice (its column and its skip).
    const ctes = [`c AS MATERIALIZED (SELECT ${total} AS total)`];
    const rows = this.pageSql(filter, where, page, values, ctes);
    const withCtes = `WITH ${ctes.join(', ')}`;
    return {
      ...bind(`${withCtes} ${rows([`(SELECT c.total FROM c)::int8 AS total`])}`, values),
      whenEmpty: () => {
        // The outer ORDER BY only restates the page's order (SQL keeps no order through a join unless told).
        const order = this.sortOrder(page, (property) => `p.${quote(property)}`);
        return bind(`${withCtes} SELECT c.total::int8 AS total, p.* FROM c LEFT JOIN LATERAL (${rows([])}) p ON true ORDER BY ${order}`, values);
      },
    };
  }

  /** The event itself, mapped to its entity (list rows carry the total beside it). */
  eventOf(row: Record<string, unknown>): EventEntity {
    return mapRow(new EventEntity(), this.eventColumns, row);
  }

  /** An event by id, narrowed to a customer and to a kind when given, with that kind's row when asked. */
  find(eventId: number, customerNumber: string | undefined, eventKind: string | undefined, kindEntity?: Type<KindDetailsEntity>): BoundStatement {
    const values: unknown[] = [eventId];
    if (customerNumber !== undefined) values.push(customerNumber);
    if (eventKind !== undefined) values.push(eventKind);
    let statements = this.findStatements.get(kindEntity);
    if (!statements) this.findStatements.set(kindEntity, (statements = []));
    const shape = (customerNumber !== undefined ? 1 : 0) + (eventKind !== undefined ? 2 : 0);
    statements[shape] ??= this.findStatement(customerNumber !== undefined, eventKind !== undefined, kindEntity);
    return { statement: statements[shape], values };
  }

  /** The text of a `find`: its parameters in `find`'s order (the event id, then the customer, then the kind). */
  private findStatement(byCustomer: boolean, byKind: boolean, kindEntity?: Type<KindDetailsEntity>): SqlStatement {
    const kind = kindEntity ? this.kindMapping(kindEntity) : undefined;
    const columns = [...this.readColumns, ...(kind?.columns ?? [])].map(({ alias }) => alias).join(', ');
    const join = kind ? ` LEFT JOIN ${kind.table} k ON k.customer_number = e.customer_number AND k.event_id = e.event_id` : '';
    const conditions = ['e.event_id = $1'];
    if (byCustomer) conditions.push(`e.customer_number = $${conditions.length + 1}`);
    if (byKind) conditions.push(`e.event_kind = $${conditions.length + 1}`);
    return sqlStatement(`SELECT ${columns} FROM ${this.table(this.event)} e${join} WHERE ${conditions.join(' AND ')}`);
  }

  /** A kind's own members of a `find` row, by property name (null when the event has no kind row). */
  kindValuesOf(kindEntity: Type<KindDetailsEntity>, row: Record<string, unknown>): Record<string, unknown> {
    return mapRow({}, this.kindMapping(kindEntity).columns, row);
  }

  /**
   * Inserts an event, and its kind row when it has one, in one statement (so
   * atomically): nothing is inserted when a unique key (workitem-id or
   * Idempotency-Key) already holds, and then no id is returned.
   */
  insert(event: Partial<EventEntity>, kind?: { entity: Type<KindDetailsEntity>; values: Record<string, unknown> }): BoundStatement {
    const values = new SqlValues();
    const insert = (table: string, columns: string[], rows: string) => `INSERT INTO ${table} (${columns.join(', ')}) ${rows}`;
    const eventColumns = this.writable(this.event, event);
    const eventSql = insert(
      this.table(this.event),
      eventColumns.map(([column]) => column),
      `VALUES (${eventColumns.map(([, value]) => values.add(value)).join(', ')}) ON CONFLICT DO NOTHING RETURNING customer_number, event_id`,
    );
    if (!kind) return bind(`WITH inserted AS (${eventSql}) SELECT event_id::int8 AS "eventId" FROM inserted`, values);
    const metadata = this.dataSource.getMetadata(kind.entity);
    const kindColumns = this.writable(metadata, kind.values);
    const kindSql = insert(
      this.table(metadata),
      ['customer_number', 'event_id', ...kindColumns.map(([column]) => column)],
      `SELECT customer_number, event_id${kindColumns.map(([, value]) => `, ${values.add(value)}`).join('')} FROM inserted`,
    );
    return bind(`WITH inserted AS (${eventSql}), kind_row AS (${kindSql}) SELECT event_id::int8 AS "eventId" FROM inserted`, values);
  }

  /**
   * The event already holding a registration's unique keys (workitem-id within
   * its kind, or Idempotency-Key), when `insert` inserted nothing.
   */
  registered(customerNumber: string, eventKind: string, workitemId: string | null, idempotencyKey: string | null): BoundStatement {
    const values = new SqlValues();
    const keys: string[] = [];
    if (workitemId !== null) keys.push(`(e.event_kind = ${values.add(eventKind)} AND e.workitem_id = ${values.add(workitemId)})`);
    if (idempotencyKey !== null) keys.push(`e.idempotency_key = ${values.add(idempotencyKey)}`);
    const columns = this.eventColumns.map(({ alias }) => alias).join(', ');
    const customer = values.add(customerNumber);
    return bind(
      `SELECT ${columns} FROM ${this.table(this.event)} e WHERE e.customer_number = ${customer} AND (${keys.join(' OR ') || 'false'}) ORDER BY e.event_id LIMIT 1`,
      values,
    );
  }

  /** The conditions of a list, on `customer_event e`. */
  private filterSql(filter: ListFilter, values: SqlValues) {
    const customer = filter.customerNumber !== undefined ? values.add(filter.customerNumber) : undefined;
    // One kind is an equality, so the customer-kind index can serve the page in order; several are an array.
    const kinds = !filter.kinds ? undefined : filter.kinds.length === 1 ? `= ${values.add(filter.kinds[0])}` : `= ANY(${values.add(filter.kinds, 'varchar[]')})`;
    const scope = [customer && `e.customer_number = ${customer}`, kinds && `e.event_kind ${kinds}`].filter(Boolean) as string[];
    const range = (from: string | undefined, to: string | undefined) =>
      [...scope, from && `e.creation_datetime >= ${from}`, to && `e.creation_datetime < ${to}`].filter(Boolean).join(' AND ') || 'true';
    return {
      customer,
      kinds,
      /** The list's own conditions. */
      all: range(filter.from && values.add(filter.from), filter.to && values.add(filter.to)),
      /** Customer and kinds within another time range (the partial days of a count). */
      range,
    };
  }

  /**
   * The exact count. For one customer without a date range it sums the
   * per-kind totals (a few rows); with one, the daily counts of whole days,
   * counting rows only in the partial days at the range's edges. A
   * million-event customer never costs a million index entries.
   */
  private countSql(filter: ListFilter, where: ReturnType<EventSql['filterSql']>, values: SqlValues): string {
    const countRows = (conditions: string) => `(SELECT count(*) FROM ${this.table(this.event)} e WHERE ${conditions})`;
    if (where.customer === undefined) return countRows(where.all);
    if (!filter.from && !filter.to) {
      const kinds = where.kinds ? ` AND k.event_kind ${where.kinds}` : '';
      return `(SELECT COALESCE(SUM(k.event_count), 0) FROM customer_event_kind_count k WHERE k.customer_number = ${where.customer}${kinds})`;
    }
    const firstWholeDay = filter.from ? ceilToDay(filter.from) : undefined;
    const endOfWholeDays = filter.to ? floorToDay(filter.to) : undefined;
    if (firstWholeDay && endOfWholeDays && firstWholeDay >= endOfWholeDays) return countRows(where.all);
    const daily = [`d.customer_number = ${where.customer}`];
    if (where.kinds) daily.push(`d.event_kind ${where.kinds}`);
    if (firstWholeDay) daily.push(`d.day >= ${values.add(isoDay(firstWholeDay), 'date')}`);
    if (endOfWholeDays) daily.push(`d.day < ${values.add(isoDay(endOfWholeDays), 'date')}`);
    const parts = [`(SELECT COALESCE(SUM(d.event_count), 0) FROM customer_event_daily_count d WHERE ${daily.join(' AND ')})`];
    if (filter.from && firstWholeDay && filter.from < firstWholeDay) {
      parts.push(countRows(where.range(values.add(filter.from), values.add(firstWholeDay))));
    }
    if (filter.to && endOfWholeDays && endOfWholeDays < filter.to) {
      parts.push(countRows(where.range(values.add(endOfWholeDays), values.add(filter.to))));
    }
    return parts.join(' + ');
  }

  /**
   * The page's rows in sort order. A seek is one row comparison over the
   * whole sort key (an index range seek). A deep OFFSET takes the page's keys
   * from the customer index alone (it skips index entries, not rows), then
   * reads only those rows: a deferred join. Newest or oldest first, it
   * first skips whole days by their counts, so only the rows of the page's
   * own day are skipped one by one.
   */
  private pageSql(filter: ListFilter, where: ReturnType<EventSql['filterSql']>, page: PageRequest, values: SqlValues, ctes: string[]): (leading: string[]) => string {
    const keys = SORT_KEYS[page.sortBy].map((property) => this.columnOf(property));
    const orderBy = (alias: string) => this.sortOrder(page, (property) => `${alias}.${this.columnOf(property)}`);
    const conditions = [where.all];
    if (page.seek) {
      const comparison = (page.seek.direction === 'after') === page.descending ? '<' : '>';
      const key = SORT_KEYS[page.sortBy].map((property, index) => values.add(page.seek!.key[index], property === 'creationDatetime' ? 'timestamptz' : undefined));
      conditions.push(`(${keys.map((column) => `e.${column}`).join(', ')}) ${comparison} (${key.join(', ')})`);
    }
    const offsetValue = !page.seek && page.offset > 0 ? values.add(page.offset, 'int8') : undefined;
    // A page past the end is not looked for (a constant filter: the scan does not start).
    if (offsetValue) conditions.push(`(SELECT c.total FROM c) > ${offsetValue}`);
    let offset = offsetValue;
    const deep = offsetValue !== undefined && page.offset >= DEFERRED_JOIN_FROM_OFFSET;
    if (deep && page.sortBy === 'creation-datetime' && where.customer !== undefined && !filter.from && !filter.to) {
      ctes.push(`skip AS MATERIALIZED (${this.daySkipSql(where, page.descending, offsetValue)})`);
      conditions.push(
        page.descending
          ? `e.creation_datetime < ((SELECT s.day FROM skip s) + 1)::timestamp AT TIME ZONE 'UTC'`
          : `e.creation_datetime >= (SELECT s.day FROM skip s)::timestamp AT TIME ZONE 'UTC'`,
      );
      offset = `(${offsetValue} - (SELECT s.before FROM skip s))`;
    }
    const limit = `LIMIT ${values.add(page.pageSize, 'int8')}${offset ? ` OFFSET ${offset}` : ''}`;
    const columns = this.readColumns.filter(({ property }) => LIST_ITEM.has(property) || (page.withPayload && PAYLOAD.has(property))).map(({ alias }) => alias);
    const table = this.table(this.event);
    if (!deep) {
      return (leading) => `SELECT ${[...leading, ...columns].join(', ')} FROM ${table} e WHERE ${conditions.join(' AND ')} ORDER BY ${orderBy('e')} ${limit}`;
    }
    const pageKeys = `SELECT e.customer_number, e.event_id FROM ${table} e WHERE ${conditions.join(' AND ')} ORDER BY ${orderBy('e')} ${limit}`;
    return (leading) =>
      `SELECT ${[...leading, ...columns].join(', ')} FROM (${pageKeys}) k JOIN ${table} e ON e.customer_number = k.customer_number AND e.event_id = k.event_id ORDER BY ${orderBy('e')}`;
  }

  /**
   * The day the row at `offset` falls on (in the list's time order) and how
   * many rows come before that day, from the daily counts: a running sum over
   * a few thousand days instead of skipping up to a million index entries.
   */
  private daySkipSql(where: ReturnType<EventSql['filterSql']>, descending: boolean, offset: string): string {
    const direction = descending ? 'DESC' : 'ASC';
    const kinds = where.kinds ? ` AND d.event_kind ${where.kinds}` : '';
    const days = `SELECT d.day, sum(d.event_count) AS n, sum(sum(d.event_count)) OVER (ORDER BY d.day ${direction}) AS upto
      FROM customer_event_daily_count d WHERE d.customer_number = ${where.customer}${kinds} GROUP BY d.day`;
    return `SELECT r.day, r.upto - r.n AS before FROM (${days}) r WHERE r.upto > ${offset} ORDER BY r.day ${direction} LIMIT 1`;
  }

  /** ORDER BY over the sort key; walking back from a `before` seek reads the index the other way round. */
  private sortOrder(page: PageRequest, reference: (property: string) => string): string {
    const direction = page.descending !== (page.seek?.direction === 'before') ? 'DESC' : 'ASC';
    return SORT_KEYS[page.sortBy].map((property) => `${reference(property)} ${direction}`).join(', ');
  }

  private columnOf(property: string): string {
    return quote(this.event.findColumnWithPropertyName(property)!.databaseName);
  }

  private kindMapping(entity: Type<KindDetailsEntity>) {
    let mapping = this.kindMappings.get(entity);
    if (!mapping) {
      const metadata = this.dataSource.getMetadata(entity);
      mapping = { table: this.table(metadata), columns: this.mappingsOf(metadata, 'k', (column) => !column.isPrimary) };
      this.kindMappings.set(entity, mapping);
    }
    return mapping;
  }

  /** [quoted column, value] for each property given, generated columns left to the database. */
  private writable(metadata: EntityMetadata, entity: object): [string, unknown][] {
    return metadata.columns
      .filter((column) => !column.isGenerated && (entity as Record<string, unknown>)[column.propertyName] !== undefined)
      .map((column) => [quote(column.databaseName), this.dataSource.driver.preparePersistentValue((entity as Record<string, unknown>)[column.propertyName], column)]);
  }

  /** Selected columns aliased to their property names (prefixed for a kind's columns), hydrated as TypeORM would. */
  private mappingsOf(metadata: EntityMetadata, prefix: string, keep: (column: ColumnMetadata) => boolean = () => true): ColumnMapping[] {
    return metadata.columns.filter(keep).map((column) => {
      const property = prefix ? `${prefix}.${column.propertyName}` : column.propertyName;
      return {
        property,
        name: column.propertyName,
        alias: `${prefix || 'e'}.${quote(column.databaseName)} AS ${quote(property)}`,
        hydrate: (value: unknown) => this.dataSource.driver.prepareHydratedValue(value, column),
      };
    });
  }

  private table(metadata: EntityMetadata): string {
    return quote(metadata.tableName);
  }
}

/** The columns the row holds (a read selects fewer than the entity has), hydrated onto `target`. */
function mapRow<T extends object>(target: T, columns: ColumnMapping[], row: Record<string, unknown>): T {
  const values = target as Record<string, unknown>;
  for (const { property, name, hydrate } of columns) {
    const value = row[property];
    if (value !== undefined) values[name] = hydrate(value);
  }
  return target;
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

function bind(text: string, values: SqlValues): BoundStatement {
  return { statement: sqlStatement(text), values: values.values };
}
