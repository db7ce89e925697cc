import type { PoolClient } from 'pg';
import { DataSource, EntityMetadata, QueryRunner } from 'typeorm';
import { EventEntity, jsonText } from '../../events/core/event.entity';
import { EventKind } from '../../events/core/event-kind';
import { SeedEvent } from './event-generator';

/** Where generated events go; a COPY-based sink can replace the unnest one without touching the generator. */
export interface EventSink {
  /**
   * Takes the events at once, before it returns (so they can be garbage as
   * soon as they are taken), then stores them in one atomic step: every event
   * with its kind row, or nothing. Resolves to how many events it stored.
   */
  write(events: Iterable<SeedEvent>): Promise<number>;
  close(): Promise<void>;
}

/** The customer_event columns a seeded event fills, by property; the rest keep their defaults (no idempotency key or fingerprint). */
const EVENT_VALUES: Record<string, (event: SeedEvent) => string | number | null> = {
  customerNumber: (event) => event.customerNumber,
  eventKind: (event) => event.eventKind,
  creationDatetime: (event) => event.creationDatetime,
  description: (event) => event.description,
  eventDataXml: (event) => event.eventDataXml,
  eventDataKeyValues: (event) => jsonText.to(event.eventDataKeyValues) ?? null,
  workitemId: (event) => event.workitemId,
};
const EVENT_PROPERTIES = Object.keys(EVENT_VALUES);

/** How a column's values travel: as a binary array of these elements, then cast on insert where needed. */
type Element = 'text' | 'float8' | 'int4';

interface ColumnLayout {
  property: string;
  name: string;
  element: Element;
  /** The inserted value, from the unnested element. */
  select: (element: string) => string;
}

interface TableLayout {
  /** Quoted, schema-qualified when the entity names a schema. */
  table: string;
  columns: ColumnLayout[];
}

/**
 * One batch is one statement: data-modifying CTEs insert the events and every
 * kind's rows from array parameters (`unnest`), with event ids drawn from the
 * identity sequence inside the statement into one array, looked up by each
 * event's position in the batch. One round trip per batch keeps the server
 * busy while the next batch is generated, and a single statement is atomic
 * without BEGIN/COMMIT. The foreign keys are checked at the end of the
 * statement, when the events are there. Table and column names come from the
 * entity metadata, so they follow the entities and the naming strategy.
 *
 * The arrays travel in PostgreSQL's binary format, filled as the events
 * arrive: nothing is escaped or parsed as text, and no JavaScript string
 * outlives its event (the batch is off the garbage-collected heap).
 */
export class UnnestEventWriter implements EventSink {
  private constructor(
    private readonly runner: QueryRunner,
    private readonly client: PoolClient,
    private readonly statement: string,
    private readonly sequence: string,
    /** Reused from batch to batch: a writer has one batch in flight, and pg has copied it out by the time the next comes. */
    private readonly arrays: ParameterArrays,
  ) {}

  private busy = false;

  static async open(dataSource: DataSource, kinds: readonly EventKind[]): Promise<UnnestEventWriter> {
    const eventMetadata = dataSource.getMetadata(EventEntity);
    const events = layout(dataSource, eventMetadata, EVENT_PROPERTIES);
    const kindTables = new Map<string, TableLayout>();
    for (const kind of kinds) {
      const metadata = dataSource.getMetadata(kind.entity);
      const own = metadata.columns.filter((column) => !column.isPrimary).map((column) => column.propertyName);
      kindTables.set(kind.eventKind, layout(dataSource, metadata, ['customerNumber', ...own]));
    }
    const idColumn = eventMetadata.findColumnWithPropertyName('eventId')!.databaseName;
    const [{ sequence }] = await dataSource.query(`SELECT pg_get_serial_sequence($1, $2) AS sequence`, [
      quotedTable(dataSource, eventMetadata),
      idColumn,
    ]);
    const runner = dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    // A seed run is repeatable: losing the last batches to a crash costs nothing, waiting for each WAL flush does.
    await client.query('SET synchronous_commit TO off');
    const statement = batchStatement(events, [...kindTables.values()], dataSource.driver.escape(idColumn));
    return new UnnestEventWriter(runner, client, statement, sequence, parameterArrays(events, kindTables));
  }

  write(events: Iterable<SeedEvent>): Promise<number> {
    if (this.busy) return Promise.reject(new Error('A writer stores one batch at a time: wait for the previous write'));
    let params: unknown[];
    let count: number;
    try {
      ({ params, count } = this.encode(events));
    } catch (error) {
      return Promise.reject(error);
    }
    if (count === 0) return Promise.resolve(0);
    this.busy = true;
    return this.client
      .query(this.statement, params)
      .then(() => count)
      .finally(() => {
        this.busy = false;
      });
  }

  async close(): Promise<void> {
    try {
      await this.client.query('RESET synchronous_commit');
    } finally {
      await this.runner.release();
    }
  }

  /** $1 the sequence, $2 the batch size, then the event columns, then per kind the batch positions of its events and its columns. */
  private encode(events: Iterable<SeedEvent>): { params: unknown[]; count: number } {
    for (const array of this.arrays.all) array.reset();
    let count = 0;
    for (const event of events) {
      count++;
      for (const { value, array } of this.arrays.events) array.add(value(event));
      if (!event.body) continue;
      const kind = this.arrays.kinds.get(event.eventKind);
      if (!kind) throw new Error(`No table for ${event.eventKind}`);
      kind.positions.add(count);
      for (const { property, array } of kind.columns) array.add(event.body[property] ?? null);
    }
    return { params: [this.sequence, count, ...this.arrays.all.map((array) => array.finish())], count };
  }
}

/** Fresh statistics for the seeded tables, so the service's first queries are not planned for empty tables. */
export async function refreshStatistics(dataSource: DataSource, kinds: readonly EventKind[]): Promise<void> {
  for (const entity of [EventEntity, ...kinds.map((kind) => kind.entity)]) {
    await dataSource.query(`ANALYZE ${quotedTable(dataSource, dataSource.getMetadata(entity))}`);
  }
}

function quotedTable(dataSource: DataSource, metadata: EntityMetadata): string {
  return [metadata.schema, metadata.tableName]
    .filter((part): part is string => Boolean(part))
    .map((part) => dataSource.driver.escape(part))
    .join('.');
}

function layout(dataSource: DataSource, metadata: EntityMetadata, properties: string[]): TableLayout {
  return {
    table: quotedTable(dataSource, metadata),
    columns: properties.map((property) => {
      const column = metadata.findColumnWithPropertyName(property);
      if (!column) throw new Error(`${metadata.tableName} has no column for ${property}`);
      const type = dataSource.driver.normalizeType(column);
      const name = dataSource.driver.escape(column.databaseName);
      // Instants travel as epoch milliseconds. Character values travel as text and are cast on
      // assignment, which keeps their length checks (a char(3)[] cast would truncate silently);
      // anything else (numeric, date) travels as its text form and is cast explicitly.
      if (/^timestamp/.test(type)) return { property, name, element: 'float8', select: (element) => `to_timestamp(${element} / 1000)` };
      if (/char|text/.test(type)) return { property, name, element: 'text', select: (element) => element };
      return { property, name, element: 'text', select: (element) => `CAST(${element} AS ${type})` };
    }),
  };
}

interface ParameterArrays {
  events: { value: (event: SeedEvent) => string | number | null; array: BinaryArray }[];
  kinds: Map<string, { positions: BinaryArray; columns: { property: string; array: BinaryArray }[] }>;
  /** Every array in parameter order (after the sequence and the batch size). */
  all: BinaryArray[];
}

function parameterArrays(events: TableLayout, kindTables: Map<string, TableLayout>): ParameterArrays {
  const arrays: ParameterArrays = { events: [], kinds: new Map(), all: [] };
  const array = (element: Element) => {
    const created = new BinaryArray(element);
    arrays.all.push(created);
    return created;
  };
  for (const column of events.columns) arrays.events.push({ value: EVENT_VALUES[column.property], array: array(column.element) });
  for (const [eventKind, table] of kindTables) {
    const positions = array('int4');
    arrays.kinds.set(eventKind, { positions, columns: table.columns.map((column) => ({ property: column.property, array: array(column.element) })) });
  }
  return arrays;
}

/** $1 the sequence, $2 the batch size, then the event columns, then per kind the batch positions of its events and its columns. */
function batchStatement(events: TableLayout, kinds: TableLayout[], idColumn: string): string {
  let parameter = 2;
  const arrays = (table: TableLayout) => table.columns.map((column) => `$${++parameter}::${column.element}[]`);
  const aliases = (table: TableLayout) => table.columns.map((_, index) => `c${index}`);
  const insert = (table: TableLayout, source: string) => {
    const names = [...table.columns.map((column) => column.name), idColumn].join(', ');
    const values = [...table.columns.map((column, index) => column.select(`source.c${index}`)), 'ids.id[source.n]'].join(', ');
    return `INSERT INTO ${table.table} (${names}) SELECT ${values} FROM ${source}, ids`;
  };
  // The batch's ids as one array, looked up by position: no join per table.
  const steps = [`ids AS MATERIALIZED (SELECT array_agg(nextval($1::regclass) ORDER BY n) AS id FROM generate_series(1, $2::int) AS n)`];
  steps.push(`events AS (${insert(events, `unnest(${arrays(events).join(', ')}) WITH ORDINALITY AS source(${aliases(events).join(', ')}, n)`)})`);
  kinds.forEach((kind, index) => {
    const positions = `$${++parameter}::int4[]`;
    steps.push(`kind${index} AS (${insert(kind, `unnest(${[positions, ...arrays(kind)].join(', ')}) AS source(n, ${aliases(kind).join(', ')})`)})`);
  });
  return `WITH ${steps.join(',\n')}\nSELECT cardinality(id) FROM ids`;
}

const ELEMENT_OIDS: Record<Element, number> = { text: 25, float8: 701, int4: 23 };
const HEADER_BYTES = 20;

/**
 * A one-dimensional array in PostgreSQL's binary format (array_send/array_recv):
 * a header, then each element as its byte length and bytes (-1 for NULL).
 * pg sends a Buffer parameter in binary, so the server reads it without parsing.
 */
export class BinaryArray {
  private buffer = Buffer.allocUnsafe(16 * 1024);
  private offset = HEADER_BYTES;
  private length = 0;
  private hasNull = false;

  constructor(private readonly element: Element) {}

  /** Empties the array, keeping its buffer for the next batch. */
  reset(): void {
    this.offset = HEADER_BYTES;
    this.length = 0;
    this.hasNull = false;
  }

  add(value: string | number | null | undefined): void {
    this.length++;
    if (value === null || value === undefined) {
      this.hasNull = true;
      this.reserve(4);
      this.offset = this.buffer.writeInt32BE(-1, this.offset);
      return;
    }
    switch (this.element) {
      case 'int4':
        this.reserve(8);
        this.offset = this.buffer.writeInt32BE(4, this.offset);
        this.offset = this.buffer.writeInt32BE(value as number, this.offset);
        return;
      case 'float8':
        this.reserve(12);
        this.offset = this.buffer.writeInt32BE(8, this.offset);
        this.offset = this.buffer.writeDoubleBE(value as number, this.offset);
        return;
      case 'text': {
        const text = String(value);
        this.reserve(4 + text.length * 3); // a UTF-16 code unit is at most 3 bytes of UTF-8
        const bytes = this.buffer.write(text, this.offset + 4, 'utf8');
        this.buffer.writeInt32BE(bytes, this.offset);
        this.offset += 4 + bytes;
      }
    }
  }

  finish(): Buffer {
    if (this.length === 0) {
      // An empty array has no dimensions.
      this.buffer.writeInt32BE(0, 0);
      this.buffer.writeInt32BE(0, 4);
      this.buffer.writeInt32BE(ELEMENT_OIDS[this.element], 8);
      return this.buffer.subarray(0, 12);
    }
    this.buffer.writeInt32BE(1, 0);
    this.buffer.writeInt32BE(this.hasNull ? 1 : 0, 4);
    this.buffer.writeInt32BE(ELEMENT_OIDS[this.element], 8);
    this.buffer.writeInt32BE(this.length, 12);
    this.buffer.writeInt32BE(1, 16);
    return this.buffer.subarray(0, this.offset);
  }

  private reserve(bytes: number): void {
    if (this.offset + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.offset + bytes));
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }
}
