import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DatabaseConfig } from '../../config';
import { EVENT_KINDS } from '../../events/event-kinds';
import { EmbeddedPostgres } from '../embedded-postgres';
import { buildTypeOrmOptions } from '../typeorm-options';
import { EventGenerator, SeedEvent, take } from './event-generator';
import { BinaryArray, UnnestEventWriter } from './event-writer';

describe('BinaryArray', () => {
  const words = (buffer: Buffer) => Array.from({ length: 5 }, (_, index) => buffer.readInt32BE(index * 4));

  it('encodes text as PostgreSQL binary array elements: length and UTF-8 bytes, -1 for NULL', () => {
    const array = new BinaryArray('text');
    for (const value of ['a"b\\c', null, 'Đorđe 😕']) array.add(value);
    const buffer = array.finish();
    expect(words(buffer)).toEqual([1, 1, 25, 3, 1]); // one dimension, has NULLs, text, 3 elements from 1
    const first = Buffer.from('a"b\\c');
    const third = Buffer.from('Đorđe 😕');
    expect(buffer.subarray(20)).toEqual(
      Buffer.concat([int32(first.length), first, int32(-1), int32(third.length), third]),
    );
  });

  it('encodes numbers in network byte order and an empty array without dimensions', () => {
    const positions = new BinaryArray('int4');
    positions.add(7);
    expect(positions.finish().subarray(20)).toEqual(Buffer.concat([int32(4), int32(7)]));
    const empty = new BinaryArray('float8').finish();
    expect([empty.readInt32BE(0), empty.readInt32BE(4), empty.readInt32BE(8), empty.length]).toEqual([0, 0, 701, 12]);
  });

  it('grows past its first buffer', () => {
    const array = new BinaryArray('text');
    const long = 'x'.repeat(50_000);
    for (let index = 0; index < 5; index++) array.add(long);
    expect(array.finish().length).toBe(20 + 5 * (4 + 50_000));
  });
});

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

describe('UnnestEventWriter on the embedded PostgreSQL', () => {
  let dataDir: string;
  let embedded: EmbeddedPostgres;
  let dataSource: DataSource;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'seed-writer-'));
    embedded = await EmbeddedPostgres.start(dataDir);
    const config: DatabaseConfig = { url: undefined, dataDir, poolSize: 1, statementTimeoutMs: 60_000, connectTimeoutMs: 10_000, retryAfterSeconds: 5, replicaUrls: [], replicaRetrySeconds: 10, retentionMonths: undefined, retentionBatchSize: 5000, retentionIntervalSeconds: 3600 };
    dataSource = await new DataSource(buildTypeOrmOptions(config, embedded.url, true)).initialize();
    await dataSource.runMigrations();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores every event and its kind row exactly as generated', async () => {
    const generator = new EventGenerator(EVENT_KINDS, { seed: 3, customers: 6, eventsPerCustomer: 40, tutorialCustomer: false, until: Date.UTC(2026, 0, 1) });
    const generated = [...generator.events()];
    const writer = await UnnestEventWriter.open(dataSource, EVENT_KINDS);
    try {
      const source = generated[Symbol.iterator]();
      let written = 0;
      for (let count = -1; count !== 0; written += count) count = await writer.write(take(source, 37));
      expect(written).toBe(generated.length);
    } finally {
      await writer.close();
    }

    const rows: { customer_number: string; event_kind: string; ms: string; description: string | null; event_data_xml: string; workitem_id: string | null }[] =
      await dataSource.query(
        `SELECT customer_number, event_kind, (extract(epoch FROM creation_datetime) * 1000)::bigint::text AS ms, description, event_data_xml, workitem_id
         FROM customer_event ORDER BY event_id`,
      );
    // One writer draws ids batch after batch, so id order is generation order.
    expect(rows.map((row) => [row.customer_number, row.event_kind, Number(row.ms), row.description, row.event_data_xml, row.workitem_id])).toEqual(
      generated.map((event) => [event.customerNumber, event.eventKind, event.creationDatetime, event.description, event.eventDataXml, event.workitemId]),
    );

    for (const kind of EVENT_KINDS) {
      const metadata = dataSource.getMetadata(kind.entity);
      const stored: { event_kind: string; values: Record<string, string | null> }[] = await dataSource.query(
        `SELECT e.event_kind, (SELECT jsonb_object_agg(key, value #>> '{}') FROM jsonb_each(to_jsonb(k))) AS values
         FROM "${metadata.tablePath}" k JOIN customer_event e USING (customer_number, event_id) ORDER BY k.event_id`,
      );
      const expected = generated.filter((event) => event.eventKind === kind.eventKind);
      expect(stored.length).toBe(expected.length);
      expect(stored.every((row) => row.event_kind === kind.eventKind)).toBe(true);
      stored.forEach(({ values }, index) => {
        const event = expected[index] as SeedEvent;
        for (const column of metadata.columns.filter((candidate) => !candidate.isPrimary)) {
          expect([column.propertyName, values[column.databaseName]]).toEqual([column.propertyName, event.body![column.propertyName] ?? null]);
        }
      });
    }
  });

  it('writes nothing of a batch that fails', async () => {
    const [before] = await dataSource.query('SELECT count(*)::int AS count FROM customer_event');
    const generator = new EventGenerator(EVENT_KINDS, { seed: 4, customers: 1, eventsPerCustomer: 50, tutorialCustomer: false, until: Date.UTC(2026, 0, 1) });
    const batch = [...generator.events()];
    const transaction = batch.find((event) => event.eventKind === 'AccountingTransactionEvent')!;
    transaction.body = { ...transaction.body, currency: 'EURO' }; // char(3)
    const writer = await UnnestEventWriter.open(dataSource, EVENT_KINDS);
    try {
      await expect(writer.write(batch)).rejects.toThrow(/too long/);
    } finally {
      await writer.close();
    }
    const [after] = await dataSource.query('SELECT count(*)::int AS count FROM customer_event');
    expect(after.count).toBe(before.count);
  });
});
